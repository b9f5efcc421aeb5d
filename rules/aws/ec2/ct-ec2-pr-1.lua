-- CT.EC2.PR.1: EC2 launch templates that serve instance metadata must require IMDSv2 tokens.
local g = pp.lib("guard")
local str_eq = g.eq_all
local show = g.show

local is_struct = pp.is_map

return {
  id       = "ct-ec2-pr-1",
  severity = "high",
  types    = { "AWS::EC2::LaunchTemplate" },
  packs    = { "control-tower" },
  controls = { "CT.EC2.PR.1", "ec2_launch_template_imdsv2_check" },
  guard    = "ec2_launch_template_imdsv2_check",
  frameworks = { "NIST 800-53 Rev 5:AC-21", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(15)",
    "NIST 800-53 Rev 5:AC-3(7)", "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:AC-4(21)",
    "NIST 800-53 Rev 5:AC-6", "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:CA-9(1)",
    "NIST 800-53 Rev 5:CM-2", "NIST 800-53 Rev 5:CM-3(6)", "NIST 800-53 Rev 5:SC-13",
    "NIST 800-53 Rev 5:SC-23", "NIST 800-53 Rev 5:SC-28", "NIST 800-53 Rev 5:SC-28(1)",
    "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(10)", "NIST 800-53 Rev 5:SC-7(11)",
    "NIST 800-53 Rev 5:SC-7(16)", "NIST 800-53 Rev 5:SC-7(20)", "NIST 800-53 Rev 5:SC-7(21)",
    "NIST 800-53 Rev 5:SC-7(3)", "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-7(9)",
    "NIST 800-53 Rev 5:SC-8", "NIST 800-53 Rev 5:SC-8(1)", "NIST 800-53 Rev 5:SI-2",
    "NIST 800-53 Rev 5:SI-7(6)", "PCI DSS version 3.2.1:1.2.1", "PCI DSS version 3.2.1:1.3",
    "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2", "PCI DSS version 3.2.1:1.3.4",
    "PCI DSS version 3.2.1:1.3.6", "PCI DSS version 3.2.1:2.2", "PCI DSS version 3.2.1:2.2.2",
    "PCI DSS version 3.2.1:3.4", "PCI DSS version 3.2.1:4.1", "PCI DSS version 3.2.1:7.1.1",
    "PCI DSS version 3.2.1:7.2.1", "PCI DSS version 3.2.1:7.2.2", "PCI DSS version 3.2.1:8.2.1" },
  docs     = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html",
  title    = "EC2 launch templates must require IMDSv2 (HttpTokens: required)",
  fix      = "In LaunchTemplateData, add MetadataOptions with HttpTokens: required.",
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the launch template has no Properties") end
    local data = p.LaunchTemplateData
    if not is_struct(data) then
      return ctx.skip("LaunchTemplateData is not given as an object")
    end
    local mo = data.MetadataOptions
    if mo ~= nil then
      if not is_struct(mo) then return ctx.skip("MetadataOptions is not an object") end
      local ep = mo.HttpEndpoint
      if ep ~= nil and not str_eq(ep, "enabled") then
        return ctx.skip("the instance metadata endpoint is not enabled")
      end
    else
      return ctx.fail("LaunchTemplateData has no MetadataOptions, so IMDSv1 stays allowed", data)
    end
    local tok = mo.HttpTokens
    if tok == nil then
      return ctx.fail("MetadataOptions.HttpTokens is not set, so IMDSv1 stays allowed", mo)
    end
    if not str_eq(tok, "required") then
      return ctx.fail("MetadataOptions.HttpTokens is " .. show(tok) .. "; it must be \"required\"",
                      mo, "HttpTokens")
    end
  end,
}
