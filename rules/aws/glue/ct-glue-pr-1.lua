-- CT.GLUE.PR.1: an AWS Glue job runs with a security configuration.
-- Guard semantics kept: SecurityConfiguration must be a string with a non-blank character (the
-- configuration's name) or a Ref/GetAtt of an AWS::Glue::SecurityConfiguration in this
-- template; a list, an object or a reference to anything else fails.
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local nonblank = pp.lib("guard").nonblank
local type, tostring = type, tostring
local g = pp.lib("guard")
local show = g.show_shape

local CONFIG_TYPE = "AWS::Glue::SecurityConfiguration"

-- A Ref, or a GetAtt in its list form, of a resource of type rtype in this template.
local local_ref = pp.lib("guard").local_ref

return g.rule({ id = "ct-glue-pr-1", types = { "AWS::Glue::Job" },
  judge = function(ctx, p)
    local v = p.SecurityConfiguration
    if v == nil then
      return ctx.fail("SecurityConfiguration is not set, so the job's output, logs and bookmarks "
                      .. "are not encrypted by a Glue security configuration", p)
    end
    if pp.is_unknown(v) then
      return ctx.unknown("SecurityConfiguration depends on a value Parapet cannot resolve", p,
                         "SecurityConfiguration")
    end
    if nonblank(v) then return end
    if local_ref(ctx, v, CONFIG_TYPE) then return end
    return ctx.fail("SecurityConfiguration is " .. show(v) .. ", neither the name of a security "
                    .. "configuration nor a reference to an " .. CONFIG_TYPE
                    .. " in this template", p, "SecurityConfiguration")
  end,
})
