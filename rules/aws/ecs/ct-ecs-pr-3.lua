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
  title      = "ECS container definitions name a user other than root",
  severity   = "high",
  types      = { "AWS::ECS::TaskDefinition" },
  packs      = { "control-tower" },
  controls   = { "CT.ECS.PR.3", "ecs_task_definition_nonroot_user_check" },
  guard      = "ecs_task_definition_nonroot_user_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-2(1)", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(15)",
    "NIST 800-53 Rev 5:AC-3(7)", "NIST 800-53 Rev 5:AC-5", "NIST 800-53 Rev 5:AC-6",
    "PCI DSS version 3.2.1:7.1.1",
  },
  docs       = "https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-nonroot-user.html",
  fix        = "Give every container definition a User that is not root or UID 0 (for example \"1000\" or \"app:app\").",
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
