-- CT.ECS.PR.5 (ecs_task_definition_log_configuration_check): ECS container definitions configure a log driver.
local g = pp.lib("guard")
local get, blank = g.get, g.blank
local is_view = pp.is_view

return pp.lib("guard_ecs").container_rule({
  id = "ct-ecs-pr-5",
  each = function(ctx, cds, i, c)
    local lc = get(c, "LogConfiguration")
    local of = " of container definition " .. i
    if lc == nil then
      ctx.fail("container definition " .. i .. " has no LogConfiguration", cds, i)
    elseif not is_view(lc) or #lc > 0 or tostring(lc) == "[]" then
      ctx.fail("LogConfiguration" .. of .. " is " .. tostring(lc) .. ", not a map", c, "LogConfiguration")
    else
      local d = lc.LogDriver
      if d == nil then
        ctx.fail("LogConfiguration" .. of .. " has no LogDriver", c, "LogConfiguration")
      elseif type(d) ~= "string" or blank(d) then
        ctx.fail("LogDriver" .. of .. " is " .. tostring(d) .. ", not a log driver name", lc, "LogDriver")
      end
    end
  end,
})
