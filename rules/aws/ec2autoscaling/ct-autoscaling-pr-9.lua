-- CT.AUTOSCALING.PR.9: EBS block device mappings of Auto Scaling launch configurations must be
-- encrypted.
local g = pp.lib("guard")
local is_true = g.is_true
local show = g.show
local is_list = pp.is_list

local is_struct = pp.is_map

local function ebs_of(m)
  if not pp.is_view(m) then return nil end
  local ebs = m.Ebs
  if is_struct(ebs) then return ebs end
  return nil
end

return g.rule({ id = "ct-autoscaling-pr-9", noun = "launch configuration",
  types = { "AWS::AutoScaling::LaunchConfiguration" },
  judge = function(ctx, p)
    local bdms = p.BlockDeviceMappings
    if not is_list(bdms) or #bdms == 0 then
      return ctx.skip("the launch configuration declares no block device mappings")
    end
    local any = false
    for i = 1, #bdms do
      if ebs_of(bdms[i]) then any = true; break end
    end
    if not any then return ctx.skip("no block device mapping has an Ebs block") end
    local ok = true
    for i = 1, #bdms do
      local ebs = ebs_of(bdms[i])
      if ebs then
        local v = ebs.Encrypted
        if v == nil then
          ok = ctx.fail("BlockDeviceMappings[" .. i .. "].Ebs does not set Encrypted; it must be true", ebs)
        elseif not is_true(v) then
          ok = ctx.fail("BlockDeviceMappings[" .. i .. "].Ebs.Encrypted is " .. show(v) ..
                        "; it must be the boolean true", ebs, "Encrypted")
        end
      end
    end
    return ok
  end,
})
