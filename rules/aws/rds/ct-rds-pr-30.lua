-- CT.RDS.PR.30: RDS DB instances must encrypt storage with a KMS key that the template names.
local g = pp.lib("guard")
local show = g.show
local blank = g.blank_bytes
local local_ref = g.check_local_references

local ENGINE_LIST = { "mariadb", "mysql", "oracle-ee", "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb",
  "postgres", "sqlserver-ee", "sqlserver-se", "sqlserver-web" }

local rds = pp.lib("guard_rds")
local engine_in_scope = rds.engine_in(ENGINE_LIST)

return {
  id       = "ct-rds-pr-30",
  types    = { "AWS::RDS::DBInstance" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB instance has no Properties") end
    if not engine_in_scope(p.Engine) then
      return ctx.skip("Engine " .. show(p.Engine) .. " is not in the scope of this control")
    end
    local v = p.KmsKeyId
    if v == nil then
      return ctx.fail("KmsKeyId is not set, so the storage is not encrypted with a key you choose", p)
    end
    if not ((type(v) == "string" and not blank(v)) or local_ref(v, ctx, "AWS::KMS::Key", "AWS::KMS::Alias")) then
      return ctx.fail("KmsKeyId is " .. show(v) ..
                      ", neither a key id/alias/ARN nor a reference to a KMS key or alias in this template",
                      p, "KmsKeyId")
    end
  end,
}
