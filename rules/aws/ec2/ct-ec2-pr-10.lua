-- CT.EC2.PR.10: EC2 launch templates must turn on detailed monitoring.
local function is_list(v)
  if not pp.is_view(v) then return false end
  if #v > 0 then return true end
  for _ in pairs(v) do return false end
  return tostring(v) == "[]"
end

local function is_struct(v)
  return pp.is_view(v) and not is_list(v)
end

-- Guard `v == true`: strict type; a list passes when every element is true
local function is_true(v)
  if v == true then return true end
  if not is_list(v) then return false end
  for i = 1, #v do if v[i] ~= true then return false end end
  return true
end

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

return {
  id       = "ct-ec2-pr-10",
  severity = "low",
  types    = { "AWS::EC2::LaunchTemplate" },
  packs    = { "control-tower" },
  controls = { "CT.EC2.PR.10", "ec2_launch_template_monitoring_enabled_check" },
  guard    = "ec2_launch_template_monitoring_enabled_check",
  frameworks = {},
  docs     = "https://docs.aws.amazon.com/autoscaling/ec2/userguide/enable-as-instance-metrics.html",
  title    = "EC2 launch templates must enable detailed monitoring",
  fix      = "Add Monitoring: { Enabled: true } to LaunchTemplateData.",
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the launch template has no Properties") end
    local data = p.LaunchTemplateData
    if data == nil then
      return ctx.fail("LaunchTemplateData is not set, so detailed monitoring stays off", p)
    end
    if not is_struct(data) then
      return ctx.fail("LaunchTemplateData is " .. show(data) .. ", not an object", p, "LaunchTemplateData")
    end
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
}
