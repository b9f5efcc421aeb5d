-- CT.ECS.PR.8 (ecs_task_definition_user_for_host_mode_check): ECS task definitions in host network mode run containers as a non-root user or privileged.
local e = pp.lib("guard_ecs")
local all_true, not_root = pp.lib("guard").is_true, e.not_root
local is_view = pp.is_view
local HOST = "container definition %d in host network mode "

return e.container_rule({
  id = "ct-ecs-pr-8", host_only = true,
  each = function(ctx, cds, i, c)
    if not is_view(c) then
      return ctx.fail("container definition " .. i .. " is " .. tostring(c) .. ", not a map", cds, i)
    end
    local priv, u = c.Privileged, c.User
    if (priv ~= nil and all_true(priv)) or (u ~= nil and not_root(u)) then return end
    if u == nil then
      ctx.fail(HOST:format(i) .. "has no User and is not privileged", cds, i)
    else
      ctx.fail(HOST:format(i) .. "runs as root (User " .. tostring(u) .. ") and is not privileged", c, "User")
    end
  end,
})
