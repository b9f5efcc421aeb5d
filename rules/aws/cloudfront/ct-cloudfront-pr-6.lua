-- CT.CLOUDFRONT.PR.6 (cloudfront_custom_ssl_certificate_check): CloudFront distributions use a custom SSL/TLS certificate.
local nonblank = pp.lib("guard").nonblank
return pp.lib("guard_cloudfront").certificate_rule({ id = "ct-cloudfront-pr-6",
  protocol = nonblank, protocol_bad = ", not a protocol version",
  method = nonblank, method_bad = ", not a support method" })
