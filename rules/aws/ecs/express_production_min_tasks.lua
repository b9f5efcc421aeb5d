-- An ECS Express Mode service marked production should keep at least `min_tasks` (2) tasks, so
-- that one task failure, a deployment or the loss of an Availability Zone does not take it
-- down. A service is production when the rule's `production` param is true (set it in the
-- production pipeline's .parapet.yaml) or it carries a tag of `production_tags` ("Key=Value",
-- value compared without case; "Key" for any value). ScalingTarget.MinTaskCount absent means
-- Express Mode's default minimum, which is lower than 2: it fails too. Low severity: it is a
-- warning about availability, not an exposure; raise `--fail-on` past low to let it through.
local exposure = pp.lib("exposure")
local tag_map, tag_matches, describe = exposure.tag_map, exposure.tag_matches, exposure.describe
local is_unknown, is_view, is_list, to_int, to_bool = pp.is_unknown, pp.is_view, pp.is_list, pp.int, pp.bool

-- A sentence saying why r is production, or nil.
local function production(r, params)
  if to_bool(params.production) == true then return "the production param is true" end
  local specs = params.production_tags
  if specs ~= nil then
    local tags = tag_map(r.properties)
    for _, spec in ipairs(specs) do
      if tag_matches(tags, spec) then return "it is tagged " .. tostring(pp.str(spec)) end
    end
  end
  return nil
end

return {
  id = "ecs-express-production-min-tasks",
  types = { "AWS::ECS::ExpressGatewayService" },
  params = {
    production = false,
    production_tags = { "Environment=production", "Environment=prod" },
    min_tasks = 2,
  },
  check = function(r, ctx)
    local params = ctx.params
    local why = production(r, params)
    if why == nil then return ctx.skip("not marked production") end
    local want = to_int(params.min_tasks) or 2
    local p = r.properties
    local st = p.ScalingTarget
    if st == nil then
      return ctx.fail("ScalingTarget is not set, so the service runs Express Mode's default minimum "
                      .. "task count (below " .. want .. "); it is production because " .. why, p)
    end
    if is_unknown(st) then
      return ctx.unknown("ScalingTarget depends on a value Parapet cannot resolve", p, "ScalingTarget")
    end
    if not is_view(st) or is_list(st) then
      return ctx.fail("ScalingTarget is " .. describe(st) .. ", not an object", p, "ScalingTarget")
    end
    local v = st.MinTaskCount
    if v == nil then
      return ctx.fail("ScalingTarget.MinTaskCount is not set, so the service runs Express Mode's "
                      .. "default minimum (below " .. want .. "); it is production because " .. why, st)
    end
    if is_unknown(v) then
      return ctx.unknown("ScalingTarget.MinTaskCount comes from a value Parapet cannot resolve; it "
                         .. "fails below " .. want, st, "MinTaskCount")
    end
    local n = to_int(v)
    if n == nil then
      return ctx.fail("ScalingTarget.MinTaskCount is " .. describe(v) .. ", not a number", st,
                      "MinTaskCount")
    end
    if n < want then
      return ctx.fail("ScalingTarget.MinTaskCount is " .. n .. ", below " .. want
                      .. " for a production service (" .. why .. ")", st, "MinTaskCount")
    end
  end,
}
