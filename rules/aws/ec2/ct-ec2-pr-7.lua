-- CT.EC2.PR.7: standalone EBS volumes and the EBS block device mappings of EC2 instances must be
-- encrypted.
local g = pp.lib("guard")
local is_true = g.is_true
local show = g.show
local is_list = pp.is_list

local is_struct = pp.is_map

-- nil when `node` (a volume or an Ebs block) is encrypted, else a message
local function unencrypted(node)
  local v = node.Encrypted
  if v == nil then return "Encrypted is not set" end
  if not is_true(v) then return "Encrypted is " .. show(v) .. "; it must be the boolean true" end
  return nil
end

return g.rule({ id = "ct-ec2-pr-7", types = { "AWS::EC2::Instance", "AWS::EC2::Volume" }, noun = "resource",
  judge = function(ctx, p, r)
    if r.type == "AWS::EC2::Volume" then
      local msg = unencrypted(p)
      if msg then return ctx.fail("The volume is not encrypted: " .. msg, p, "Encrypted") end
      return
    end
    local bdms = p.BlockDeviceMappings
    if not is_list(bdms) or #bdms == 0 then
      return ctx.skip("no BlockDeviceMappings")
    end
    local ok = true
    for i = 1, #bdms do
      local m = bdms[i]
      local ebs = pp.is_view(m) and m.Ebs
      if is_struct(ebs) then
        local msg = unencrypted(ebs)
        if msg then
          ok = ctx.fail("BlockDeviceMappings[" .. i .. "].Ebs is not encrypted: " .. msg, ebs, "Encrypted")
        end
      end
    end
    return ok
  end,
})
