-- Shared by the Control Tower EC2 instance-type rules (rules/aws/ec2/ct-ec2-pr-15..20) and the
-- Auto Scaling ones (rules/aws/ec2autoscaling/ct-autoscaling-pr-10, -11). Loads after
-- rules/lib/guard.lua (name order) and uses its helpers.
--
--   instance_types(families, exact)  returns accepted1, accepted for the rule's own lists:
--     accepted1(s)   s is a string that is one of exact, or "<family>.<rest>" with family in
--                    families, rest non-empty and no newline after the dot (Guard's regexes).
--     accepted(v)    Guard `v in [regexes]`: a list when every element (1..#v, a null fails)
--                    is accepted1; otherwise accepted1(v).
--   has_overrides(configs)  some configs[i].Overrides (get: views only) is a list with an entry
--                    whose InstanceType or InstanceRequirements (InstanceType read first) is
--                    present.
--   entries(ov)      the entries Guard's filter looks at: ov itself when it is a list, else a
--                    one-element list {ov} (a single table reused on every call).
--   fleet_override_rule(spec), group_override_rule(spec)  the rules of CT.EC2.PR.18 and .20
--                    (EC2 fleets' LaunchTemplateConfigs[].Overrides) and CT.AUTOSCALING.PR.10
--                    and .11 (MixedInstancesPolicy.LaunchTemplate.Overrides): every override's
--                    InstanceType and InstanceRequirements.AllowedInstanceTypes must be of the
--                    families rules/lib/ec2_families.lua lists under spec.families; spec.what
--                    names them in messages. Return { id = spec.id, types, check }.
--   instance_type_rule(spec)  the rule of CT.EC2.PR.16 and .19: an instance's InstanceType of the
--                    families under spec.families (spec.missing when absent, spec.bad after it).
--   imds_rule(spec)  the rule of CT.EC2.PR.1/.2 (spec.template: AWS::EC2::LaunchTemplate, read
--                    in LaunchTemplateData, SKIP when that is not an object) and
--                    CT.AUTOSCALING.PR.2/.3 (AWS::AutoScaling::LaunchConfiguration): an absent
--                    MetadataOptions FAILs with spec.missing (none: passes); one that is not an
--                    object, or whose HttpEndpoint is set and not "enabled", SKIPs; then
--                    spec.judge(ctx, MetadataOptions).
--   tokens_required(ctx, mo), hop_limit_one(ctx, mo)  the judges of CT.EC2.PR.1 / AUTOSCALING.PR.2
--                    (HttpTokens set and "required") and CT.EC2.PR.2 / AUTOSCALING.PR.3
--                    (HttpPutResponseHopLimit absent or the integer 1, not 1.0 or "1"; a list
--                    when every element is).
--   no_public_ip(ctx, nis, where, ok)  CT.EC2.PR.8 and .9: every entry of the NetworkInterfaces
--                    list nis that creates an interface (not one attaching an existing interface
--                    by a non-blank id string or by Fn::GetAtt of an AWS::EC2::NetworkInterface
--                    of this template) sets AssociatePublicIpAddress to the boolean false; FAILs
--                    name it "<where>NetworkInterfaces[i]". Returns ok, or false after a FAIL.
--   ebs_encrypted_rule(spec)  the rule of CT.EC2.PR.14 (spec.template) and CT.AUTOSCALING.PR.9:
--                    every Ebs block of BlockDeviceMappings sets Encrypted to the boolean true;
--                    SKIP without mappings or without an Ebs block.
local g = pp.lib("guard")
local get = g.get
local type, ipairs = type, ipairs
local is_list = pp.is_list

local function instance_types(families, exact)
  local FAMILY, EXACT = {}, {}
  for _, f in ipairs(families) do FAMILY[f] = true end
  for _, n in ipairs(exact) do EXACT[n] = true end

  local function accepted1(s)
    if type(s) ~= "string" then return false end
    if EXACT[s] then return true end
    local dot = s:find(".", 1, true)
    if not dot or dot == #s then return false end
    if s:find("\n", dot, true) then return false end
    return FAMILY[s:sub(1, dot - 1)] == true
  end

  local function accepted(v)
    if is_list(v) then
      for i = 1, #v do if not accepted1(v[i]) then return false end end
      return true
    end
    return accepted1(v)
  end

  return accepted1, accepted
end

local function has_overrides(configs)
  for i = 1, #configs do
    local ov = get(configs[i], "Overrides")
    if is_list(ov) then
      for j = 1, #ov do
        if get(ov[j], "InstanceType") ~= nil or get(ov[j], "InstanceRequirements") ~= nil then
          return true
        end
      end
    end
  end
  return false
end

local ONE = { false }
local function entries(ov)
  if is_list(ov) then return ov end
  ONE[1] = ov
  return ONE
end

local show = g.show
local is_struct = pp.is_map

local function accepted_of(spec)
  local f = pp.lib("ec2_families")[spec.families]
  local _, accepted = instance_types(f.families, f.exact)
  return accepted
end

-- Judges override o (named `at` in messages); returns ok, or what the last FAIL returned.
local function judge_override(ctx, o, at, accepted, what, ok)
  local it, req = get(o, "InstanceType"), get(o, "InstanceRequirements")
  if it ~= nil and not accepted(it) then
    ok = ctx.fail(at .. ".InstanceType is " .. show(it) .. ", not " .. what, o, "InstanceType")
  end
  if req ~= nil then
    local allowed = get(req, "AllowedInstanceTypes")
    if not is_list(allowed) or #allowed == 0 then
      ok = ctx.fail(at .. ".InstanceRequirements does not list AllowedInstanceTypes, so types "
                    .. "other than " .. what .. " may be chosen", o, "InstanceRequirements")
    else
      for k = 1, #allowed do
        if not accepted(allowed[k]) then
          ok = ctx.fail(at .. ".InstanceRequirements.AllowedInstanceTypes[" .. k .. "] is " ..
                        show(allowed[k]) .. ", not " .. what, allowed, k)
        end
      end
    end
  end
  return ok
end

local function fleet_override_rule(spec)
  local accepted, what = accepted_of(spec), spec.what
  return {
    id = spec.id,
    types = { "AWS::EC2::EC2Fleet" },
    check = function(r, ctx)
      local p = r.properties
      if p == nil then return ctx.fail("the fleet has no Properties") end
      local configs = p.LaunchTemplateConfigs
      if not is_list(configs) or not has_overrides(configs) then
        return ctx.skip("the fleet overrides no instance types")
      end
      local ok = true
      for i = 1, #configs do
        local ov = get(configs[i], "Overrides")
        local where = "LaunchTemplateConfigs[" .. i .. "]"
        if ov == nil then
          ok = ctx.fail(where .. " has no Overrides list to check", configs, i)
        else
          local list = entries(ov)
          for j = 1, #list do
            local at = where .. ".Overrides" .. (list == ov and ("[" .. j .. "]") or "")
            ok = judge_override(ctx, list[j], at, accepted, what, ok)
          end
        end
      end
      return ok
    end,
  }
end

local function group_override_rule(spec)
  local accepted, what = accepted_of(spec), spec.what
  return {
    id = spec.id,
    types = { "AWS::AutoScaling::AutoScalingGroup" },
    check = function(r, ctx)
      local p = r.properties
      if p == nil then return ctx.fail("the Auto Scaling group has no Properties") end
      local mip = p.MixedInstancesPolicy
      local lt = is_struct(mip) and mip.LaunchTemplate or nil
      local ov = is_struct(lt) and lt.Overrides or nil
      local any = false
      if is_list(ov) then
        for i = 1, #ov do
          if get(ov[i], "InstanceType") ~= nil or get(ov[i], "InstanceRequirements") ~= nil then
            any = true; break
          end
        end
      end
      if not any then return ctx.skip("the group overrides no instance types") end
      local ok = true
      for i = 1, #ov do
        local at = "MixedInstancesPolicy.LaunchTemplate.Overrides[" .. i .. "]"
        ok = judge_override(ctx, ov[i], at, accepted, what, ok)
      end
      return ok
    end,
  }
end

local is_map = pp.is_map
local str_eq, show, is_true = g.eq_all, g.show, g.is_true
local LT, LC = "AWS::EC2::LaunchTemplate", "AWS::AutoScaling::LaunchConfiguration"

local function imds_rule(spec)
  local template, missing, judge = spec.template, spec.missing, spec.judge
  return g.rule({ id = spec.id, types = { template and LT or LC },
    noun = template and "launch template" or "launch configuration",
    judge = function(ctx, p)
      local node = p
      if template then
        node = p.LaunchTemplateData
        if not is_map(node) then return ctx.skip("LaunchTemplateData is not given as an object") end
      end
      local mo = node.MetadataOptions
      if mo == nil then
        if missing then return ctx.fail(missing, node) end
        return
      end
      if not is_map(mo) then return ctx.skip("MetadataOptions is not an object") end
      local ep = mo.HttpEndpoint
      if ep ~= nil and not str_eq(ep, "enabled") then
        return ctx.skip("the instance metadata endpoint is not enabled")
      end
      return judge(ctx, mo)
    end,
  })
end

local function tokens_required(ctx, mo)
  local tok = mo.HttpTokens
  if tok == nil then
    return ctx.fail("MetadataOptions.HttpTokens is not set, so IMDSv1 stays allowed", mo)
  end
  if not str_eq(tok, "required") then
    return ctx.fail("MetadataOptions.HttpTokens is " .. show(tok) .. "; it must be \"required\"",
                    mo, "HttpTokens")
  end
end

local mtype = math.type
local function is_one(v)
  if v == 1 and mtype(v) == "integer" then return true end
  if not is_list(v) then return false end
  for i = 1, #v do
    local x = v[i]
    if not (x == 1 and mtype(x) == "integer") then return false end
  end
  return true
end

local function hop_limit_one(ctx, mo)
  local hop = mo.HttpPutResponseHopLimit
  if hop ~= nil and not is_one(hop) then
    return ctx.fail("MetadataOptions.HttpPutResponseHopLimit is " .. show(hop) ..
                    "; it must be the integer 1", mo, "HttpPutResponseHopLimit")
  end
end

local blank_bytes, is_false = g.blank_bytes, g.is_false
local function creates_interface(ni, ctx)
  if not pp.is_view(ni) then return true end
  local id = ni.NetworkInterfaceId
  if id == nil then return true end
  if type(id) == "string" then return blank_bytes(id) end
  if not is_map(id) then return false end
  local ga = id["Fn::GetAtt"]
  if ga == nil then return true end
  if is_list(ga) and type(ga[1]) == "string" then
    local target = ctx.resource(ga[1])
    if target and target.type == "AWS::EC2::NetworkInterface" then return false end
  end
  return true
end

local function no_public_ip(ctx, nis, where, ok)
  for i = 1, #nis do
    local ni = nis[i]
    if creates_interface(ni, ctx) then
      local v = nil
      if pp.is_view(ni) then v = ni.AssociatePublicIpAddress end
      local at = where .. "NetworkInterfaces[" .. i .. "]"
      if v == nil then
        ok = ctx.fail(at .. " does not set AssociatePublicIpAddress; it must be false", nis, i)
      elseif not is_false(v) then
        ok = ctx.fail(at .. ".AssociatePublicIpAddress is " .. show(v) .. "; it must be the boolean false",
                      ni, "AssociatePublicIpAddress")
      end
    end
  end
  return ok
end

local function ebs_of(m)
  if not pp.is_view(m) then return nil end
  local ebs = m.Ebs
  if is_map(ebs) then return ebs end
  return nil
end

local function ebs_encrypted_rule(spec)
  local template = spec.template
  local noun = template and "launch template" or "launch configuration"
  local where = template and "LaunchTemplateData.BlockDeviceMappings[" or "BlockDeviceMappings["
  return g.rule({ id = spec.id, types = { template and LT or LC }, noun = noun,
    judge = function(ctx, p)
      local bdms
      if template then
        local data = p.LaunchTemplateData
        bdms = is_map(data) and data.BlockDeviceMappings
      else
        bdms = p.BlockDeviceMappings
      end
      if not is_list(bdms) or #bdms == 0 then
        return ctx.skip("the " .. noun .. " declares no block device mappings")
      end
      local any = false
      for i = 1, #bdms do
        if ebs_of(bdms[i]) then any = true; break end
      end
      if not any then return ctx.skip("no block device mapping has an Ebs block") end
      local ok = true
      for i = 1, #bdms do
        local ebs = ebs_of(bdms[i])
        if ebs then
          local v = ebs.Encrypted
          if v == nil then
            ok = ctx.fail(where .. i .. "].Ebs does not set Encrypted; it must be true", ebs)
          elseif not is_true(v) then
            ok = ctx.fail(where .. i .. "].Ebs.Encrypted is " .. show(v) .. "; it must be the boolean true",
                          ebs, "Encrypted")
          end
        end
      end
      return ok
    end,
  })
end

-- CT.EC2.PR.16 and .19: an instance's InstanceType must be of the families ec2_families lists under
-- spec.families (absent: FAIL spec.missing; else "InstanceType is V<spec.bad>").
local function instance_type_rule(spec)
  return g.props_rule({ id = spec.id, types = { "AWS::EC2::Instance" }, noun = "instance", props = { {
    key = "InstanceType", missing = spec.missing, ok = accepted_of(spec), bad = spec.bad } } })
end

return { imds_rule = imds_rule, instance_type_rule = instance_type_rule, no_public_ip = no_public_ip, tokens_required = tokens_required, hop_limit_one = hop_limit_one,
  ebs_encrypted_rule = ebs_encrypted_rule, instance_types = instance_types, has_overrides = has_overrides, entries = entries,
         fleet_override_rule = fleet_override_rule, group_override_rule = group_override_rule }
