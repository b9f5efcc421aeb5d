-- An AWS Transfer Family server with EndpointType PUBLIC (the default when absent) listens on
-- an AWS-owned public endpoint; VPC endpoints (EndpointType VPC, optionally with Elastic IPs you
-- choose, which the security groups then guard) keep it in your network. VPC_ENDPOINT is the
-- deprecated private form. Internet-facing servers belong in the allow-list.
local exposure = pp.lib("exposure")
local upper_str, allow_listed = exposure.upper_str, exposure.allow_listed

return {
  id = "transfer-server-not-public",
  types = { "AWS::Transfer::Server" },
  params = { allow_logical_ids = {}, allow_tags = {} },
  check = function(r, ctx)
    local p = r.properties
    local why = allow_listed(r, ctx.params)
    if why then return ctx.skip("allowed to face the internet: " .. why) end
    local u, raw = upper_str(p, "EndpointType")
    if u == "VPC" or u == "VPC_ENDPOINT" then return true end
    if raw == "unknown" then
      return ctx.unknown("EndpointType depends on a value Parapet cannot resolve", p, "EndpointType")
    end
    if raw == "absent" then
      return ctx.fail("EndpointType is not set, so the server has a PUBLIC endpoint", p)
    end
    return ctx.fail("EndpointType is " .. tostring(raw) .. ": the server has a public endpoint", p, "EndpointType")
  end,
}
