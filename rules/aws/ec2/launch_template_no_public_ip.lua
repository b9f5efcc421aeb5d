-- Only LaunchTemplateData.NetworkInterfaces[].AssociatePublicIpAddress set to true fails. A
-- launch template rarely names its subnet (the Auto Scaling group or the RunInstances call
-- does), so an absent value is left to the subnet rule (ec2-subnet-no-auto-public-ip).
-- A view is a list when its keys are integers (an empty view counts as an empty list).
local is_list = pp.is_list

local describe = pp.lib("exposure").describe

return {
  id = "ec2-launch-template-no-public-ip",
  types = { "AWS::EC2::LaunchTemplate" },
  related = { "CT.EC2.PR.9" },
  check = function(r, ctx)
    local p = r.properties
    local data = p.LaunchTemplateData
    if data == nil then return true end
    if pp.is_unknown(data) then
      return ctx.unknown("LaunchTemplateData depends on a value Parapet cannot resolve", p,
                         "LaunchTemplateData")
    end
    if not pp.is_view(data) then
      return ctx.fail("LaunchTemplateData is " .. describe(data) .. ", not an object", p,
                      "LaunchTemplateData")
    end
    local enis = data.NetworkInterfaces
    if enis == nil then return true end
    if pp.is_unknown(enis) then
      return ctx.unknown("LaunchTemplateData.NetworkInterfaces depends on a value Parapet cannot "
                         .. "resolve", data, "NetworkInterfaces")
    end
    -- A string or an object where the list belongs: CloudFormation rejects the template, and
    -- the guardrail cannot read it, so it fails closed with a message saying so.
    if not is_list(enis) then
      return ctx.fail("LaunchTemplateData.NetworkInterfaces is " .. describe(enis)
                      .. ", not a list of network interfaces", data, "NetworkInterfaces")
    end
    for i, eni in ipairs(enis) do
      local where = string.format("LaunchTemplateData.NetworkInterfaces[%d]", i - 1)
      if pp.is_unknown(eni) then
        ctx.unknown(where .. " depends on a value Parapet cannot resolve", enis, i)
      elseif not pp.is_view(eni) then
        ctx.fail(where .. " is " .. describe(eni) .. ", not an object", enis, i)
      else
        local v = eni.AssociatePublicIpAddress
        if v ~= nil then
          if pp.is_unknown(v) then
            ctx.unknown(where .. ".AssociatePublicIpAddress depends on a value Parapet cannot "
                        .. "resolve", eni, "AssociatePublicIpAddress")
          else
            local b = pp.bool(v)
            if b == true then
                    ctx.fail(where .. ".AssociatePublicIpAddress is " .. tostring(v)
                       .. ": instances launched from this template get a public IPv4 address",
                       eni, "AssociatePublicIpAddress")
            elseif b == nil then
                    ctx.fail(where .. ".AssociatePublicIpAddress is " .. describe(v)
                       .. ", not a boolean", eni, "AssociatePublicIpAddress")
            end
          end
        end
      end
    end
  end,
}
