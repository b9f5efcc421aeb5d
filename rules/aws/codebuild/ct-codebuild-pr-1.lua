-- CT.CODEBUILD.PR.1 (codebuild_project_source_repo_url_check): CodeBuild GitHub and Bitbucket source URLs carry no credentials.
local is_view = pp.is_view

-- Guard's is_struct: a map (an empty map prints as {}).
local function is_struct(v)
  if not is_view(v) or #v > 0 then return false end
  for _ in pairs(v) do return true end
  return tostring(v) == "{}"
end

-- Guard's `v == x` for a string x: a list passes when every item equals x (an empty list passes).
local function eq_all(v, x)
  if is_view(v) then
    local n = #v
    for i = 1, n do
      if v[i] ~= x then return false end
    end
    return n > 0 or tostring(v) == "[]"
  end
  return v == x
end

local function get(v, k)
  if is_view(v) then return v[k] end
end

local function github_url(s)
  return type(s) == "string" and s:find("^https?://github%.com/[^/]+/[%w_%.%-]+$") ~= nil
end

local function bitbucket_url(s)
  return type(s) == "string" and s:find("^https?://bitbucket%.org") ~= nil
end

-- Guard's `Location == PATTERN`: a list passes when every item matches (an empty list passes).
local function all_match(v, match)
  if is_view(v) then
    local n = #v
    for i = 1, n do
      if not match(v[i]) then return false end
    end
    return n > 0 or tostring(v) == "[]"
  end
  return match(v)
end

local function git_source(s)
  local t = get(s, "Type")
  return t ~= nil and (eq_all(t, "GITHUB") or eq_all(t, "BITBUCKET"))
end

-- Guard's check_source on one source; returns false and a message when its Location has more
-- than the repository URL.
local function source_ok(s)
  local t = get(s, "Type")
  if t == nil then return true end
  if eq_all(t, "GITHUB") then
    local loc = s.Location
    if loc == nil then return false, "has no Location" end
    if not all_match(loc, github_url) then return false, "Location " .. tostring(loc) .. " is not a plain GitHub repository URL" end
  end
  if eq_all(t, "BITBUCKET") then
    local loc = s.Location
    if loc == nil then return false, "has no Location" end
    if not all_match(loc, bitbucket_url) then return false, "Location " .. tostring(loc) .. " is not a plain Bitbucket URL" end
  end
  return true
end

return {
  id         = "ct-codebuild-pr-1",
  title      = "CodeBuild GitHub and Bitbucket source URLs carry no credentials",
  severity   = "critical",
  types      = { "AWS::CodeBuild::Project" },
  packs      = { "control-tower" },
  controls   = { "CT.CODEBUILD.PR.1", "codebuild_project_source_repo_url_check" },
  guard      = "codebuild_project_source_repo_url_check",
  frameworks = {
    "NIST 800-53 Rev 5:SA-3", "PCI DSS version 3.2.1:6.4.4", "PCI DSS version 3.2.1:8.2.1",
  },
  docs       = "https://docs.aws.amazon.com/codebuild/latest/userguide/create-project-console.html#create-project-console-source",
  fix        = "Use a plain https://github.com/OWNER/REPO or https://bitbucket.org/... Location and connect the account with a source credential (AWS::CodeBuild::SourceCredential) instead.",
  check = function(r, ctx)
    local p = r.properties
    local src, sec = p.Source, p.SecondarySources
    local selected = is_struct(src) and git_source(src)
    if not selected and is_view(sec) then
      for i = 1, #sec do
        if git_source(sec[i]) then selected = true break end
      end
    end
    if not selected then
      return ctx.skip("no GitHub or Bitbucket source")
    end
    if src == nil then
      ctx.fail("Source is missing", p)
    elseif is_view(src) then
      local ok, why = source_ok(src)
      if not ok then ctx.fail("Source " .. why, src, "Location") end
    end
    if is_view(sec) then
      for i = 1, #sec do
        local ok, why = source_ok(sec[i])
        if not ok then ctx.fail("secondary source " .. i .. " " .. why, sec, i) end
      end
    end
  end,
}
