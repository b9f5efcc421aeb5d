-- CT.ELASTICACHE.PR.5: a Redis replication group encrypts traffic in transit.
-- Guard semantics kept: the control applies when Engine is present and exactly "redis" (a list
-- applies when every entry is, so an empty list applies; an absent Engine is out of scope even
-- though CloudFormation's default engine is redis); TransitEncryptionEnabled must then be present
-- and the boolean true (the string "true" fails; a list passes when every entry is true).
local type, format, tostring, ipairs = type, string.format, tostring, ipairs
local is_list, is_unknown = pp.is_list, pp.is_unknown
local g = pp.lib("guard")
local ec = pp.lib("guard_elasticache")
local show, all_eq = g.show, g.eq_ipairs
local redis = ec.redis

return {
  title      = "ElastiCache Redis replication groups encrypt data in transit",
  id         = "ct-elasticache-pr-5",
  severity   = "medium",
  types      = { "AWS::ElastiCache::ReplicationGroup" },
  packs      = { "control-tower" },
  controls   = { "CT.ELASTICACHE.PR.5", "elasticache_repl_grp_encrypted_in_transit_check" },
  guard      = "elasticache_repl_grp_encrypted_in_transit_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-17(2)", "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:IA-5(1)",
    "NIST 800-53 Rev 5:SC-12(3)", "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-23",
    "NIST 800-53 Rev 5:SC-23(3)", "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-8",
    "NIST 800-53 Rev 5:SC-8(1)", "NIST 800-53 Rev 5:SC-8(2)", "NIST 800-53 Rev 5:SI-7(6)",
    "PCI DSS version 3.2.1:2.3", "PCI DSS version 3.2.1:4.1"
  },
  docs       = "https://docs.aws.amazon.com/AmazonElastiCache/latest/red-ug/in-transit-encryption.html#in-transit-encryption-enable",
  fix        = "Set TransitEncryptionEnabled: true so clients and nodes talk over TLS (clients "
            .. "must then connect with TLS).",
  check = function(r, ctx)
    local p = r.properties
    local scope = redis(p.Engine)
    if scope == false then
      return ctx.skip("Engine is " .. show(p.Engine) .. ", not redis")
    end
    local v, problem = p.TransitEncryptionEnabled, nil
    if v == nil then
      problem = "TransitEncryptionEnabled is missing (the default is false)"
    elseif is_unknown(v) then
      return ctx.unknown("TransitEncryptionEnabled depends on a value known only at deploy time", p,
                         "TransitEncryptionEnabled")
    elseif not all_eq(v, true) then
      problem = "TransitEncryptionEnabled is " .. show(v) .. ", not the boolean true"
    end
    if problem == nil then return end
    if scope == nil then
      return ctx.unknown(problem .. ", which matters if Engine (known only at deploy time) is redis",
                         p, "Engine")
    end
    return ctx.fail(problem .. ": clients and replicas exchange data in clear text", p,
                    v ~= nil and "TransitEncryptionEnabled" or nil)
  end,
}
