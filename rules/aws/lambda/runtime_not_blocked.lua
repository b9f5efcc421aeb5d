-- Lambda refuses to create a function (and, later, to update one) on a runtime that has been
-- deprecated for long enough: CreateFunction answers "The runtime parameter of <id> is no
-- longer supported for creating or updating AWS Lambda functions." The list below is the
-- runtimes whose "block function create" date (Lambda developer guide, "Runtime deprecation")
-- had passed by December 2026; it is a parameter, so a team can add the next ones early.
-- Container-image functions (PackageType: Image) have no Runtime and are not judged.
local is_unknown = pp.is_unknown

local derived = {}

return {
  id = "lambda-runtime-not-blocked",
  types = { "AWS::Lambda::Function" },
  params = {
    blocked = { "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10",
                "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x", "nodejs18.x",
                "python2.7", "python3.6", "python3.7", "python3.8", "python3.9",
                "ruby2.5", "ruby2.7", "java8", "go1.x", "provided",
                "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1",
                "dotnet5.0", "dotnet6", "dotnet7" },
  },
  check = function(r, ctx)
    if derived.params ~= ctx.params then
      derived.params = ctx.params
      derived.set = {}
      local list = ctx.params.blocked or {}
      for i = 1, #list do derived.set[pp.str(list[i]) or ""] = true end
    end
    local p = r.properties
    local rt = p.Runtime
    if rt == nil then
      return ctx.skip("no Runtime (a container image function)")
    end
    if is_unknown(rt) then
      return ctx.unknown("Runtime depends on a value Parapet cannot resolve", p, "Runtime")
    end
    local id = pp.str(rt)
    if id and derived.set[id] then
      return ctx.fail(("Runtime %s is no longer accepted for creating or updating Lambda "
                       .. "functions"):format(id), p, "Runtime")
    end
  end,
}
