-- CT.S3.PR.4 (s3_event_notifications_enabled_check): S3 buckets send event notifications.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_true = g.is_true
local is_view = pp.is_view

local LISTS = { "LambdaConfigurations", "QueueConfigurations", "TopicConfigurations" }

return {
  id         = "ct-s3-pr-4",
  title      = "S3 buckets send event notifications",
  severity   = "medium",
  types      = { "AWS::S3::Bucket" },
  packs      = { "control-tower" },
  controls   = { "CT.S3.PR.4", "s3_event_notifications_enabled_check" },
  guard      = "s3_event_notifications_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:SI-3(8)", "NIST 800-53 Rev 5:SI-4",
    "NIST 800-53 Rev 5:SI-4(4)", "PCI DSS version 3.2.1:11.5",
  },
  docs       = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/NotificationHowTo.html",
  fix        = "Add a NotificationConfiguration that turns on EventBridge (EventBridgeConfiguration.EventBridgeEnabled: true) or lists Lambda, queue or topic configurations.",
  check = function(r, ctx)
    local p = r.properties
    local nc = p.NotificationConfiguration
    if nc == nil then
      return ctx.fail("NotificationConfiguration is missing", p)
    end
    if not is_struct(nc) then
      return ctx.fail("NotificationConfiguration is " .. tostring(nc) .. ", not a map", p, "NotificationConfiguration")
    end
    local eb = nc.EventBridgeConfiguration
    if is_struct(eb) and eb.EventBridgeEnabled ~= nil and all_true(eb.EventBridgeEnabled) then return end
    for i = 1, #LISTS do
      local l = nc[LISTS[i]]
      if is_view(l) and #l > 0 then return end
    end
    return ctx.fail("NotificationConfiguration neither turns on EventBridge nor lists a Lambda, queue or topic configuration",
                    p, "NotificationConfiguration")
  end,
}
