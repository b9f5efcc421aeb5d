-- Reports every property of a Test::Echo resource as "Key=type:value" so cases can see
-- exactly what the resolver hands to rules.
return { id = "t-echo", title = "echo", severity = "info", types = {"Test::Echo"},
  check = function(r, ctx)
    local keys = {}
    for k in pairs(r.properties) do keys[#keys + 1] = k end
    table.sort(keys)
    for _, k in ipairs(keys) do
      local v = r.properties[k]
      local s
      if pp.is_unknown(v) then s = "unknown"
      elseif pp.is_view(v) then s = "view:" .. tostring(v)
      else s = type(v) .. ":" .. tostring(v) end
      ctx.fail(k .. "=" .. s, r.properties, k)
    end
  end }
