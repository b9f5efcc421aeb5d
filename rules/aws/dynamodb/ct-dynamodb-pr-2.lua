-- CT.DYNAMODB.PR.2: a DynamoDB table is encrypted at rest with a KMS key.
-- With SSEEnabled true DynamoDB uses a KMS key (the AWS managed aws/dynamodb key unless
-- KMSMasterKeyId names another); without it the table uses an AWS owned key.
-- Guard semantics kept: SSESpecification must be an object whose SSEEnabled is the boolean true
-- (the string "true" fails; a list passes when every entry is true, so an empty list passes).
local type, tostring, ipairs = type, tostring, ipairs
local is_map, is_unknown = pp.is_map, pp.is_unknown
local g = pp.lib("guard")
local show, all_true = g.show, g.is_true_ipairs

return g.rule({ id = "ct-dynamodb-pr-2", types = { "AWS::DynamoDB::Table" },
  judge = function(ctx, p)
    local sse = p.SSESpecification
    if sse == nil then
      return ctx.fail("SSESpecification is missing, so the table is encrypted with an AWS owned key, "
                      .. "not a KMS key", p)
    end
    if is_unknown(sse) then
      return ctx.unknown("SSESpecification depends on a value known only at deploy time", p,
                         "SSESpecification")
    end
    if not is_map(sse) then
      return ctx.fail("SSESpecification is " .. show(sse) .. ", not an object", p, "SSESpecification")
    end
    local v = sse.SSEEnabled
    if v == nil then
      return ctx.fail("SSESpecification.SSEEnabled is missing: set it to true", sse)
    end
    if is_unknown(v) then
      return ctx.unknown("SSESpecification.SSEEnabled depends on a value known only at deploy time",
                         sse, "SSEEnabled")
    end
    if not all_true(v) then
      return ctx.fail("SSESpecification.SSEEnabled is " .. show(v)
                      .. "; it must be the boolean true", sse, "SSEEnabled")
    end
  end,
})
