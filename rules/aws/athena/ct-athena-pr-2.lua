-- CT.ATHENA.PR.2: an Athena workgroup encrypts query results at rest with a KMS key, and enforces
-- it (lib/guard_athena.lua's encryption_rule, with the KmsKey test).
return pp.lib("guard_athena").encryption_rule({ id = "ct-athena-pr-2", kms = true })
