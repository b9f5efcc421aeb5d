-- An Elastic IP attached to an instance or a network interface (AWS::EC2::EIP with InstanceId,
-- AWS::EC2::EIPAssociation with InstanceId or NetworkInterfaceId) gives that host a fixed public
-- address. Elastic IPs for NAT gateways and load balancers are not associated this way and
-- pass. A host that must have one (a bastion, a partner-facing relay) goes in the allow-list:
-- the logical id of the EIP, of the association, or of the instance it names, or a tag of the
-- EIP or instance (`allow_tags`).
local exposure = pp.lib("exposure")
local allow_listed = exposure.allow_listed
local is_unknown, ref_of = pp.is_unknown, pp.ref

-- The allow-list entry that admits the resource `v` names (a {Ref}/{GetAtt} of this template).
local function named_allowed(ctx, v, params)
  if v == nil or is_unknown(v) or ref_of(v) == nil then return nil end
  local o = ctx.resource(v)
  return o and allow_listed(o, params) or nil
end

return {
  id = "ec2-eip-no-instance-association",
  types = { "AWS::EC2::EIP", "AWS::EC2::EIPAssociation" },
  params = { allow_logical_ids = {}, allow_tags = {} },
  check = function(r, ctx)
    local p = r.properties
    local params = ctx.params
    local keys = r.type == "AWS::EC2::EIP" and { "InstanceId" } or { "InstanceId", "NetworkInterfaceId" }
    for _, key in ipairs(keys) do
      local v = p[key]
      if v ~= nil then
        if is_unknown(v) then
          return ctx.unknown(key .. " depends on a value Parapet cannot resolve", p, key)
        end
        local why = allow_listed(r, params) or named_allowed(ctx, v, params)
                    or named_allowed(ctx, p.AllocationId, params) or named_allowed(ctx, p.EIP, params)
        if why then return ctx.skip("allowed a public address: " .. why) end
        return ctx.fail(key .. " attaches this Elastic IP to " .. (ref_of(v) or tostring(pp.str(v)))
                        .. ": it gets a fixed public IPv4 address", p, key)
      end
    end
  end,
}
