-- CT.ECS.PR.8 (ecs_task_definition_user_for_host_mode_check): ECS task definitions in host network mode run containers as a non-root user or privileged.
local g = pp.lib("guard")
local all_true = g.is_true
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
  id         = "ct-ecs-pr-8",
  types      = { "AWS::ECS::TaskDefinition" },
  check = function(r, ctx)
    local p = r.properties
    local cds = p.ContainerDefinitions
    if not is_view(cds) or #cds == 0 then
      return ctx.skip("no ContainerDefinitions list")
    end
    if p.NetworkMode ~= "host" then
      return ctx.skip("NetworkMode is not host")
    end
    for i = 1, #cds do
      local c = cds[i]
      if not is_view(c) then
        ctx.fail("container definition " .. i .. " is " .. tostring(c) .. ", not a map", cds, i)
      else
        local priv, u = c.Privileged, c.User
        if not (priv ~= nil and all_true(priv)) and not (u ~= nil and not_root(u)) then
          if u == nil then
            ctx.fail("container definition " .. i .. " in host network mode has no User and is not privileged",
                     cds, i)
          else
            ctx.fail("container definition " .. i .. " in host network mode runs as root (User " ..
                     tostring(u) .. ") and is not privileged", c, "User")
          end
        end
      end
    end
  end,
}
