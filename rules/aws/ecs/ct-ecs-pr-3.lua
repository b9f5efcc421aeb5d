-- CT.ECS.PR.3 (ecs_task_definition_nonroot_user_check): ECS container definitions name a user other than root.
local g = pp.lib("guard")
local get = g.get
local is_view = pp.is_view

-- Guard's ROOT_USER_PATTERNS: 0 (an integer), "0", "root", /^0:.*$/, /^root:.*$/
local function is_root(u)
  local t = type(u)
  if t == "string" then
    return u == "0" or u == "root" or u:find("^0:[^\n]*$") ~= nil or u:find("^root:[^\n]*$") ~= nil
  end
  return t == "number" and math.type(u) == "integer" and u == 0
end

-- Guard's `User not in ROOT_USER_PATTERNS`: a list passes when it has items and none is root;
-- a map is never "in" the list.
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

return {
  id         = "ct-ecs-pr-3",
  types      = { "AWS::ECS::TaskDefinition" },
  check = function(r, ctx)
    local p = r.properties
    local cds = p.ContainerDefinitions
    if not is_view(cds) or #cds == 0 then
      return ctx.skip("no ContainerDefinitions list")
    end
    for i = 1, #cds do
      local c = cds[i]
      local u = get(c, "User")
      if u == nil then
        ctx.fail("container definition " .. i .. " has no User, so it runs as root", cds, i)
      elseif not not_root(u) then
        ctx.fail("container definition " .. i .. " runs as root (User " .. tostring(u) .. ")", c, "User")
      end
    end
  end,
}
