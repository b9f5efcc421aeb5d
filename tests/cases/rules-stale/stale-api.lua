-- Keeps views and unknowns from one evaluation and hands them to every API that reads them
-- in the next: each use must raise, never read freed memory (run under ASan by make asan).
local kept_view, kept_unknown
return { id = "t-stale-api", title = "stale api", severity = "low", types = {"AWS::SQS::Queue"},
  check = function(r, ctx)
    if kept_view then
      local which = r.properties.QueueName
      if which == "orders" then return pp.eq(kept_view, kept_view) end
      if which == "eq" then return kept_view == r.properties end
      return ctx.resource(kept_view)
    end
    kept_view = r.properties.Tags
    kept_unknown = r.properties.Missing
  end }
