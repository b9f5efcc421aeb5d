-- CT.RDS.PR.15: no RDS DB security groups (EC2-Classic): neither as resources nor on DB instances.
local g = pp.lib("guard")
local show = g.show
local is_list = pp.is_list

return {
  id       = "ct-rds-pr-15",
  types    = { "AWS::RDS::DBInstance", "AWS::RDS::DBSecurityGroup" },
  check = function(r, ctx)
    if r.type == "AWS::RDS::DBSecurityGroup" then
      return ctx.fail("DB security groups belong to EC2-Classic; use VPC security groups instead")
    end
    local p = r.properties
    if p == nil then return ctx.fail("the DB instance has no Properties") end
    local v = p.DBSecurityGroups
    if v ~= nil and not (is_list(v) and #v == 0) then
      return ctx.fail("DBSecurityGroups is " .. show(v) .. "; use VPCSecurityGroups instead", p, "DBSecurityGroups")
    end
  end,
}
