-- CT.ELASTICBEANSTALK.PR.3: Elastic Beanstalk environments stream their logs to CloudWatch Logs.
-- Guard semantics kept: an option setting "matches" when it is an object whose Namespace is
-- "aws:elasticbeanstalk:cloudwatch:logs" and whose OptionName is "StreamLogs" (lists compare entry by entry, so empty lists match).
-- An environment needs a non-empty OptionSettings list with a matching setting whose Value is
-- true or "true", and no matching setting with any other Value. A configuration template
-- passes when OptionSettings is absent or an empty list, or is a non-empty list without a
-- matching setting; when it has one, it must meet the environment test.
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local type, ipairs = type, ipairs

local NS, OPT = "aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs"
local eb = pp.lib("guard_elasticbeanstalk")
local good_value, bad_value = eb.on_value, eb.not_on_value
local matches = eb.matcher(NS, OPT)
local check_settings = eb.settings_checker(NS, OPT, good_value, bad_value, "set it to true", "true")

return {
  id         = "ct-elasticbeanstalk-pr-3",
  types      = {
    "AWS::ElasticBeanstalk::Environment",
    "AWS::ElasticBeanstalk::ConfigurationTemplate"
  },
  check = function(r, ctx)
    local p = r.properties
    local list = p.OptionSettings
    if r.type == "AWS::ElasticBeanstalk::ConfigurationTemplate" then
      if list == nil then return end
      if is_list(list) then
        if #list == 0 then return end
        for _, e in ipairs(list) do
          if matches(e) then return check_settings(ctx, p, list) end
        end
        return
      end
      return ctx.fail("OptionSettings is " .. show(list) .. ", not a list", p, "OptionSettings")
    end
    if list == nil then
      return ctx.fail("OptionSettings is missing: log streaming to CloudWatch Logs is not configured", p)
    end
    if not is_list(list) or #list == 0 then
      return ctx.fail("OptionSettings is " .. show(list) .. ": log streaming to CloudWatch Logs is not configured", p, "OptionSettings")
    end
    return check_settings(ctx, p, list)
  end,
}
