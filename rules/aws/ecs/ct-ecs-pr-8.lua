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
  title      = "ECS task definitions in host network mode run containers as a non-root user or privileged",
  severity   = "high",
  types      = { "AWS::ECS::TaskDefinition" },
  packs      = { "control-tower" },
  controls   = { "CT.ECS.PR.8", "ecs_task_definition_user_for_host_mode_check" },
  guard      = "ecs_task_definition_user_for_host_mode_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-2(1)", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(15)",
    "NIST 800-53 Rev 5:AC-3(7)", "NIST 800-53 Rev 5:AC-5", "NIST 800-53 Rev 5:AC-6",
    "PCI DSS version 3.2.1:7.1.1", "PCI DSS version 3.2.1:7.1.2", "PCI DSS version 3.2.1:7.2.1",
    "PCI DSS version 3.2.1:7.2.2",
  },
  docs       = "https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-standards-fsbp-controls.html#fsbp-ecs-1",
  fix        = "In host network mode, give each container a User that is not root, or set Privileged to true.",
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
