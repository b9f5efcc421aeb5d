-- CT.ELASTICLOADBALANCING.PR.1 (alb_http_to_https_redirection_check): HTTP listeners of Application Load Balancers redirect to HTTPS.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local eq_all = g.eq_all
local is_view = pp.is_view

return g.rule({ id = "ct-elasticloadbalancing-pr-1", types = { "AWS::ElasticLoadBalancingV2::Listener" },
  judge = function(ctx, p)
    local proto = p.Protocol
    if proto == nil or not eq_all(proto, "HTTP") then
      return ctx.skip("not an HTTP listener")
    end
    local acts = p.DefaultActions
    if not is_view(acts) or #acts == 0 then
      if acts == nil then return ctx.fail("the HTTP listener has no DefaultActions", p) end
      return ctx.fail("DefaultActions is " .. tostring(acts) .. ", not a list of actions", p, "DefaultActions")
    end
    for i = 1, #acts do
      local a = acts[i]
      local t, rc
      if is_view(a) then t, rc = a.Type, a.RedirectConfig end
      if t == nil or not eq_all(t, "redirect") then
        ctx.fail("default action " .. i .. " of the HTTP listener is " .. tostring(t) .. ", not a redirect",
                 acts, i)
      elseif not is_struct(rc) then
        ctx.fail("default action " .. i .. " has no RedirectConfig map", a, rc ~= nil and "RedirectConfig" or nil)
      elseif rc.Protocol == nil or not eq_all(rc.Protocol, "HTTPS") then
        ctx.fail("default action " .. i .. " redirects to protocol " .. tostring(rc.Protocol) .. ", not HTTPS",
                 rc, rc.Protocol ~= nil and "Protocol" or nil)
      end
    end
  end,
})
