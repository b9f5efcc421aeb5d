-- CT.DAX.PR.1: a DAX cluster encrypts its data at rest.
-- Guard semantics kept: SSESpecification must be an object whose SSEEnabled is the boolean true
-- (the string "true" fails; a list passes when every entry is true, so an empty list passes).
return pp.lib("guard").true_at_rule({ id = "ct-dax-pr-1", types = { "AWS::DAX::Cluster" },
  keys = { "SSESpecification", "SSEEnabled" },
  missing = { "SSESpecification is missing, so the cluster is not encrypted at rest",
              "SSESpecification.SSEEnabled is missing: set it to true" } })
