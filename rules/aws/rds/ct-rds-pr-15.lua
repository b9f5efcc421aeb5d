-- CT.RDS.PR.15: no RDS DB security groups (EC2-Classic): neither as resources nor on DB instances.
local g = pp.lib("guard")
local is_list = pp.is_list

local instance = pp.lib("guard_rds").rule({
  id = "ct-rds-pr-15", type = "AWS::RDS::DBInstance",
  props = { {
    key = "DBSecurityGroups", ok = function(v) return is_list(v) and #v == 0 end,
    bad = "; use VPCSecurityGroups instead",
  } },
})

return g.rule({
  id = "ct-rds-pr-15", types = { "AWS::RDS::DBInstance", "AWS::RDS::DBSecurityGroup" },
  judge = function(ctx, p, r)
    if r.type == "AWS::RDS::DBSecurityGroup" then
      return ctx.fail("DB security groups belong to EC2-Classic; use VPC security groups instead")
    end
    return instance.check(r, ctx)
  end,
})
