-- CT.ATHENA.PR.1: an Athena workgroup encrypts query results at rest, and enforces it
-- (lib/guard_athena.lua's encryption_rule: the option's value is not otherwise checked).
return pp.lib("guard_athena").encryption_rule({ id = "ct-athena-pr-1", kms = false })
