-- An EC2 instance gets a public IPv4 address in two ways:
--   1. explicitly: NetworkInterfaces[i].AssociatePublicIpAddress true (what CT.EC2.PR.11 checks);
--   2. by default: AssociatePublicIpAddress left out and the instance launched into a subnet with
--      MapPublicIpOnLaunch true. EC2 applies that default only to the primary interface of an
--      instance launched with a single network interface, so it is judged only then.
-- For (2) the rule follows SubnetId (or NetworkInterfaces[0].SubnetId, or the SubnetId in the
-- launch template the instance names): a {Ref} to an AWS::EC2::Subnet of this template is
-- judged on its MapPublicIpOnLaunch; a subnet the template cannot see (a parameter, an
-- ImportValue, a literal subnet id) or no subnet at all (the default VPC, whose default subnets
-- do map public IPs) is UNKNOWN, with a fix that removes the doubt: set
-- AssociatePublicIpAddress to false on the interface. An explicit false always wins.
local SUBNET_FIX = "; set NetworkInterfaces[0].AssociatePublicIpAddress to false to make the "
                .. "instance private whatever the subnet does"

local is_list = pp.is_list

local describe = pp.lib("exposure").describe

-- Judges the subnet `node[key]` for an interface that does not set AssociatePublicIpAddress.
-- `label` names the property in messages.
local function judge_subnet(ctx, node, key, label)
  local v = node[key]
  if v == nil then
    return ctx.unknown(label .. " is not set: the instance launches into a default subnet of the "
                       .. "default VPC, which assigns public IPv4 addresses unless changed"
                       .. SUBNET_FIX)
  end
  if pp.is_unknown(v) then
    return ctx.unknown(label .. " comes from a value Parapet cannot resolve, so whether that "
                       .. "subnet maps public IPs on launch is unknown" .. SUBNET_FIX, node, key)
  end
  local id = pp.ref(v)
  local s = id and ctx.resource(v)
  if s == nil then
    return ctx.unknown(label .. " is " .. (id or describe(v)) .. ", a subnet outside this "
                       .. "template, so whether it maps public IPs on launch is unknown"
                       .. SUBNET_FIX, node, key)
  end
  if s.type ~= "AWS::EC2::Subnet" then
    return ctx.unknown(label .. " names " .. id .. " (" .. tostring(s.type) .. "), not an "
                       .. "AWS::EC2::Subnet" .. SUBNET_FIX, node, key)
  end
  local m = s.properties and s.properties.MapPublicIpOnLaunch
  if m == nil then return true end
  if pp.is_unknown(m) then
    return ctx.unknown(label .. " is subnet " .. id .. ", whose MapPublicIpOnLaunch Parapet "
                       .. "cannot resolve" .. SUBNET_FIX, node, key)
  end
  if pp.bool(m) == true then
    return ctx.fail(label .. " is subnet " .. id .. ", which has MapPublicIpOnLaunch "
                    .. tostring(m) .. ", and AssociatePublicIpAddress is not set: the instance "
                    .. "gets a public IPv4 address", node, key)
  end
  return true
end

-- Returns true/false for an explicit setting, nil when absent; reports unknown and wrong types.
local function explicit(ctx, eni, where)
  local v = eni.AssociatePublicIpAddress
  if v == nil then return nil end
  if pp.is_unknown(v) then
    ctx.unknown(where .. ".AssociatePublicIpAddress depends on a value Parapet cannot resolve",
                eni, "AssociatePublicIpAddress")
    return "unknown"
  end
  local b = pp.bool(v)
  if b == true then
    ctx.fail(where .. ".AssociatePublicIpAddress is " .. tostring(v)
             .. ": the instance gets a public IPv4 address", eni, "AssociatePublicIpAddress")
  elseif b == nil then
    ctx.fail(where .. ".AssociatePublicIpAddress is " .. describe(v) .. ", not a boolean", eni,
             "AssociatePublicIpAddress")
    return "bad"
  end
  return b
end

-- An instance with neither SubnetId nor NetworkInterfaces takes its network settings from its
-- launch template, when it names one. Follow it when it is in this template: an explicit
-- AssociatePublicIpAddress there is judged by ec2-launch-template-no-public-ip, otherwise its
-- SubnetId is judged here.
local function judge_launch_template(ctx, p)
  local lt = p.LaunchTemplate
  local ref = pp.is_view(lt) and (lt.LaunchTemplateId or lt.LaunchTemplateName)
  local t = ref and pp.ref(ref) and ctx.resource(ref)
  if t == nil or t.type ~= "AWS::EC2::LaunchTemplate" then
    pp.is_unknown(ref)
    return ctx.unknown("the network settings come from LaunchTemplate, which is not in this "
                       .. "template" .. SUBNET_FIX, p, "LaunchTemplate")
  end
  local data = t.properties and t.properties.LaunchTemplateData
  local enis = pp.is_view(data) and data.NetworkInterfaces
  local eni = is_list(enis) and #enis == 1 and enis[1]
  if pp.is_view(eni) then
    local v = eni.AssociatePublicIpAddress
    if v ~= nil then
      pp.is_unknown(v)
      return true
    end
    if eni.SubnetId ~= nil then
      return judge_subnet(ctx, eni, "SubnetId",
                          "LaunchTemplate " .. pp.ref(ref) .. " NetworkInterfaces[0].SubnetId")
    end
  end
  return ctx.unknown("neither the instance nor its LaunchTemplate " .. pp.ref(ref)
                     .. " names a subnet: it launches into a default subnet of the default VPC"
                     .. SUBNET_FIX, p, "LaunchTemplate")
end

return {
  id = "ec2-instance-no-public-ip",
  types = { "AWS::EC2::Instance" },
  related = { "CT.EC2.PR.11" },
  check = function(r, ctx)
    local p = r.properties
    local enis = p.NetworkInterfaces
    if enis == nil then
      if p.SubnetId == nil and p.LaunchTemplate ~= nil then
        return judge_launch_template(ctx, p)
      end
      return judge_subnet(ctx, p, "SubnetId", "SubnetId")
    end
    if pp.is_unknown(enis) then
      return ctx.unknown("NetworkInterfaces depends on a value Parapet cannot resolve", p,
                         "NetworkInterfaces")
    end
    -- A string or object where the list belongs is rejected by CloudFormation and cannot be
    -- judged: fail closed, saying why.
    if not is_list(enis) then
      return ctx.fail("NetworkInterfaces is " .. describe(enis)
                      .. ", not a list of network interfaces", p, "NetworkInterfaces")
    end
    if #enis == 0 then
      return judge_subnet(ctx, p, "SubnetId", "SubnetId")
    end
    for i, eni in ipairs(enis) do
      local where = string.format("NetworkInterfaces[%d]", i - 1)
      if pp.is_unknown(eni) then
        ctx.unknown(where .. " depends on a value Parapet cannot resolve", enis, i)
      elseif not pp.is_view(eni) or is_list(eni) then
        ctx.fail(where .. " is " .. describe(eni) .. ", not a network interface object", enis, i)
      else
        local b = explicit(ctx, eni, where)
        -- The subnet default applies only to a new primary interface of a single-interface launch.
        -- An attached existing interface keeps its own addressing (reading the id marks an
        -- imported one as handled).
        local existing = eni.NetworkInterfaceId
        if existing ~= nil then
          pp.is_unknown(existing)
        elseif b == nil and #enis == 1 then
          judge_subnet(ctx, eni, "SubnetId", where .. ".SubnetId")
        end
      end
    end
  end,
}
