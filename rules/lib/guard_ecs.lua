-- Shared by the Control Tower ECS rules (rules/aws/ecs/ct-ecs-pr-*.lua): the walk over a task
-- definition's ContainerDefinitions that most of them are, and Guard's root-user test.
--
--   not_root(u)        Guard's `User not in ROOT_USER_PATTERNS` (0, "0", "root", /^0:/,
--                      /^root:/): a list passes when it has items and none is root; an object
--                      is never "in" the list.
--   container_rule(spec)  the rule { id = spec.id, types = { AWS::ECS::TaskDefinition }, check }:
--                      SKIP without a non-empty ContainerDefinitions list; then, when
--                      spec.host_only, SKIP unless NetworkMode is the string host; then
--                      spec.each(ctx, cds, i, c) for every container definition c = cds[i].
--                      With spec.none (a SKIP reason), SKIP unless some each() returned true.
--   property_rule(spec)   a container_rule judging one property spec.key of each container
--                      definition (read as Guard's get: nil for a non-object): absent FAILs with
--                      "container definition I <spec.missing>" at cds[i] when spec.missing is
--                      given (else passes); a value for which spec.ok(v) is false FAILs at
--                      c[key] with spec.bad(i, v), or, when spec.bad is a string, with
--                      "<key> of container definition I is V<spec.bad>".
local g = pp.lib("guard")
local get = g.get
local is_view = pp.is_view
local type, tostring, mtype = type, tostring, math.type

local function is_root(u)
  local t = type(u)
  if t == "string" then
    return u == "0" or u == "root" or u:find("^0:[^\n]*$") ~= nil or u:find("^root:[^\n]*$") ~= nil
  end
  return t == "number" and mtype(u) == "integer" and u == 0
end

local function not_root(u)
  if is_view(u) then
    local n = #u
    for i = 1, n do
      if is_root(u[i]) then return false end
    end
    return n > 0 or tostring(u) ~= "[]"
  end
  return not is_root(u)
end

local TASK = { "AWS::ECS::TaskDefinition" }

local function container_rule(spec)
  local each, host_only, none = spec.each, spec.host_only, spec.none
  return {
    id = spec.id,
    types = TASK,
    check = function(r, ctx)
      local p = r.properties
      local cds = p.ContainerDefinitions
      if not is_view(cds) or #cds == 0 then
        return ctx.skip("no ContainerDefinitions list")
      end
      if host_only and p.NetworkMode ~= "host" then
        return ctx.skip("NetworkMode is not host")
      end
      local seen = false
      for i = 1, #cds do
        if each(ctx, cds, i, cds[i]) then seen = true end
      end
      if none and not seen then return ctx.skip(none) end
    end,
  }
end

local function property_rule(spec)
  local key, ok, bad = spec.key, spec.ok, spec.bad
  local missing = spec.missing and (" " .. spec.missing)
  if type(bad) == "string" then
    local suffix = bad
    bad = function(i, v)
      return key .. " of container definition " .. i .. " is " .. tostring(v) .. suffix
    end
  end
  return container_rule({
    id = spec.id,
    each = function(ctx, cds, i, c)
      local v = get(c, key)
      if v == nil then
        if missing then ctx.fail("container definition " .. i .. missing, cds, i) end
      elseif not ok(v) then
        ctx.fail(bad(i, v), c, key)
      end
    end,
  })
end

return { not_root = not_root, container_rule = container_rule, property_rule = property_rule }
