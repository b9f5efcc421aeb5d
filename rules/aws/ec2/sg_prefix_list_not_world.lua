-- A security-group ingress rule whose source is a managed prefix list (SourcePrefixListId) is
-- as open as the widest entry of the list. The other ingress rules never count a prefix list as
-- the world, because its entries are usually elsewhere; this one follows a SourcePrefixListId
-- that names an AWS::EC2::PrefixList of the template and fails when an entry is 0.0.0.0/0 or
-- ::/0 (or, with min_prefix / min_prefix_v6, shorter than that) on any port. AWS-managed lists
-- (pl-… ids) and lists outside the template are not judged.
local ingress = pp.lib("ingress")
local each_entry, is_world, protocol = ingress.each_entry, ingress.is_world, ingress.protocol
local is_unknown, is_list, is_view, ref_of, to_str, to_cidr = pp.is_unknown, pp.is_list, pp.is_view, pp.ref, pp.str, pp.cidr

-- The first world entry of prefix list pl (a resource view), as a CIDR string; or "unknown".
local function world_entry(pl, params)
  local entries = pl.properties and pl.properties.Entries
  if entries == nil then return nil end
  if is_unknown(entries) then return "unknown" end
  if not is_list(entries) then return nil end
  for i = 1, #entries do
    local e = entries[i]
    if is_unknown(e) then return "unknown" end
    if is_view(e) then
      local c = e.Cidr
      if is_unknown(c) then return "unknown" end
      local s = to_str(c)
      local parsed = s and to_cidr(s)
      if parsed and is_world(parsed, params) then return s end
    end
  end
  return nil
end

return {
  id = "ec2-sg-prefix-list-not-world",
  types = { "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress" },
  params = {
    -- min_prefix = 16,      -- IPv4 prefixes shorter than this count as the world (unset)
    -- min_prefix_v6 = 48,   -- the same for IPv6 (unset)
  },
  check = function(r, ctx)
    local params = ctx.params
    each_entry(r, function(e, where, node)
      local v = e.SourcePrefixListId
      if v == nil then return end
      if is_unknown(v) then
        return ctx.unknown((where == "" and "" or where) .. "SourcePrefixListId depends on a value "
                           .. "Parapet cannot resolve", node, "SourcePrefixListId")
      end
      if ref_of(v) == nil then return end
      local pl = ctx.resource(v)
      if pl == nil or pl.type ~= "AWS::EC2::PrefixList" then return end
      local proto = protocol(e.IpProtocol)
      if proto == "icmp" or proto == "icmpv6" then return end
      local w = world_entry(pl, params)
      if w == "unknown" then
        return ctx.unknown(where .. "SourcePrefixListId is prefix list " .. pl.logical_id
                           .. ", whose entries Parapet cannot resolve", node, "SourcePrefixListId")
      elseif w then
        return ctx.fail(where .. "SourcePrefixListId is prefix list " .. pl.logical_id
                        .. ", which contains " .. w .. ": the rule admits the whole internet",
                        node, "SourcePrefixListId")
      end
    end,
    function(msg, node, key) ctx.fail(msg, node, key) end,
    function(msg, node, key) ctx.unknown(msg, node, key) end)
  end,
}
