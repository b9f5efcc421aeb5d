-- CT.DYNAMODB.PR.2: a DynamoDB table is encrypted at rest with a KMS key.
-- With SSEEnabled true DynamoDB uses a KMS key (the AWS managed aws/dynamodb key unless
-- KMSMasterKeyId names another); without it the table uses an AWS owned key.
-- Guard semantics kept: SSESpecification must be an object whose SSEEnabled is the boolean true
-- (the string "true" fails; a list passes when every entry is true, so an empty list passes).
return pp.lib("guard").true_at_rule({ id = "ct-dynamodb-pr-2", types = { "AWS::DynamoDB::Table" },
  keys = { "SSESpecification", "SSEEnabled" },
  missing = { "SSESpecification is missing, so the table is encrypted with an AWS owned key, not a KMS key",
              "SSESpecification.SSEEnabled is missing: set it to true" } })
