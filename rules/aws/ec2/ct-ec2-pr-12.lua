-- CT.EC2.PR.12: an EC2 instance may declare at most one network interface.
local function is_list(v)
  if not pp.is_view(v) then return false end
  if #v > 0 then return true end
  for _ in pairs(v) do return false end
  return tostring(v) == "[]"
end

return {
  id       = "ct-ec2-pr-12",
  severity = "low",
  types    = { "AWS::EC2::Instance" },
  packs    = { "control-tower" },
  controls = { "CT.EC2.PR.12", "ec2_instance_multiple_eni_check" },
  guard    = "ec2_instance_multiple_eni_check",
  frameworks = { "NIST 800-53 Rev 5:AC-4(21)", "PCI DSS version 3.2.1:2.2" },
  docs     = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html#concepts-public-addresses",
  title    = "EC2 instances must not declare more than one network interface",
  fix      = "Declare a single entry in NetworkInterfaces; attach other interfaces separately if they are really needed.",
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the instance has no Properties") end
    local nis = p.NetworkInterfaces
    if not is_list(nis) or #nis == 0 then
      return ctx.skip("the instance declares no network interfaces")
    end
    if #nis > 1 then
      return ctx.fail("NetworkInterfaces declares " .. #nis .. " interfaces; only one is allowed", nis, 2)
    end
  end,
}
