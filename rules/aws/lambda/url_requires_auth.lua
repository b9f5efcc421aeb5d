-- A Lambda function URL with AuthType NONE can be invoked by anyone on the internet who knows
-- the URL. AWS_IAM requires signed requests. Judged on AWS::Lambda::Url and on the SAM
-- shorthand AWS::Serverless::Function FunctionUrlConfig (templates checked before the
-- transform). AuthType is required: absent fails closed.
local exposure = pp.lib("exposure")
local upper_str, describe = exposure.upper_str, exposure.describe
local is_unknown, is_view, is_list = pp.is_unknown, pp.is_view, pp.is_list

local function judge(ctx, node, label)
  local u, raw = upper_str(node, "AuthType")
  if u == "AWS_IAM" then return true end
  if u == "NONE" then
    return ctx.fail(label .. "AuthType is " .. raw .. ": anyone who knows the URL can invoke "
                    .. "the function", node, "AuthType")
  end
  if raw == "unknown" then
    return ctx.unknown(label .. "AuthType depends on a value Parapet cannot resolve", node, "AuthType")
  end
  if raw == "absent" then
    return ctx.fail(label .. "AuthType is not set; it must be AWS_IAM", node)
  end
  return ctx.fail(label .. "AuthType is " .. describe(node.AuthType) .. "; it must be AWS_IAM or NONE",
                  node, "AuthType")
end

return {
  id = "lambda-url-requires-auth",
  types = { "AWS::Lambda::Url", "AWS::Serverless::Function" },
  related = { "CT.LAMBDA.PR.5" },
  check = function(r, ctx)
    local p = r.properties
    if r.type == "AWS::Lambda::Url" then return judge(ctx, p, "") end
    local cfg = p.FunctionUrlConfig
    if cfg == nil then return ctx.skip("no FunctionUrlConfig") end
    if is_unknown(cfg) then
      return ctx.unknown("FunctionUrlConfig depends on a value Parapet cannot resolve", p, "FunctionUrlConfig")
    end
    if not is_view(cfg) or is_list(cfg) then
      return ctx.fail("FunctionUrlConfig is " .. describe(cfg) .. ", not an object", p, "FunctionUrlConfig")
    end
    return judge(ctx, cfg, "FunctionUrlConfig.")
  end,
}
