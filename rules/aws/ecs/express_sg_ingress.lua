-- The security groups an ECS Express Mode service names (NetworkConfiguration.SecurityGroups)
-- hold its tasks, which are reached through the load balancer Express Mode manages, never
-- straight from the internet. This rule follows every group the template defines (a {Ref} or
-- {Fn::GetAtt: [Sg, GroupId]}) and judges its inline SecurityGroupIngress and its standalone
-- AWS::EC2::SecurityGroupIngress resources with the same reading as the other ingress rules
-- (rules/lib/ingress.lua): an entry open to 0.0.0.0/0 or ::/0 (or, with min_prefix /
-- min_prefix_v6, a shorter prefix) on a port other than `allowed_ports` fails. `allowed_ports` is
-- empty by default: a task group needs no world ingress at all. Groups outside the template are
-- judged where they are defined.
local ingress = pp.lib("ingress")
local analyze, describe_ports, port_set, each_entry =
  ingress.analyze, ingress.describe_ports, ingress.port_set, ingress.each_entry
local is_unknown, is_view, is_list, ref_of = pp.is_unknown, pp.is_view, pp.is_list, pp.ref

local derived = {}

-- Is every port of the entry's range in the allowed set?
local function all_allowed(a, allowed)
  if a.hi - a.lo > 1024 then return false end
  for port = a.lo, a.hi do
    if not allowed[port] then return false end
  end
  return true
end

return {
  id = "ecs-express-sg-minimal-ingress",
  types = { "AWS::ECS::ExpressGatewayService" },
  related = { "CT.EC2.PR.3", "CT.EC2.PR.4" },
  params = {
    allowed_ports = {},
    -- min_prefix = 16,      -- IPv4 prefixes shorter than this count as the world (unset)
    -- min_prefix_v6 = 48,   -- the same for IPv6 (unset)
  },
  check = function(r, ctx)
    local params = ctx.params
    if derived.params ~= params then
      derived.params = params
      derived.allowed = port_set(params.allowed_ports)
    end
    local p = r.properties
    local nc = p.NetworkConfiguration
    if nc == nil or is_unknown(nc) or not is_view(nc) then return true end
    local groups = nc.SecurityGroups
    if groups == nil then return true end
    if is_unknown(groups) then
      return ctx.unknown("NetworkConfiguration.SecurityGroups depends on a value Parapet cannot "
                         .. "resolve", nc, "SecurityGroups")
    end
    if not is_list(groups) then return true end
    for i = 1, #groups do
      local g = groups[i]
      local id = not is_unknown(g) and ref_of(g) or nil
      local sg = id and ctx.resource(g)
      if sg ~= nil and sg.type == "AWS::EC2::SecurityGroup" then
        local label = string.format("NetworkConfiguration.SecurityGroups[%d] (%s) ", i - 1, id)
        local function judge(e, where)
          local a = analyze(e, params)
          if a == nil then return end
          if a.bad then return ctx.unknown(label .. where .. a.bad, groups, i) end
          if a.ports_unknown or a.src == nil then
            return ctx.unknown(label .. where .. "opens ports or a source Parapet cannot resolve",
                               groups, i)
          end
          if all_allowed(a, derived.allowed) then return end
          ctx.fail(label .. where .. "opens " .. describe_ports(a) .. " to " .. a.src
                   .. " (" .. a.src_key .. ")", groups, i)
        end
        each_entry(sg, judge, function() end, function(msg) ctx.unknown(label .. msg, groups, i) end)
        local standalone = ctx.referrers(sg, "AWS::EC2::SecurityGroupIngress")
        for k = 1, #standalone do
          local q = standalone[k].properties
          if q ~= nil and (ref_of(q.GroupId) == id or ref_of(q.GroupName) == id) then
            judge(q, "ingress " .. standalone[k].logical_id .. " ")
          end
        end
      end
    end
  end,
}
