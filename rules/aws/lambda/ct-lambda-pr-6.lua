-- CT.LAMBDA.PR.6: a Lambda function URL's CORS policy names its origins.
-- Guard semantics kept: the check applies only when Cors is an object whose AllowOrigins is a
-- non-empty list; then every origin must be a string without a '*' (an origin that is itself
-- a list is compared entry by entry, so an empty one passes).
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local type, find, ipairs = type, string.find, ipairs
local is_view = pp.is_view

local function bad_origin(o)
  if is_list(o) then
    for _, e in ipairs(o) do
      if type(e) ~= "string" or find(e, "*", 1, true) then return true end
    end
    return false
  end
  return type(o) ~= "string" or find(o, "*", 1, true) ~= nil
end

return {
  id         = "ct-lambda-pr-6",
  types      = { "AWS::Lambda::Url" },
  check = function(r, ctx)
    local cors = r.properties.Cors
    if not is_view(cors) or is_list(cors) then return end
    local origins = cors.AllowOrigins
    if not is_list(origins) or #origins == 0 then return end
    for i, o in ipairs(origins) do
      if bad_origin(o) then
        return ctx.fail("Cors.AllowOrigins entry " .. show(o) .. " is a wildcard or not an "
                        .. "origin string", origins, i)
      end
    end
  end,
}
