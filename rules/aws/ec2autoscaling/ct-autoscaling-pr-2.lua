-- CT.AUTOSCALING.PR.2: Auto Scaling launch configurations that serve instance metadata must
-- require IMDSv2 tokens.
local g = pp.lib("guard")
local str_eq = g.eq_all
local show = g.show

local is_struct = pp.is_map

return g.rule({ id = "ct-autoscaling-pr-2", noun = "launch configuration",
  types = { "AWS::AutoScaling::LaunchConfiguration" },
  judge = function(ctx, p)
    local mo = p.MetadataOptions
    if mo == nil then
      return ctx.fail("MetadataOptions is not set, so IMDSv1 stays allowed", p)
    end
    if not is_struct(mo) then return ctx.skip("MetadataOptions is not an object") end
    local ep = mo.HttpEndpoint
    if ep ~= nil and not str_eq(ep, "enabled") then
      return ctx.skip("the instance metadata endpoint is not enabled")
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
