-- For log.case: pp.log and print write the same line, only with --verbose.
return {
  id = "log-both", title = "logs", severity = "low", types = { "AWS::S3::Bucket" },
  packs = { "test" },
  check = function(r, ctx)
    pp.log("via pp.log", 2, true, nil, r.logical_id)
    print("via print", 2, true, nil, r.logical_id)
  end,
}
