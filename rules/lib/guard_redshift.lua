-- The Redshift controls that want a name other than the service's default (CT.REDSHIFT.PR.6 for
-- the administrator, PR.7 for the first database): spec.key must be present (spec.missing), a
-- string with a non-blank character ("KEY is V, not a non-blank string"), and not spec.default,
-- compared exactly ("KEY is the default "D"; " .. spec.advice). A value Parapet cannot resolve is
-- UNKNOWN.
local g = pp.lib("guard")
local nonblank, show = g.nonblank, g.show_shape

local function not_default_rule(spec)
  local key, default, advice = spec.key, spec.default, spec.advice
  spec.props = { {
    key = key, missing = spec.missing, unknown = true,
    ok = function(v) return nonblank(v) and v ~= default end,
    bad = function(v)
      if not nonblank(v) then return key .. " is " .. show(v) .. ", not a non-blank string" end
      return key .. " is the default \"" .. default .. "\"; " .. advice
    end,
  } }
  spec.types = { "AWS::Redshift::Cluster" }
  return g.props_rule(spec)
end

return { not_default_rule = not_default_rule }
