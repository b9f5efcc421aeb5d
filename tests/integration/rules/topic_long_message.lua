-- Fixture rule for the hook integration tests: a failure message long enough to be cut.
return {
  id       = "test-topic-long-message",
  title    = "A rule with a long message",
  severity = "low",
  types    = { "AWS::SNS::Topic" },
  packs    = { "hooktest" },
  check = function(r, ctx)
    local n = pp.str(r.properties.TopicName) or "topic"
    return ctx.fail(string.rep(n .. " is not allowed; ", 200))
  end,
}
