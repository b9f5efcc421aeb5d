-- CT.ELASTICBEANSTALK.PR.2: Elastic Beanstalk environments have managed platform updates enabled
-- (a ManagedActionsEnabled setting true or "true", lib/guard_elasticbeanstalk.lua's option_rule).
return pp.lib("guard_elasticbeanstalk").option_rule({
  id = "ct-elasticbeanstalk-pr-2", ns = "aws:elasticbeanstalk:managedactions", opt = "ManagedActionsEnabled",
  advice = "set it to true", wanted = "true", what = "managed platform updates are",
})
