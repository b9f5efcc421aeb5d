-- CT.SQS.PR.1: an SQS queue has a dead-letter queue.
-- Guard semantics kept: a queue is exempt when RedriveAllowPolicy is present and is not an
-- object with a redrivePermission outside {allowAll, byQueue} (so a queue that other queues
-- may use as their dead-letter queue is not checked). Otherwise RedrivePolicy must be an
-- object whose deadLetterTargetArn is a non-blank string or a Ref/GetAtt of an
-- AWS::SQS::Queue in this template.
local g = pp.lib("guard")
local map_at = g.map_at
local nonblank = g.nonblank
local is_list = g.is_list
local is_struct = g.is_struct
local show = g.show
local local_ref = g.local_ref
local type, ipairs = type, ipairs

local DLQ = { allowAll = true, byQueue = true }

-- Guard `redrivePermission not in ["allowAll", "byQueue"]`.
local function not_dlq_permission(v)
  if is_list(v) then
    if #v == 0 then return false end
    for _, e in ipairs(v) do
      if type(e) == "string" and DLQ[e] then return false end
    end
    return true
  end
  return not (type(v) == "string" and DLQ[v])
end

return g.rule({ id = "ct-sqs-pr-1", types = { "AWS::SQS::Queue" },
  judge = function(ctx, p)
    local rap = p.RedriveAllowPolicy
    if rap ~= nil then
      local perm = is_struct(rap) and rap.redrivePermission or nil
      if perm == nil or not not_dlq_permission(perm) then return end
    end
    local rp, verdict = map_at(ctx, p, "RedrivePolicy", "RedrivePolicy is missing: failed messages have no dead-letter queue")
    if rp == nil then return verdict end
    local arn = rp.deadLetterTargetArn
    if arn == nil then
      return ctx.fail("RedrivePolicy.deadLetterTargetArn is missing", rp)
    end
    if not ((nonblank(arn))
            or local_ref(ctx, arn, "AWS::SQS::Queue")) then
      return ctx.fail("RedrivePolicy.deadLetterTargetArn is " .. show(arn) .. ", neither a "
                      .. "queue ARN nor a reference to an AWS::SQS::Queue in this template", rp,
                      "deadLetterTargetArn")
    end
  end,
})
