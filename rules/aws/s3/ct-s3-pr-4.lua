-- CT.S3.PR.4 (s3_event_notifications_enabled_check): S3 buckets send event notifications.
local g = pp.lib("guard")
local struct_at = g.struct_at
local is_struct = g.is_struct_read
local all_true = g.is_true
local is_view = pp.is_view

local LISTS = { "LambdaConfigurations", "QueueConfigurations", "TopicConfigurations" }

return g.rule({ id = "ct-s3-pr-4", types = { "AWS::S3::Bucket" },
  judge = function(ctx, p)
    local nc, verdict = struct_at(ctx, p, "NotificationConfiguration", "NotificationConfiguration is missing")
    if nc == nil then return verdict end
    local eb = nc.EventBridgeConfiguration
    if is_struct(eb) and eb.EventBridgeEnabled ~= nil and all_true(eb.EventBridgeEnabled) then return end
    for i = 1, #LISTS do
      local l = nc[LISTS[i]]
      if is_view(l) and #l > 0 then return end
    end
    return ctx.fail("NotificationConfiguration neither turns on EventBridge nor lists a Lambda, queue or topic configuration",
                    p, "NotificationConfiguration")
  end,
})
