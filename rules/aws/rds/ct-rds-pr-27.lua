-- CT.RDS.PR.27: RDS DB cluster parameter groups of MySQL and PostgreSQL families must require TLS.
local rds = pp.lib("guard_rds")
local family = rds.family

local function on_string(v)
  return type(v) == "string" and v:lower() == "on"
end

local AURORA_MYSQL = { "require_secure_transport", on_string, "ON" }
local MYSQL = { "require_secure_transport", rds.tls_on, "ON or 1" }
local POSTGRES = { "rds.force_ssl", rds.tls_on, "1" }

return rds.tls_parameter_rule({
  id = "ct-rds-pr-27", type = "AWS::RDS::DBClusterParameterGroup", noun = "DB cluster parameter group",
  pick = function(fam)
    if family(fam, "aurora-mysql") then return AURORA_MYSQL end
    if family(fam, "mysql") then return MYSQL end
    if family(fam, "aurora-postgresql") or family(fam, "postgres") then return POSTGRES end
  end,
})
