-- CT.CLOUDFRONT.PR.7 (cloudfront_sni_enabled_check): CloudFront distributions with custom certificates serve HTTPS through SNI.
local g, cf = pp.lib("guard"), pp.lib("guard_cloudfront")
local SSLV3 = { SSLv3 = true }
return cf.certificate_rule({ id = "ct-cloudfront-pr-7",
  protocol = function(v) return cf.not_in_set(v, SSLV3) end, protocol_bad = ", not TLSv1 or later",
  method = function(v) return g.eq_all(v, "sni-only") end, method_bad = ", not sni-only" })
