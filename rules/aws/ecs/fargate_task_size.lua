-- A Fargate task definition must size the task (task-level Cpu and Memory), and the pair must
-- be one Fargate offers; otherwise RegisterTaskDefinition fails with "No Fargate configuration
-- exists for given values" and the stack rolls back. Cpu is CPU units ("256") or vCPU text
-- ("0.25 vCPU", "1 vCPU"); Memory is MiB ("2048") or GB text ("2 GB"). The table is the one in
-- the ECS developer guide ("Task CPU and memory"): per CPU size, the smallest and largest
-- memory and the step between.
local describe = pp.lib("exposure").describe
local ecs = pp.lib("ecs")
local is_unknown = pp.is_unknown

local SIZES = {
  [256]   = { 512, 2048, 0 },          -- 512, 1024 or 2048 (listed below)
  [512]   = { 1024, 4096, 1024 },
  [1024]  = { 2048, 8192, 1024 },
  [2048]  = { 4096, 16384, 1024 },
  [4096]  = { 8192, 30720, 1024 },
  [8192]  = { 16384, 61440, 4096 },
  [16384] = { 32768, 122880, 8192 },
}
local SMALLEST = { [512] = true, [1024] = true, [2048] = true }

-- The value in units (CPU units or MiB), or nil when it is not a number Fargate reads.
local function units(v, suffix)
  local n = pp.int(v)
  if n then return n end
  local s = pp.str(v)
  if not s then return nil end
  local num = s:match("^%s*(%d+%.?%d*)%s*" .. suffix .. "%s*$")
  if not num then return nil end
  local x = tonumber(num) * 1024
  if x ~= math.floor(x) then return nil end
  return math.floor(x)
end


local function valid(cpu, mem)
  local s = SIZES[cpu]
  if not s then return false end
  if s[3] == 0 then return cpu == 256 and SMALLEST[mem] == true end
  return mem >= s[1] and mem <= s[2] and (mem - s[1]) % s[3] == 0
end

return {
  id = "ecs-fargate-task-size-valid",
  types = { "AWS::ECS::TaskDefinition" },
  check = function(r, ctx)
    local p = r.properties
    if not ecs.on_fargate(p) then return ecs.fargate_or_verdict(p, ctx) end
    if p.Cpu == nil or p.Memory == nil then
      return ctx.fail("a Fargate task definition needs task-level Cpu and Memory; "
                      .. (p.Cpu == nil and "Cpu" or "Memory") .. " is not set", p)
    end
    if is_unknown(p.Cpu) or is_unknown(p.Memory) then
      return ctx.unknown("Cpu or Memory depends on a value Parapet cannot resolve", p,
                         is_unknown(p.Cpu) and "Cpu" or "Memory")
    end
    local cpu, mem = units(p.Cpu, "[vV][cC][pP][uU]"), units(p.Memory, "[gG][bB]")
    if not cpu then
      return ctx.fail("Cpu is " .. describe(p.Cpu) .. ", not CPU units or vCPU", p, "Cpu")
    end
    if not mem then
      return ctx.fail("Memory is " .. describe(p.Memory) .. ", not MiB or GB", p, "Memory")
    end
    if not SIZES[cpu] then
      return ctx.fail(("Cpu %d is not a Fargate task size (256, 512, 1024, 2048, 4096, 8192 "
                       .. "or 16384)"):format(cpu), p, "Cpu")
    end
    if not valid(cpu, mem) then
      local s = SIZES[cpu]
      local range = s[3] == 0 and "512, 1024 or 2048"
                    or ("%d to %d in steps of %d"):format(s[1], s[2], s[3])
      return ctx.fail(("Fargate has no %d CPU / %d MiB task: with %d CPU, Memory is %s MiB")
                      :format(cpu, mem, cpu, range), p, "Memory")
    end
  end,
}
