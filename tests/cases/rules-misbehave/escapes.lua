-- Tries every way out of the sandbox; each attempt must raise, never succeed.
return { id = "t-escapes", title = "escapes", severity = "high", types = {"AWS::SQS::Queue"},
  check = function(r, ctx)
    if io or os or package or debug then return false, "a removed library is visible" end
    return false, tostring(load("return 1"))
  end }
