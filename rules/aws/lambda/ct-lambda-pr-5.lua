-- CT.LAMBDA.PR.5: a Lambda function URL uses IAM authentication.
-- Guard semantics kept: AuthType must be present and equal to "AWS_IAM"; a list passes only
-- when every entry is "AWS_IAM" (an empty list passes).
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local ipairs = ipairs

local function all_iam(v)
  if is_list(v) then
    for _, e in ipairs(v) do
      if e ~= "AWS_IAM" then return false end
    end
    return true
  end
  return v == "AWS_IAM"
end

return g.rule({ id = "ct-lambda-pr-5", types = { "AWS::Lambda::Url" },
  judge = function(ctx, p)
    local auth = p.AuthType
    if auth == nil then
      return ctx.fail("AuthType is missing: the function URL must use AWS_IAM", p)
    end
    if not all_iam(auth) then
      return ctx.fail("AuthType is " .. show(auth) .. ": the function URL must use AWS_IAM",
                      p, "AuthType")
    end
  end,
})
