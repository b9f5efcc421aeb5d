-- Shared by the Control Tower Athena workgroup rules (rules/aws/athena/ct-athena-pr-1, -2).
-- Loads after rules/lib/guard.lua (name order).
--
--   show(v)                      guard.show, but nil shows as "null".
--   object(ctx, node, key, path) node[key] when it is an object (pp.is_map); otherwise reports
--                                and returns nil: absent → fail "<path> is missing"; a value
--                                known only at deploy time → unknown; anything else → fail
--                                "<path> is <show(v)>, not an object".
local g = pp.lib("guard")
local gshow = g.show
local is_map, is_unknown = pp.is_map, pp.is_unknown

local function show(v)
  if v == nil then return "null" end
  return gshow(v)
end

local function object(ctx, node, key, path)
  local v = node[key]
  if v == nil then
    ctx.fail(path .. " is missing", node)
  elseif is_unknown(v) then
    ctx.unknown(path .. " depends on a value known only at deploy time", node, key)
  elseif not is_map(v) then
    ctx.fail(path .. " is " .. show(v) .. ", not an object", node, key)
  else
    return v
  end
  return nil
end

return { show = show, object = object }
