-- CT.RDS.PR.28: RDS DB parameter groups of engines that can require TLS must require it.
local rds = pp.lib("guard_rds")
local family = rds.family

-- Families that cannot require secure transport.
local NO_TLS = {
  ["mysql5.5"] = true, ["mysql5.6"] = true,
  ["mariadb10.0"] = true, ["mariadb10.1"] = true, ["mariadb10.2"] = true, ["mariadb10.3"] = true,
  ["mariadb10.4"] = true,
}

local MYSQL = { "require_secure_transport", rds.tls_on, "1 (or ON)" }
local FORCE_SSL = { "rds.force_ssl", rds.tls_on, "1" }

return rds.tls_parameter_rule({
  id = "ct-rds-pr-28", type = "AWS::RDS::DBParameterGroup", noun = "DB parameter group",
  pick = function(fam)
    if (family(fam, "mysql") or family(fam, "mariadb")) and not NO_TLS[fam] then return MYSQL end
    if family(fam, "postgres") or family(fam, "sqlserver") then return FORCE_SSL end
  end,
})
