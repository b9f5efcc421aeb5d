-- CT.REDSHIFT.PR.6: a Redshift cluster names its administrator something other than the default.
-- Guard semantics kept: MasterUsername must be a string with a non-blank character, other than
-- "awsuser" (compared exactly, so "AWSUSER" passes); a list or an object fails.
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
return pp.lib("guard_redshift").not_default_rule({ id = "ct-redshift-pr-6", key = "MasterUsername",
  default = "awsuser", advice = "pick an administrator name that is harder to guess",
  missing = "MasterUsername is not set; name the administrator explicitly" })
