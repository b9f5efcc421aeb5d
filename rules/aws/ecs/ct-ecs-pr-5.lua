-- CT.ECS.PR.5 (ecs_task_definition_log_configuration_check): ECS container definitions configure a log driver.
local g = pp.lib("guard")
local get = g.get
local blank = g.blank
local is_view = pp.is_view

return {
  id         = "ct-ecs-pr-5",
  types      = { "AWS::ECS::TaskDefinition" },
  check = function(r, ctx)
    local p = r.properties
    local cds = p.ContainerDefinitions
    if not is_view(cds) or #cds == 0 then
      return ctx.skip("no ContainerDefinitions list")
    end
    for i = 1, #cds do
      local c = cds[i]
      local lc = get(c, "LogConfiguration")
      if lc == nil then
        ctx.fail("container definition " .. i .. " has no LogConfiguration", cds, i)
      elseif not is_view(lc) or #lc > 0 or tostring(lc) == "[]" then
        ctx.fail("LogConfiguration of container definition " .. i .. " is " .. tostring(lc) ..
                 ", not a map", c, "LogConfiguration")
      else
        local d = lc.LogDriver
        if d == nil then
          ctx.fail("LogConfiguration of container definition " .. i .. " has no LogDriver", c, "LogConfiguration")
        elseif type(d) ~= "string" or blank(d) then
          ctx.fail("LogDriver of container definition " .. i .. " is " .. tostring(d) ..
                   ", not a log driver name", lc, "LogDriver")
        end
      end
    end
  end,
}
