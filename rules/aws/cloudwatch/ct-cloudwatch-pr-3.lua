-- CT.CLOUDWATCH.PR.3: a log group is encrypted with a KMS key.
-- Guard semantics kept: KmsKeyId must be a non-blank string or a Ref/GetAtt of an
-- AWS::KMS::Key declared in this template.
local type, find, format, tostring = type, string.find, string.format, tostring
local is_view = pp.is_view

local function show(v)
  if type(v) == "string" then return format("%q", v) end
  return tostring(v)
end

local function local_ref(ctx, v, rtype)
  if not is_view(v) then return false end
  local ga = v["Fn::GetAtt"]
  if ga ~= nil and is_view(ga) and type(ga[1]) == "string" then
    local res = ctx.resource(ga[1])
    if res and res.type == rtype then return true end
  end
  local id = v.Ref
  if type(id) ~= "string" then return false end
  local res = ctx.resource(id)
  return res ~= nil and res.type == rtype
end

return {
  title      = "CloudWatch log groups are encrypted with a KMS key",
  id         = "ct-cloudwatch-pr-3",
  severity   = "medium",
  types      = { "AWS::Logs::LogGroup" },
  packs      = { "control-tower" },
  controls   = { "CT.CLOUDWATCH.PR.3", "cloudwatch_log_group_encrypted_check" },
  guard      = "cloudwatch_log_group_encrypted_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)",
    "NIST 800-53 Rev 5:SC-12(2)", "NIST 800-53 Rev 5:SC-13",
    "NIST 800-53 Rev 5:SC-28", "NIST 800-53 Rev 5:SC-28(1)",
    "NIST 800-53 Rev 5:SC-7(10)", "NIST 800-53 Rev 5:SI-7(6)",
    "PCI DSS version 3.2.1:3.4"
  },
  docs       = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
  fix        = "Set KmsKeyId to the ARN of a KMS key (or a GetAtt of an AWS::KMS::Key in the "
            .. "template) whose policy lets CloudWatch Logs use it.",
  check = function(r, ctx)
    local p = r.properties
    local k = p.KmsKeyId
    if k == nil then
      return ctx.fail("KmsKeyId is missing: the log group uses default encryption only", p)
    end
    if not ((type(k) == "string" and find(k, "%S")) or local_ref(ctx, k, "AWS::KMS::Key")) then
      return ctx.fail("KmsKeyId is " .. show(k) .. ", neither a key ARN nor a reference to an "
                      .. "AWS::KMS::Key in this template", p, "KmsKeyId")
    end
  end,
}
