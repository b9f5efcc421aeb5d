-- CT.CODEBUILD.PR.4 (codebuild_project_environment_privileged_check): CodeBuild projects do not run builds in privileged mode.
local g = pp.lib("guard")
return g.section_rule({ id = "ct-codebuild-pr-4", types = { "AWS::CodeBuild::Project" },
  section = "Environment", missing = "Environment is missing", props = {
    { key = "PrivilegedMode", ok = g.is_false, bad = ", not false" } } })
