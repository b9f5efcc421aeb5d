-- CT.REDSHIFT.PR.7: a Redshift cluster names its first database something other than the default.
-- Guard semantics kept: DBName must be a string with a non-blank character, other than
-- "dev" (compared exactly, so "DEV" passes); a list or an object fails.
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
return pp.lib("guard_redshift").not_default_rule({ id = "ct-redshift-pr-7", key = "DBName",
  default = "dev", advice = "pick a database name of your own",
  missing = "DBName is not set, so the first database gets the default name \"dev\"" })
