-- CT.DYNAMODB.PR.1: a DynamoDB table has point-in-time recovery turned on.
-- Guard semantics kept: PointInTimeRecoverySpecification must be an object whose
-- PointInTimeRecoveryEnabled is the boolean true (the string "true" fails; a list passes when
-- every entry is true, so an empty list passes).
local type, tostring, ipairs = type, tostring, ipairs
local is_map, is_unknown = pp.is_map, pp.is_unknown
local g = pp.lib("guard")
local show, all_true = g.show, g.is_true_ipairs

return g.rule({ id = "ct-dynamodb-pr-1", types = { "AWS::DynamoDB::Table" },
  judge = function(ctx, p)
    local spec = p.PointInTimeRecoverySpecification
    if spec == nil then
      return ctx.fail("PointInTimeRecoverySpecification is missing, so point-in-time recovery is off", p)
    end
    if is_unknown(spec) then
      return ctx.unknown("PointInTimeRecoverySpecification depends on a value known only at deploy time",
                         p, "PointInTimeRecoverySpecification")
    end
    if not is_map(spec) then
      return ctx.fail("PointInTimeRecoverySpecification is " .. show(spec) .. ", not an object", p,
                      "PointInTimeRecoverySpecification")
    end
    local v = spec.PointInTimeRecoveryEnabled
    if v == nil then
      return ctx.fail("PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled is missing "
                      .. "(the default is false): set it to true", spec)
    end
    if is_unknown(v) then
      return ctx.unknown("PointInTimeRecoveryEnabled depends on a value known only at deploy time",
                         spec, "PointInTimeRecoveryEnabled")
    end
    if not all_true(v) then
      return ctx.fail("PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled is " .. show(v)
                      .. "; it must be the boolean true", spec, "PointInTimeRecoveryEnabled")
    end
  end,
})
