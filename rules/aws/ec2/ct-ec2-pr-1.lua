-- CT.EC2.PR.1: EC2 launch templates that serve instance metadata must require IMDSv2 tokens.
local g = pp.lib("guard")
local str_eq = g.eq_all
local show = g.show

local is_struct = pp.is_map

return g.rule({ id = "ct-ec2-pr-1", noun = "launch template",
  types = { "AWS::EC2::LaunchTemplate" },
  judge = function(ctx, p)
    local data = p.LaunchTemplateData
    if not is_struct(data) then
      return ctx.skip("LaunchTemplateData is not given as an object")
    end
    local mo = data.MetadataOptions
    if mo ~= nil then
      if not is_struct(mo) then return ctx.skip("MetadataOptions is not an object") end
      local ep = mo.HttpEndpoint
      if ep ~= nil and not str_eq(ep, "enabled") then
        return ctx.skip("the instance metadata endpoint is not enabled")
      end
    else
      return ctx.fail("LaunchTemplateData has no MetadataOptions, so IMDSv1 stays allowed", data)
    end
    local tok = mo.HttpTokens
    if tok == nil then
      return ctx.fail("MetadataOptions.HttpTokens is not set, so IMDSv1 stays allowed", mo)
    end
    if not str_eq(tok, "required") then
      return ctx.fail("MetadataOptions.HttpTokens is " .. show(tok) .. "; it must be \"required\"",
                      mo, "HttpTokens")
    end
  end,
})
