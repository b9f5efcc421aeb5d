-- EMR nodes launched in a public subnet get public IP addresses; without any subnet an EMR
-- cluster launches into the default VPC's public subnets. This rule follows
-- Instances.Ec2SubnetId and Instances.Ec2SubnetIds (instance fleets) to the subnets of the
-- template with the same reading as the Express Mode rule (rules/lib/exposure.lua): public when
-- MapPublicIpOnLaunch is true or the route table sends 0.0.0.0/0 or ::/0 to an internet
-- gateway. A subnet outside the template is UNKNOWN. EMR's account-level block public access
-- setting is not part of a template and is not judged.
local exposure = pp.lib("exposure")
local subnet_exposure, allow_listed, describe = exposure.subnet_exposure, exposure.allow_listed, exposure.describe
local is_unknown, is_view, is_list = pp.is_unknown, pp.is_view, pp.is_list

local function judge(ctx, node, key, index)
  local v = index and node[index] or node[key]
  local where = index and string.format("Instances.%s[%d]", key, index - 1) or ("Instances." .. key)
  local state, detail = subnet_exposure(ctx, v)
  if state == "public" then
    return ctx.fail(where .. " " .. detail .. ": the cluster's nodes get public IP addresses",
                    node, index or key)
  elseif state == "unknown" then
    return ctx.unknown(where .. " " .. detail .. ", so whether it is public is unknown", node, index or key)
  end
end

return {
  id = "emr-cluster-private-subnet",
  types = { "AWS::EMR::Cluster" },
  params = { allow_logical_ids = {}, allow_tags = {} },
  check = function(r, ctx)
    local p = r.properties
    local why = allow_listed(r, ctx.params)
    if why then return ctx.skip("allowed to face the internet: " .. why) end
    local inst = p.Instances
    if inst == nil or is_unknown(inst) or not is_view(inst) then
      if is_unknown(inst) then
        return ctx.unknown("Instances depends on a value Parapet cannot resolve", p, "Instances")
      end
      return ctx.fail("Instances is " .. (inst == nil and "not set" or describe(inst))
                      .. ": the cluster has no subnet and launches in the default VPC", p)
    end
    local one, many = inst.Ec2SubnetId, inst.Ec2SubnetIds
    if one == nil and many == nil then
      return ctx.fail("Instances names no Ec2SubnetId or Ec2SubnetIds: the cluster launches in "
                      .. "the default VPC, whose subnets are public", inst)
    end
    if one ~= nil then judge(ctx, inst, "Ec2SubnetId") end
    if many ~= nil then
      if is_unknown(many) then
        return ctx.unknown("Instances.Ec2SubnetIds depends on a value Parapet cannot resolve", inst, "Ec2SubnetIds")
      end
      if is_list(many) then
        for i = 1, #many do judge(ctx, many, "Ec2SubnetIds", i) end
      end
    end
  end,
}
