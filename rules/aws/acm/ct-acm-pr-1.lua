-- CT.ACM.PR.1: a private certificate (issued by an AWS Private CA) names single domains, no wildcards.
-- Guard semantics kept:
--  * in scope when CertificateAuthorityArn is present, whatever its value;
--  * DomainName must be present and a string that does not match /^(\*\.).*$/ (begins with "*."
--    and has no line break after it);
--  * SubjectAlternativeNames, when it is a non-empty list, must hold only such strings; any other
--    value (a string, an object, an empty list) is not looked at.
local type, tostring, ipairs, find = type, tostring, ipairs, string.find
local is_list, is_unknown = pp.is_list, pp.is_unknown
local g = pp.lib("guard")
local show = g.show

-- Guard's /^(\*\.).*$/
local function wildcard(s)
  return find(s, "^%*%.") ~= nil and not find(s, "\n", 3, true)
end

return g.rule({ id = "ct-acm-pr-1", types = { "AWS::CertificateManager::Certificate" },
  judge = function(ctx, p)
    if p.CertificateAuthorityArn == nil then
      return ctx.skip("no CertificateAuthorityArn: not a private CA certificate")
    end
    local dn = p.DomainName
    if dn == nil then
      ctx.fail("DomainName is missing", p)
    elseif is_unknown(dn) then
      ctx.unknown("DomainName depends on a value known only at deploy time", p, "DomainName")
    elseif type(dn) ~= "string" then
      ctx.fail("DomainName is " .. show(dn) .. ", not a string", p, "DomainName")
    elseif wildcard(dn) then
      ctx.fail("DomainName " .. show(dn) .. " is a wildcard domain", p, "DomainName")
    end
    local sans = p.SubjectAlternativeNames
    if is_list(sans) then
      for i, s in ipairs(sans) do
        if is_unknown(s) then
          ctx.unknown("SubjectAlternativeNames entry " .. i .. " depends on a value known only at "
                      .. "deploy time", sans, i)
        elseif type(s) ~= "string" then
          ctx.fail("SubjectAlternativeNames entry " .. i .. " is " .. show(s) .. ", not a string",
                   sans, i)
        elseif wildcard(s) then
          ctx.fail("SubjectAlternativeNames entry " .. i .. " " .. show(s) .. " is a wildcard domain",
                   sans, i)
        end
      end
    end
  end,
})
