-- CT.ELASTICFILESYSYSTEM.PR.3: an EFS access point enforces a root directory.
-- Guard semantics kept: RootDirectory must be an object with a Path that is a non-blank
-- string other than "/".
local g = pp.lib("guard")
local nonblank = g.nonblank
local show = g.show
local type = type
local is_view = pp.is_view

return g.rule({ id = "ct-elasticfilesysystem-pr-3", types = { "AWS::EFS::AccessPoint" },
  judge = function(ctx, p)
    local rd = p.RootDirectory
    if rd == nil then
      return ctx.fail("RootDirectory is missing: clients see the whole file system", p)
    end
    local path = is_view(rd) and rd.Path or nil
    if path == nil then
      return ctx.fail("RootDirectory has no Path", p, "RootDirectory")
    end
    if not (nonblank(path)) then
      return ctx.fail("RootDirectory.Path is " .. show(path) .. ", not a directory path", rd,
                      "Path")
    end
    if path == "/" then
      return ctx.fail("RootDirectory.Path is \"/\": the access point exposes the whole file "
                      .. "system", rd, "Path")
    end
  end,
})
