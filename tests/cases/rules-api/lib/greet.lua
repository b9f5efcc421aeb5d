-- A module for the pp.lib case: rules share it read-only.
local function hello(x) return "hello " .. x end
return { hello = hello }
