-- CT.RDS.PR.28: RDS DB parameter groups of engines that can require TLS must require it.
local g = pp.lib("guard")
local show = g.show
local is_list = pp.is_list

local mtype = math.type

-- The values the control accepts as "on".
local TRUE_VALUES = { true, 1, "1", "true", "True", "TRUE", "on", "On", "ON" }

local function true1(x)
  for i = 1, #TRUE_VALUES do
    local t = TRUE_VALUES[i]
    if x == t and (type(x) ~= "number" or mtype(x) == mtype(t)) then return true end
  end
  return false
end

-- Guard `v in TRUE_VALUES`: a list passes when every element is one of them
local function is_on(v)
  if is_list(v) then
    for i = 1, #v do if not true1(v[i]) then return false end end
    return true
  end
  return true1(v)
end

-- Guard `Family in /^prefix/`: only a string matches
local function family(v, prefix)
  return type(v) == "string" and v:sub(1, #prefix) == prefix
end

-- Families that cannot require secure transport.
local NO_TLS = {
  ["mysql5.5"] = true, ["mysql5.6"] = true,
  ["mariadb10.0"] = true, ["mariadb10.1"] = true, ["mariadb10.2"] = true, ["mariadb10.3"] = true,
  ["mariadb10.4"] = true,
}

local function param_problem(p, key, want)
  local params = p.Parameters
  if not pp.is_map(params) then
    return "Parameters does not set " .. key .. "; it must be " .. want
  end
  local v = params[key]
  if v == nil then return "Parameters does not set " .. key .. "; it must be " .. want end
  if not is_on(v) then return "Parameters." .. key .. " is " .. show(v) .. "; it must be " .. want end
  return nil
end

return {
  id       = "ct-rds-pr-28",
  severity = "medium",
  types    = { "AWS::RDS::DBParameterGroup" },
  packs    = { "control-tower" },
  controls = { "CT.RDS.PR.28", "rds_db_parameter_group_tls_check" },
  guard    = "rds_db_parameter_group_tls_check",
  frameworks = { "NIST 800-53 Rev 5:AC-2(4)", "NIST 800-53 Rev 5:AC-4(26)",
    "NIST 800-53 Rev 5:AC-6(9)", "NIST 800-53 Rev 5:AU-10", "NIST 800-53 Rev 5:AU-12",
    "NIST 800-53 Rev 5:AU-2", "NIST 800-53 Rev 5:AU-3", "NIST 800-53 Rev 5:AU-6(3)",
    "NIST 800-53 Rev 5:AU-6(4)", "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:SC-7(10)",
    "NIST 800-53 Rev 5:SC-7(9)", "NIST 800-53 Rev 5:SI-3(8)", "NIST 800-53 Rev 5:SI-4(20)",
    "NIST 800-53 Rev 5:SI-7(8)", "PCI DSS version 3.2.1:10.1", "PCI DSS version 3.2.1:10.2.1",
    "PCI DSS version 3.2.1:10.2.2", "PCI DSS version 3.2.1:10.2.3", "PCI DSS version 3.2.1:10.2.4",
    "PCI DSS version 3.2.1:10.2.5", "PCI DSS version 3.2.1:10.2.6", "PCI DSS version 3.2.1:10.2.7",
    "PCI DSS version 3.2.1:10.3.1", "PCI DSS version 3.2.1:10.3.2", "PCI DSS version 3.2.1:10.3.3",
    "PCI DSS version 3.2.1:10.3.4", "PCI DSS version 3.2.1:10.3.5", "PCI DSS version 3.2.1:10.3.6" },
  docs     = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mariadb-ssl-connections.html",
  title    = "RDS DB parameter groups must require TLS connections",
  fix      = "In Parameters, set require_secure_transport to 1 (MySQL 5.7+ and MariaDB 10.5+ families) or rds.force_ssl to 1 (PostgreSQL and SQL Server families).",
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB parameter group has no Properties") end
    local fam = p.Family
    local msg
    if (family(fam, "mysql") or family(fam, "mariadb")) and not NO_TLS[fam] then
      msg = param_problem(p, "require_secure_transport", "1 (or ON)")
    elseif family(fam, "postgres") or family(fam, "sqlserver") then
      msg = param_problem(p, "rds.force_ssl", "1")
    else
      return ctx.skip("Family " .. show(fam) .. " is not in the scope of this control")
    end
    if msg then return ctx.fail(msg, p, p.Parameters ~= nil and "Parameters" or nil) end
  end,
}
