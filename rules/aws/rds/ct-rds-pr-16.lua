-- CT.RDS.PR.16: RDS DB clusters must encrypt their storage, unless they are created from a source
-- cluster (SourceDBClusterIdentifier) or as a read replica (ReplicationSourceIdentifier).
local g = pp.lib("guard")
local show = g.show
local blank = g.blank_bytes
local is_true = g.is_true
local local_ref = g.check_local_references
local is_list = pp.is_list

-- Is SourceDBClusterIdentifier absent, blank, or something other than a source cluster? (Guard
-- only recognises a non-blank string or a Ref to an AWS::RDS::DBCluster of this template.)
local function no_source_cluster(v, ctx)
  if v == nil then return true end
  if pp.is_unknown(v) then return true end -- an intrinsic Guard sees as an object without Ref
  if type(v) == "string" then return blank(v) end
  if not pp.is_map(v) then return false end
  local ref = v.Ref
  if type(ref) == "string" then
    local t = ctx.resource(ref)
    if t and t.type == "AWS::RDS::DBCluster" then return false end
  end
  return true
end

-- Is ReplicationSourceIdentifier absent, blank, or something other than a replication source?
-- Guard recognises a non-blank string, or an Fn::Join whose parts reference a DB cluster or DB
-- instance of this template. Returns nil when Parapet cannot tell (a Join it had to leave
-- unresolved).
local function no_replication_source(v, ctx)
  if v == nil then return true end
  if pp.is_unknown(v) then return nil end
  if type(v) == "string" then return blank(v) end
  if not pp.is_map(v) then return false end
  local join = v["Fn::Join"]
  local parts = is_list(join) and join[2] or nil
  if is_list(parts) then
    for i = 1, #parts do
      if local_ref(parts[i], ctx, "AWS::RDS::DBCluster", "AWS::RDS::DBInstance") then return false end
    end
  end
  return true
end

return g.rule({ id = "ct-rds-pr-16", types = { "AWS::RDS::DBCluster" }, noun = "DB cluster",
  judge = function(ctx, p)
    local v = p.StorageEncrypted
    local msg
    if v == nil then
      msg = "StorageEncrypted is not set, so the cluster storage is not encrypted"
    elseif not is_true(v) then
      msg = "StorageEncrypted is " .. show(v) .. "; it must be the boolean true"
    else
      return
    end
    if not no_source_cluster(p.SourceDBClusterIdentifier, ctx) then
      return ctx.skip("the cluster is restored from SourceDBClusterIdentifier")
    end
    local rs = no_replication_source(p.ReplicationSourceIdentifier, ctx)
    if rs == false then
      return ctx.skip("the cluster is a replica of ReplicationSourceIdentifier")
    end
    if rs == nil then
      return ctx.unknown(msg .. ", unless ReplicationSourceIdentifier names a cluster or instance of this template",
                         p, "ReplicationSourceIdentifier")
    end
    return ctx.fail(msg, p, v ~= nil and "StorageEncrypted" or nil)
  end,
})
