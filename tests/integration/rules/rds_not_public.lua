-- Fixture rule for the hook integration tests (not a built-in rule).
return {
  id       = "test-rds-not-public",
  title    = "RDS DB instances are not publicly accessible",
  severity = "high",
  types    = { "AWS::RDS::DBInstance" },
  packs    = { "hooktest" },
  fix      = "Set PubliclyAccessible to false.",
  docs     = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html",
  check = function(r, ctx)
    local p = r.properties
    if pp.bool(p.PubliclyAccessible) == true then
      if ctx.previous and pp.bool(ctx.previous.PubliclyAccessible) ~= true then
        return ctx.fail("PubliclyAccessible flipped to true", p, "PubliclyAccessible")
      end
      return ctx.fail("PubliclyAccessible is true", p, "PubliclyAccessible")
    end
  end,
}
