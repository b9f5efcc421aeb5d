-- CT.EC2.PR.10: EC2 launch templates must turn on detailed monitoring.
local g = pp.lib("guard")
local map_at = g.map_at
local is_true = g.is_true
local show = g.show

local is_struct = pp.is_map

return g.rule({ id = "ct-ec2-pr-10", types = { "AWS::EC2::LaunchTemplate" }, noun = "launch template",
  judge = function(ctx, p)
    local data, verdict = map_at(ctx, p, "LaunchTemplateData", "LaunchTemplateData is not set, so detailed monitoring stays off")
    if data == nil then return verdict end
    local mon = data.Monitoring
    if not is_struct(mon) then
      return ctx.fail("LaunchTemplateData.Monitoring is not set, so detailed monitoring stays off", data,
                      mon ~= nil and "Monitoring" or nil)
    end
    local v = mon.Enabled
    if v == nil then
      return ctx.fail("LaunchTemplateData.Monitoring.Enabled is not set; it must be true", mon)
    end
    if not is_true(v) then
      return ctx.fail("LaunchTemplateData.Monitoring.Enabled is " .. show(v) .. "; it must be the boolean true",
                      mon, "Enabled")
    end
  end,
})
