-- CT.CODEBUILD.PR.5 (codebuild_project_artifact_encryption_check): CodeBuild projects encrypt their build artifacts.
local is_view = pp.is_view

-- Guard's is_struct: a map (an empty map prints as {}).
local function is_struct(v)
  if not is_view(v) or #v > 0 then return false end
  for _ in pairs(v) do return true end
  return tostring(v) == "{}"
end

-- Guard's is_list: a list (an empty list prints as []).
local function is_list(v)
  if not is_view(v) then return false end
  if #v > 0 then return true end
  for _ in pairs(v) do return false end
  return tostring(v) == "[]"
end

-- Guard's `v != x` for a string x: strings compare; other types cannot be compared and fail;
-- a list passes when every item passes (an empty list passes).
local function ne_all(v, x)
  if is_view(v) then
    local n = #v
    for i = 1, n do
      local e = v[i]
      if type(e) ~= "string" or e == x then return false end
    end
    return n > 0 or tostring(v) == "[]"
  end
  return type(v) == "string" and v ~= x
end

-- Guard's `v == false`: a list passes when every item is false (an empty list passes).
local function all_false(v)
  if is_view(v) then
    for i = 1, #v do
      if v[i] ~= false then return false end
    end
    return #v > 0 or tostring(v) == "[]"
  end
  return v == false
end

local function get(v, k)
  if is_view(v) then return v[k] end
end

-- Guard's filter_artifact: Type exists and is not NO_ARTIFACTS.
local function produces(a)
  local t = get(a, "Type")
  return t ~= nil and ne_all(t, "NO_ARTIFACTS")
end

-- Guard's check_artifact: EncryptionDisabled absent or false.
local function encrypted(a)
  local v = get(a, "EncryptionDisabled")
  return v == nil or all_false(v)
end

return {
  id         = "ct-codebuild-pr-5",
  title      = "CodeBuild projects encrypt their build artifacts",
  severity   = "high",
  types      = { "AWS::CodeBuild::Project" },
  packs      = { "control-tower" },
  controls   = { "CT.CODEBUILD.PR.5", "codebuild_project_artifact_encryption_check" },
  guard      = "codebuild_project_artifact_encryption_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)", "NIST 800-53 Rev 5:SC-13",
    "NIST 800-53 Rev 5:SC-28", "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SI-7(6)",
    "PCI DSS version 3.2.1:2.2",
  },
  docs       = "https://docs.aws.amazon.com/codebuild/latest/userguide/create-project-console.html#create-project-console-artifacts",
  fix        = "Leave EncryptionDisabled out (or set it to false) in Artifacts and in every SecondaryArtifacts entry.",
  check = function(r, ctx)
    local p = r.properties
    local art, sec = p.Artifacts, p.SecondaryArtifacts
    local selected = is_struct(art) and produces(art)
    if not selected and is_view(sec) and #sec > 0 then
      selected = true
      for i = 1, #sec do
        if not produces(sec[i]) then selected = false break end
      end
    end
    if not selected then
      return ctx.skip("no artifacts are produced")
    end
    if art ~= nil and not encrypted(art) then
      ctx.fail("Artifacts.EncryptionDisabled is " .. tostring(art.EncryptionDisabled) .. ", not false", art, "EncryptionDisabled")
    end
    if sec ~= nil then
      if not is_list(sec) or #sec == 0 then
        ctx.fail("SecondaryArtifacts is " .. tostring(sec) .. ", not a list of artifacts", p, "SecondaryArtifacts")
      else
        for i = 1, #sec do
          if not encrypted(sec[i]) then
            ctx.fail("secondary artifact " .. i .. " has EncryptionDisabled " .. tostring(sec[i].EncryptionDisabled), sec, i)
          end
        end
      end
    end
  end,
}
