-- An EKS managed node group with RemoteAccess.Ec2SshKey and no
-- RemoteAccess.SourceSecurityGroups opens port 22 on every node to 0.0.0.0/0 (EKS creates that
-- security group rule itself).
local exposure = pp.lib("exposure")
local describe = exposure.describe
local is_unknown, is_view, is_list = pp.is_unknown, pp.is_view, pp.is_list

return {
  id = "eks-nodegroup-no-open-ssh",
  types = { "AWS::EKS::Nodegroup" },
  check = function(r, ctx)
    local p = r.properties
    local ra = p.RemoteAccess
    if ra == nil then return true end
    if is_unknown(ra) then
      return ctx.unknown("RemoteAccess depends on a value Parapet cannot resolve", p, "RemoteAccess")
    end
    if not is_view(ra) or is_list(ra) then
      return ctx.fail("RemoteAccess is " .. describe(ra) .. ", not an object", p, "RemoteAccess")
    end
    local key = ra.Ec2SshKey
    if key == nil then return true end
    is_unknown(key)
    local sg = ra.SourceSecurityGroups
    if sg == nil or (is_list(sg) and #sg == 0) then
      return ctx.fail("RemoteAccess.Ec2SshKey is set without RemoteAccess.SourceSecurityGroups: "
                      .. "EKS opens port 22 on the nodes to 0.0.0.0/0", ra, "Ec2SshKey")
    end
    if is_unknown(sg) then
      return ctx.unknown("RemoteAccess.SourceSecurityGroups depends on a value Parapet cannot resolve",
                         ra, "SourceSecurityGroups")
    end
  end,
}
