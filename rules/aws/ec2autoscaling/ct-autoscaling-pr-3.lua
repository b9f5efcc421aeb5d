-- CT.AUTOSCALING.PR.3: Auto Scaling launch configurations must keep the metadata token hop
-- limit at 1.
local g = pp.lib("guard")
local str_eq = g.eq_all
local show = g.show
local mtype = math.type

local is_list = pp.is_list

local is_struct = pp.is_map

-- Guard `v == 1`: an integer 1 (not 1.0, not "1"); a list passes when every element is
local function is_one(v)
  if v == 1 and mtype(v) == "integer" then return true end
  if not is_list(v) then return false end
  for i = 1, #v do
    local x = v[i]
    if not (x == 1 and mtype(x) == "integer") then return false end
  end
  return true
end

return g.rule({ id = "ct-autoscaling-pr-3", noun = "launch configuration",
  types = { "AWS::AutoScaling::LaunchConfiguration" },
  judge = function(ctx, p)
    local mo = p.MetadataOptions
    if mo == nil then return end
    if not is_struct(mo) then return ctx.skip("MetadataOptions is not an object") end
    local ep = mo.HttpEndpoint
    if ep ~= nil and not str_eq(ep, "enabled") then
      return ctx.skip("the instance metadata endpoint is not enabled")
    end
    local hop = mo.HttpPutResponseHopLimit
    if hop ~= nil and not is_one(hop) then
      return ctx.fail("MetadataOptions.HttpPutResponseHopLimit is " .. show(hop) ..
                      "; it must be the integer 1", mo, "HttpPutResponseHopLimit")
    end
  end,
})
