-- A REST API's endpoint type decides who can reach it: EDGE (the default) and REGIONAL are on
-- the internet, PRIVATE only through interface VPC endpoints. A method of a public API with
-- AuthorizationType NONE (the default when absent) and no API key can be called by anyone.
-- This rule fails such a method; OPTIONS (CORS preflight) methods, methods of PRIVATE APIs, and
-- methods of allow-listed APIs (`allow_logical_ids` / `allow_tags` on the RestApi) pass. A
-- method whose RestApi is outside the template is UNKNOWN (its endpoint type is not visible).
local exposure = pp.lib("exposure")
local upper_str, allow_listed = exposure.upper_str, exposure.allow_listed
local is_unknown, is_list, ref_of, to_str, to_bool = pp.is_unknown, pp.is_list, pp.ref, pp.str, pp.bool

-- "private" | "public" | "unknown" for a RestApi resource view.
local function endpoint_kind(api)
  local ec = api.properties and api.properties.EndpointConfiguration
  if ec == nil then return "public" end
  if is_unknown(ec) then return "unknown" end
  local types = pp.is_view(ec) and ec.Types
  if types == nil then return "public" end
  if is_unknown(types) or not is_list(types) then return "unknown" end
  for i = 1, #types do
    local t = types[i]
    if is_unknown(t) then return "unknown" end
    if to_str(t) and string.upper(to_str(t)) == "PRIVATE" then return "private" end
  end
  return "public"
end

return {
  id = "apigateway-public-method-authorized",
  types = { "AWS::ApiGateway::Method" },
  params = { allow_logical_ids = {}, allow_tags = {} },
  check = function(r, ctx)
    local p = r.properties
    local verb = upper_str(p, "HttpMethod")
    if verb == "OPTIONS" then return ctx.skip("OPTIONS (CORS preflight)") end
    local auth, raw = upper_str(p, "AuthorizationType")
    if raw == "unknown" then
      return ctx.unknown("AuthorizationType depends on a value Parapet cannot resolve", p, "AuthorizationType")
    end
    if auth ~= nil and auth ~= "NONE" then return true end
    local key = p.ApiKeyRequired
    if is_unknown(key) then
      return ctx.unknown("ApiKeyRequired depends on a value Parapet cannot resolve", p, "ApiKeyRequired")
    end
    if to_bool(key) == true then return true end
    local api_ref = p.RestApiId
    local api = api_ref ~= nil and not is_unknown(api_ref) and ref_of(api_ref) and ctx.resource(api_ref)
    if not api or api.type ~= "AWS::ApiGateway::RestApi" then
      return ctx.unknown("AuthorizationType is " .. (auth and "NONE" or "not set (NONE)")
                         .. " and the RestApi is outside this template, so whether the method is "
                         .. "reachable from the internet is unknown", p, auth and "AuthorizationType" or nil)
    end
    local kind = endpoint_kind(api)
    if kind == "private" then return true end
    local why = allow_listed(api, ctx.params)
    if why then return ctx.skip("the RestApi is allowed to be public: " .. why) end
    local msg = "AuthorizationType is " .. (auth and "NONE" or "not set (NONE)") .. " without an API key "
                .. "on RestApi " .. api.logical_id
    if kind == "unknown" then
      return ctx.unknown(msg .. ", whose endpoint type Parapet cannot resolve", p, auth and "AuthorizationType" or nil)
    end
    return ctx.fail(msg .. ", which is internet-facing: anyone can call " .. (verb or "this method"),
                    p, auth and "AuthorizationType" or nil)
  end,
}
