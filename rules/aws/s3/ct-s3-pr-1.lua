-- CT.S3.PR.1 (s3_bucket_level_public_access_prohibited_check): S3 buckets block public access at the bucket level.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_true = g.is_true

local SETTINGS = { "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets" }

return g.rule({ id = "ct-s3-pr-1", types = { "AWS::S3::Bucket" },
  judge = function(ctx, p)
    local c = p.PublicAccessBlockConfiguration
    if c == nil then
      return ctx.fail("PublicAccessBlockConfiguration is missing", p)
    end
    if not is_struct(c) then
      return ctx.fail("PublicAccessBlockConfiguration is " .. tostring(c) .. ", not a map",
                      p, "PublicAccessBlockConfiguration")
    end
    for i = 1, #SETTINGS do
      local k = SETTINGS[i]
      local v = c[k]
      if v == nil then
        ctx.fail("PublicAccessBlockConfiguration." .. k .. " is missing", c)
      elseif not all_true(v) then
        ctx.fail("PublicAccessBlockConfiguration." .. k .. " is " .. tostring(v) .. ", not true", c, k)
      end
    end
  end,
})
