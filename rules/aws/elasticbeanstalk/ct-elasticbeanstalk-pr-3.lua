-- CT.ELASTICBEANSTALK.PR.3: Elastic Beanstalk environments stream their logs to CloudWatch Logs
-- (a StreamLogs setting true or "true", lib/guard_elasticbeanstalk.lua's option_rule).
return pp.lib("guard_elasticbeanstalk").option_rule({
  id = "ct-elasticbeanstalk-pr-3", ns = "aws:elasticbeanstalk:cloudwatch:logs", opt = "StreamLogs",
  advice = "set it to true", wanted = "true", what = "log streaming to CloudWatch Logs is",
})
