-- CT.RDS.PR.18: RDS event subscriptions for source type db-parameter-group must be enabled and, when they
-- filter categories, include configuration change.
local g = pp.lib("guard")
local show = g.show
local is_true = g.is_true
local is_list = pp.is_list

local SOURCE = "db-parameter-group"
local REQUIRED = { "configuration change" }

-- Guard `SourceType == "db-parameter-group"`: strict type; a list passes when every element matches
local function source_matches(v)
  if v == SOURCE then return true end
  if not is_list(v) then return false end
  for i = 1, #v do if v[i] ~= SOURCE then return false end end
  return true
end

local function has(list, s)
  for i = 1, #list do if list[i] == s then return true end end
  return false
end

return {
  id       = "ct-rds-pr-18",
  types    = { "AWS::RDS::EventSubscription" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the event subscription has no Properties") end
    if not source_matches(p.SourceType) then
      return ctx.skip("SourceType is not \"" .. SOURCE .. "\"")
    end
    local ok = true
    local en = p.Enabled
    if en == nil then
      ok = ctx.fail("Enabled is not set; the subscription must be explicitly enabled", p)
    elseif not is_true(en) then
      ok = ctx.fail("Enabled is " .. show(en) .. "; it must be the boolean true", p, "Enabled")
    end
    local cats = p.EventCategories
    if cats ~= nil then
      if not is_list(cats) then
        ok = ctx.fail("EventCategories is " .. show(cats) .. ", not a list", p, "EventCategories")
      elseif #cats > 0 then
        for i = 1, #REQUIRED do
          if not has(cats, REQUIRED[i]) then
            ok = ctx.fail("EventCategories leaves out \"" .. REQUIRED[i] .. "\"", p, "EventCategories")
          end
        end
      end
    end
    return ok
  end,
}
