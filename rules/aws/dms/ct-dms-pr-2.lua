-- CT.DMS.PR.2: a DMS endpoint for an engine that supports SSL connects with SSL.
-- Guard semantics kept: in scope when EngineName is present and one of the engines below, exactly
-- (case matters; a list is in scope when every entry is, so an empty list is); SslMode must then
-- be present and require, verify-ca or verify-full (a list passes when every entry is one, so an
-- empty list passes).
local type, tostring, ipairs = type, tostring, ipairs
local is_unknown = pp.is_unknown
local g = pp.lib("guard")
local show = g.show

local function set(list)
  local s = {}
  for _, x in ipairs(list) do s[x] = true end
  return s
end

local SSL_ENGINES = set({ "mysql", "oracle", "postgres", "mariadb", "aurora", "aurora-postgresql",
                          "db2", "sybase", "mongodb", "docdb", "sqlserver" })
local SSL_MODES = set({ "require", "verify-ca", "verify-full" })

local ssl_engine, ssl_mode = g.string_in(SSL_ENGINES), g.string_in(SSL_MODES)

return g.rule({ id = "ct-dms-pr-2", types = { "AWS::DMS::Endpoint" },
  judge = function(ctx, p)
    local engine = p.EngineName
    local unknown_engine = is_unknown(engine)
    if engine == nil or (not unknown_engine and not ssl_engine(engine)) then
      return ctx.skip("EngineName " .. show(engine) .. " is not an engine whose SSL is set with SslMode")
    end
    local v, problem = p.SslMode, nil
    if v == nil then
      problem = "SslMode is missing (the default is none)"
    elseif is_unknown(v) then
      return ctx.unknown("SslMode depends on a value known only at deploy time", p, "SslMode")
    elseif not ssl_mode(v) then
      problem = "SslMode is " .. show(v) .. ", not require, verify-ca or verify-full"
    end
    if problem == nil then return end
    if unknown_engine then
      return ctx.unknown(problem .. ", which matters if EngineName (known only at deploy time) "
                         .. "supports SSL", p, "EngineName")
    end
    return ctx.fail(problem .. ": data moves between DMS and the " .. show(engine)
                    .. " database unencrypted", p, v ~= nil and "SslMode" or nil)
  end,
})
