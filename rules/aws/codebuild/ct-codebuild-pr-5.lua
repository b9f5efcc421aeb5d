-- CT.CODEBUILD.PR.5 (codebuild_project_artifact_encryption_check): CodeBuild projects encrypt their build artifacts.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local is_list = g.is_list_read
local ne_all = g.ne_all
local all_false = g.is_false
local get = g.get
local is_view = pp.is_view

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

return g.rule({ id = "ct-codebuild-pr-5", types = { "AWS::CodeBuild::Project" },
  judge = function(ctx, p)
    local art, sec = p.Artifacts, p.SecondaryArtifacts
    -- Guard's filter reads `Artifacts exists; Artifacts is_struct; (Artifacts produces or every
    -- SecondaryArtifacts item produces)`: without an Artifacts map the project is not checked.
    if not is_struct(art) then
      return ctx.skip("no Artifacts map")
    end
    local selected = produces(art)
    if not selected and is_view(sec) and #sec > 0 then
      selected = true
      for i = 1, #sec do
        if not produces(sec[i]) then selected = false break end
      end
    end
    if not selected then
      return ctx.skip("no artifacts are produced")
    end
    if not encrypted(art) then
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
})
