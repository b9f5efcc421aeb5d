-- CT.APPSYNC.PR.1: a GraphQL API sends field-level logs to CloudWatch Logs.
-- Guard semantics kept: LogConfig must be an object; FieldLogLevel must be "ERROR" or "ALL"
-- (a list passes when every entry is, so an empty list passes); CloudWatchLogsRoleArn must be
-- a non-blank string or a Ref/GetAtt of an AWS::IAM::Role in this template.
local g = pp.lib("guard")
return g.object_rule({ id = "ct-appsync-pr-1", types = { "AWS::AppSync::GraphQLApi" }, section = "LogConfig",
  missing = "LogConfig is missing: the API does not log to CloudWatch", props = {
    { key = "FieldLogLevel", missing = "LogConfig.FieldLogLevel is missing: set it to ERROR or ALL",
      ok = g.string_in({ ERROR = true, ALL = true }), bad = ": set it to ERROR or ALL" },
    { key = "CloudWatchLogsRoleArn", missing = true, ok = g.name_or_ref("AWS::IAM::Role"),
      bad = ", neither a role ARN nor a reference to an AWS::IAM::Role in this template" } } })
