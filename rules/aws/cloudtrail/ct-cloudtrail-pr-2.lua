-- CT.CLOUDTRAIL.PR.2: a CloudTrail trail validates its log files.
-- Guard semantics kept: EnableLogFileValidation must be present and the boolean true (the
-- string "true" fails; a list passes when every entry is true, so an empty list passes).
local g = pp.lib("guard")
local show = g.show
local all_true = g.is_true_ipairs

return g.rule({ id = "ct-cloudtrail-pr-2", types = { "AWS::CloudTrail::Trail" },
  judge = function(ctx, p)
    local v = p.EnableLogFileValidation
    if v == nil then
      return ctx.fail("EnableLogFileValidation is missing: log files are not validated", p)
    end
    if not all_true(v) then
      return ctx.fail("EnableLogFileValidation is " .. show(v) .. ", not the boolean true", p,
                      "EnableLogFileValidation")
    end
  end,
})
