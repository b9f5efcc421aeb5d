-- CT.CODEBUILD.PR.1 (codebuild_project_source_repo_url_check): CodeBuild GitHub and Bitbucket source URLs carry no credentials.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local eq_all = g.eq_all
local get = g.get
local is_view = pp.is_view

-- Guard's /^(http(s)?)(:\/\/github\.com\/)([^\/]+)\/([\w\.-]+)(\.git)?$/
local function github_url(s)
  if type(s) ~= "string" then return false end
  local _, e = s:find("^https?://github%.com/[^/]+/")
  return e ~= nil and s:find("^[%w_%.%-]+$", e + 1) ~= nil
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

-- Guard's check_source on one source map; returns false and a message when its Location has
-- more than the repository URL.
local function source_one(s)
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
-- Guard's check_source: its `[Type == …]` filters look into a list, so a source given as a list
-- is checked item by item.
local function source_ok(s)
  if is_view(s) and #s > 0 then
    for i = 1, #s do
      local ok, why = source_one(s[i])
      if not ok then return false, why end
    end
    return true
  end
  return source_one(s)
end

return g.rule({ id = "ct-codebuild-pr-1", types = { "AWS::CodeBuild::Project" },
  judge = function(ctx, p)
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
})
