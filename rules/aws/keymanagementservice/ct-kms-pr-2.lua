-- CT.KMS.PR.2: an RSA encryption key is longer than 2048 bits.
-- Guard semantics kept: applies when KeyUsage is absent or "ENCRYPT_DECRYPT" and KeySpec starts
-- with "RSA_" (lists apply when every entry does, so empty lists apply); KeySpec must then not
-- be "RSA_2048" (a KeySpec list fails when it is empty or contains "RSA_2048").
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_eq = g.eq_ipairs
local type, ipairs, sub = type, ipairs, string.sub

local function rsa(e)
  return type(e) == "string" and sub(e, 1, 4) == "RSA_"
end

local function all_rsa(v) return g.all_ipairs(v, rsa) end

-- Guard `v not in ["RSA_2048"]`.
local function not_2048(v)
  if is_list(v) then
    if #v == 0 then return false end
    for _, e in ipairs(v) do
      if e == "RSA_2048" then return false end
    end
    return true
  end
  return v ~= "RSA_2048"
end

return g.rule({ id = "ct-kms-pr-2", types = { "AWS::KMS::Key" },
  judge = function(ctx, p)
    local usage, spec = p.KeyUsage, p.KeySpec
    if usage ~= nil and not all_eq(usage, "ENCRYPT_DECRYPT") then return end
    if spec == nil or not all_rsa(spec) then return end
    if not not_2048(spec) then
      return ctx.fail("KeySpec is " .. show(spec) .. ": RSA encryption keys must be longer than "
                      .. "2048 bits", p, "KeySpec")
    end
  end,
})
