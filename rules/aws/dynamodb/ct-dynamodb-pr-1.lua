-- CT.DYNAMODB.PR.1: a DynamoDB table has point-in-time recovery turned on.
-- Guard semantics kept: PointInTimeRecoverySpecification must be an object whose
-- PointInTimeRecoveryEnabled is the boolean true (the string "true" fails; a list passes when
-- every entry is true, so an empty list passes).
return pp.lib("guard").true_at_rule({ id = "ct-dynamodb-pr-1", types = { "AWS::DynamoDB::Table" },
  keys = { "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled" },
  unknown = { nil, "PointInTimeRecoveryEnabled" },
  missing = { "PointInTimeRecoverySpecification is missing, so point-in-time recovery is off",
              "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled is missing (the default is false): set it to true" } })
