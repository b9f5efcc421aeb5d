-- CT.CLOUDWATCH.PR.2: a log group keeps its events for at least a year.
-- Guard semantics kept: RetentionInDays may be absent (never expire); when present it must be
-- an integer of at least 365 (the string "365" and the number 365.0 fail; a list passes when
-- every entry does, so an empty list passes).
local g = pp.lib("guard")
local show = g.show
local tostring, ipairs, mtype = tostring, ipairs, math.type
local is_view = pp.is_view

local function long_enough(v)
  return mtype(v) == "integer" and v >= 365
end

local function ok(v)
  if is_view(v) and (#v > 0 or tostring(v) == "[]") then
    for _, e in ipairs(v) do
      if not long_enough(e) then return false end
    end
    return true
  end
  return long_enough(v)
end

return g.rule({ id = "ct-cloudwatch-pr-2", types = { "AWS::Logs::LogGroup" },
  judge = function(ctx, p)
    local v = p.RetentionInDays
    if v ~= nil and not ok(v) then
      return ctx.fail("RetentionInDays is " .. show(v) .. ": keep events for at least 365 days "
                      .. "(an integer)", p, "RetentionInDays")
    end
  end,
})
