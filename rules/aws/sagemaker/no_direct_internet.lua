-- SageMaker gives notebooks and Studio apps their own internet access unless told otherwise:
-- AWS::SageMaker::NotebookInstance DirectInternetAccess defaults to Enabled (and must be Enabled
-- without a SubnetId), AWS::SageMaker::Domain AppNetworkAccessType defaults to
-- PublicInternetOnly. Both fail unless set to Disabled / VpcOnly, in which case traffic goes
-- through the VPC (a NAT gateway or VPC endpoints).
local upper_str = pp.lib("exposure").upper_str

local SPEC = {
  ["AWS::SageMaker::NotebookInstance"] = { key = "DirectInternetAccess", ok = "DISABLED",
    bad = "ENABLED", default = "Enabled", what = "the notebook instance reaches the internet "
    .. "outside the VPC's controls" },
  ["AWS::SageMaker::Domain"] = { key = "AppNetworkAccessType", ok = "VPCONLY",
    bad = "PUBLICINTERNETONLY", default = "PublicInternetOnly", what = "Studio apps reach the "
    .. "internet outside the VPC's controls" },
}

return {
  id = "sagemaker-no-direct-internet",
  types = { "AWS::SageMaker::NotebookInstance", "AWS::SageMaker::Domain" },
  related = { "CT.SAGEMAKER.PR.1", "CT.SAGEMAKER.PR.2" },
  check = function(r, ctx)
    local s = SPEC[r.type]
    local p = r.properties
    local u, raw = upper_str(p, s.key)
    if u == s.ok then return true end
    if raw == "absent" then
      return ctx.fail(s.key .. " is not set, so it is " .. s.default .. ": " .. s.what, p)
    end
    if raw == "unknown" then
      return ctx.unknown(s.key .. " depends on a value Parapet cannot resolve", p, s.key)
    end
    if u == s.bad then
      return ctx.fail(s.key .. " is " .. raw .. ": " .. s.what, p, s.key)
    end
    return ctx.fail(s.key .. " is " .. (raw == "bad" and "not a string" or string.format("%q", raw))
                    .. ", not a value SageMaker accepts", p, s.key)
  end,
}
