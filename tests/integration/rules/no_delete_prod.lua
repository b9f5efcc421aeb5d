-- Fixture rule for the hook integration tests: opts in to DELETE operations.
return {
  id       = "test-no-delete-protected-table",
  title    = "Tables tagged protected are not deleted",
  severity = "critical",
  types    = { "AWS::DynamoDB::Table" },
  packs    = { "hooktest" },
  deletes  = true,
  check = function(r, ctx)
    if ctx.action ~= "DELETE" then return ctx.skip("only judges deletions") end
    for _, t in pp.items(r.properties.Tags) do
      if t.Key == "protected" and pp.bool(t.Value) == true then
        return ctx.fail("table is tagged protected")
      end
    end
  end,
}
