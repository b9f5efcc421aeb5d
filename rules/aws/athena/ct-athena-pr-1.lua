-- CT.ATHENA.PR.1: an Athena workgroup encrypts query results at rest, and enforces it.
-- Guard semantics kept:
--  * WorkGroupConfiguration must be an object;
--  * its EnforceWorkGroupConfiguration must be absent or the boolean true (the string "true" and
--    JSON null fail; a list passes when every entry is true);
--  * its ResultConfiguration must be an object whose EncryptionConfiguration is an object whose
--    EncryptionOption is a string that is not blank (Unicode white space counts as blank); the
--    option's value is not otherwise checked.
local type, tostring, ipairs = type, tostring, ipairs
local is_unknown, has = pp.is_unknown, pp.has
local g = pp.lib("guard")
local ath = pp.lib("guard_athena")
local all_true, blank = g.is_true_ipairs, g.blank_strip
local show, object = ath.show, ath.object

return g.rule({ id = "ct-athena-pr-1", types = { "AWS::Athena::WorkGroup" },
  judge = function(ctx, p)
    local wgc = object(ctx, p, "WorkGroupConfiguration", "WorkGroupConfiguration")
    if wgc == nil then return end
    local enforce = wgc.EnforceWorkGroupConfiguration
    if enforce ~= nil or has(wgc, "EnforceWorkGroupConfiguration") then
      if is_unknown(enforce) then
        ctx.unknown("EnforceWorkGroupConfiguration depends on a value known only at deploy time", wgc,
                    "EnforceWorkGroupConfiguration")
      elseif not all_true(enforce) then
        ctx.fail("WorkGroupConfiguration.EnforceWorkGroupConfiguration is " .. show(enforce)
                 .. ": clients can override the workgroup's encryption settings", wgc,
                 "EnforceWorkGroupConfiguration")
      end
    end
    local rc = object(ctx, wgc, "ResultConfiguration", "WorkGroupConfiguration.ResultConfiguration")
    if rc == nil then return end
    local ec = object(ctx, rc, "EncryptionConfiguration",
                      "WorkGroupConfiguration.ResultConfiguration.EncryptionConfiguration")
    if ec == nil then return end
    local opt = ec.EncryptionOption
    if opt == nil then
      ctx.fail("EncryptionConfiguration.EncryptionOption is missing", ec)
    elseif is_unknown(opt) then
      ctx.unknown("EncryptionOption depends on a value known only at deploy time", ec, "EncryptionOption")
    elseif type(opt) ~= "string" or blank(opt) then
      ctx.fail("EncryptionConfiguration.EncryptionOption is " .. show(opt)
               .. ", not an encryption option", ec, "EncryptionOption")
    end
  end,
})
