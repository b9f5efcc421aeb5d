-- CT.GUARDDUTY.PR.1: a GuardDuty detector is enabled with S3 protection.
-- Guard semantics kept: Enable must be the boolean true, DataSources an object, its S3Logs an
-- object, and S3Logs.Enable the boolean true (the string "true" fails; a list passes when every
-- entry is the boolean true, so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local type, tostring, ipairs = type, tostring, ipairs
local is_map, is_unknown = pp.is_map, pp.is_unknown
local g = pp.lib("guard")
local show, is_true = g.show_shape, g.is_true_ipairs

return g.rule({ id = "ct-guardduty-pr-1", types = { "AWS::GuardDuty::Detector" },
  judge = function(ctx, p)
    local unknown = false
    local en = p.Enable
    if en == nil then
      ctx.fail("Enable is not set, so the detector is not turned on", p)
    elseif is_unknown(en) then
      unknown = true
    elseif not is_true(en) then
      ctx.fail("Enable is " .. show(en) .. "; turn the detector on with the boolean true", p,
               "Enable")
    end
    local ds = p.DataSources
    if ds == nil then
      ctx.fail("DataSources is not set, so S3 protection is not turned on", p)
    elseif is_unknown(ds) then
      unknown = true
    elseif not is_map(ds) then
      ctx.fail("DataSources is " .. show(ds) .. ", not an object", p, "DataSources")
    else
      local s3 = ds.S3Logs
      if s3 == nil then
        ctx.fail("DataSources has no S3Logs, so S3 protection is not turned on", ds)
      elseif is_unknown(s3) then
        unknown = true
      elseif not is_map(s3) then
        ctx.fail("S3Logs is " .. show(s3) .. ", not an object", ds, "S3Logs")
      else
        local s3en = s3.Enable
        if s3en == nil then
          ctx.fail("S3Logs has no Enable, so S3 protection is off", s3)
        elseif is_unknown(s3en) then
          unknown = true
        elseif not is_true(s3en) then
          ctx.fail("S3Logs.Enable is " .. show(s3en) .. "; turn S3 protection on with the "
                   .. "boolean true", s3, "Enable")
        end
      end
    end
    if unknown then
      return ctx.unknown("the detector's settings depend on a value Parapet cannot resolve", p)
    end
  end,
})
