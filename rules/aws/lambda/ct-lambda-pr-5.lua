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

return {
  title      = "Lambda function URLs require IAM authentication",
  id         = "ct-lambda-pr-5",
  severity   = "critical",
  types      = { "AWS::Lambda::Url" },
  packs      = { "control-tower" },
  controls   = { "CT.LAMBDA.PR.5", "lambda_function_url_auth_check" },
  guard      = "lambda_function_url_auth_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-2(1)", "NIST 800-53 Rev 5:AC-3",
    "NIST 800-53 Rev 5:AC-3(15)", "NIST 800-53 Rev 5:AC-3(7)",
    "NIST 800-53 Rev 5:AC-6", "PCI DSS version 3.2.1:7.1.1",
    "PCI DSS version 3.2.1:7.2.1", "PCI DSS version 3.2.1:7.2.2"
  },
  docs       = "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html",
  fix        = "Set AuthType to AWS_IAM so that only signed requests from allowed principals "
            .. "reach the function.",
  check = function(r, ctx)
    local p = r.properties
    local auth = p.AuthType
    if auth == nil then
      return ctx.fail("AuthType is missing: the function URL must use AWS_IAM", p)
    end
    if not all_iam(auth) then
      return ctx.fail("AuthType is " .. show(auth) .. ": the function URL must use AWS_IAM",
                      p, "AuthType")
    end
  end,
}
