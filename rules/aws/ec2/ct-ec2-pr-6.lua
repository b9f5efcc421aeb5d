-- CT.EC2.PR.6: transit gateways must not accept shared VPC attachments automatically.
local g = pp.lib("guard")
local str_eq = g.eq_all
local show = g.show

return g.rule({ id = "ct-ec2-pr-6", types = { "AWS::EC2::TransitGateway" }, noun = "transit gateway",
  judge = function(ctx, p)
    local v = p.AutoAcceptSharedAttachments
    if v ~= nil and not str_eq(v, "disable") then
      return ctx.fail("AutoAcceptSharedAttachments is " .. show(v) .. "; it must be \"disable\"",
                      p, "AutoAcceptSharedAttachments")
    end
  end,
})
