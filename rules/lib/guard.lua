-- Guard semantics, shared by the Control Tower pack (rules/aws/*/ct-*.lua). Each rule there
-- reproduces one AWS Control Tower Guard control, and its verdicts must match cfn-guard's
-- (tests/difftest); these helpers say, once, how Guard reads a value. Rules get them with
-- `local g = pp.lib("guard")` and hoist what they use to file-level locals
-- (`local is_true = g.is_true`), never `g.x` inside a check.
--
-- Exact semantics (rules depend on every detail; do not "improve" one without checking every
-- caller against cfn-guard: `make difftest`):
--
-- Shapes
--   is_list(v)       v is a list view, empty or not (pp.is_list).
--   is_struct(v)     v is an object view, empty or not (pp.is_map).
--   is_list_read(v), is_struct_read(v)
--                    the same answers, but for a non-empty object they read its first value
--                    (`for _ in pairs(v)`), and reading a value Parapet cannot resolve marks the
--                    evaluation: a pass becomes UNKNOWN. Rules written that way keep it (their
--                    verdicts depend on it); new rules should use is_list / is_struct.
--   get(v, k)        v[k] when v is a view, else nil.
--   show(v)          v for a message: a string quoted with %q, anything else tostring(v).
--   show_shape(v)    the same, but a list is "a list" and an object "an object".
--
-- Guard `v == x` (x a scalar: string, boolean, number). A list passes when every element
-- passes, so an empty list passes; an object never passes.
--   eq_all(v, x)     every element v[1..#v] == x: a JSON null element (nil) fails.
--   is_true(v)       eq_all(v, true)  (the boolean true; the string "true" fails).
--   is_false(v)      eq_all(v, false).
--   eq_ipairs(v, x)  as eq_all, but walks the list with ipairs, which stops at the first null
--                    element: elements after a null are not looked at. (Rules written this way
--                    keep it; it is a different helper, not a variant of eq_all.)
--   is_true_ipairs(v) eq_ipairs(v, true).
--   ne_all(v, x)     Guard `v != x` on strings: every element (or v) is a string other than x;
--                    an empty list passes; an object or a non-string fails.
--   in_set(v, set)   Guard `v IN [...]` for a set table {value = true}: every element v[i]
--                    (v[i] ~= nil) has set[v[i]]; an empty list passes; an object fails;
--                    a scalar passes when set[v] == true.
--   int_ge(v, n)     Guard `v >= n` on integers: v (or every element) is an integer (math.type)
--                    >= n; an empty list passes; an object, a float or a string fails.
--   int_gt(v, n), int_lt(v, n)  Guard `v > n` / `v < n` on integers, as int_ge.
--   int_ge_ipairs(v, n)  as int_ge, but a list is walked with ipairs (elements after a null are
--                    not looked at) and any other value passes when it is an integer >= n.
--   all_ipairs(v, pred)  pred on every element of a list (ipairs: up to the first null), else pred(v).
--   some_star(v)     Guard `v == "*"` in a `some` clause: v is "*", or a list (ipairs, up to
--                    the first null) with a "*" element.
--   no_star(v)       v (or every element, ipairs) is a string other than "*"; an empty list
--                    passes; an object fails.
--
-- Guard `IN` with exact numeric types (1 and 1.0 differ, as Guard's Int and Float do)
--   same(a, b)       a == b, and when a is a number, math.type(a) == math.type(b).
--   in1(x, list)     some list[i] (a Lua array of allowed values) is same(x, list[i]).
--   gin(v, list)     v is nil → false; an object → false; a list → every element (1..#v,
--                    a null fails) in1; a scalar → in1(v, list). An empty list passes.
--
-- Blank strings (Guard's /\A\s*\z/, where \s is Unicode whitespace: ASCII 9-13 and 32, U+0085,
-- U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000)
--   blank(s)         s (a string) is only whitespace. Decodes with utf8.codes, which raises an
--                    error on a string that is not valid UTF-8.
--   nonblank(v)      v is a string and not blank(v).
--   blank_strip(s)   the same whitespace set, by removal: strips ASCII white space, then each
--                    UTF-8 sequence of a Unicode space (gsub, in table order), and is blank when
--                    nothing is left. Removal can join the bytes around a removed sequence, so a
--                    string that is not valid UTF-8 can differ from blank_bytes; no error.
--   blank_bytes(s)   the same whitespace set, read byte by byte: a string that is not valid
--                    UTF-8 is simply not blank (no error).
--
-- References into the template
--   local_ref(ctx, v, rtype)  v is {Ref = id} or {"Fn::GetAtt": [id, ...]} naming a resource of
--                    this template whose type is rtype.
--   kms_key_ref(ctx, v)       the same for an AWS::KMS::Key or AWS::KMS::Alias.
--   check_local_references(v, ctx, t1, t2)  Guard's check_local_references: v is an object
--                    whose Fn::GetAtt is a list with a string first entry, or whose Ref is a
--                    string, naming a resource of this template of type t1 (or t2, if given).
--
-- Rules of the common shape (most of the pack: a resource type, an optional scope, and checks of
-- properties, each "absent? wrong value? fail")
--   rule(spec)       { id = spec.id, types = spec.types, check }: when spec.noun is given, FAIL
--                    "the NOUN has no Properties" on a resource without them; when spec.scope is
--                    given, SKIP with the reason scope(p) returns (nil: in scope); then
--                    spec.judge(ctx, p, r) gives the verdict.
--   props_rule(spec) a rule whose judge checks, in order, each entry of spec.props on p (or on
--                    spec.at(p), the node the keys are read from): {key, ok = f(v, ctx, node),
--                    missing = message | nil, bad = suffix | f(v, node)}. An absent key FAILs with
--                    `missing` at the node (no `missing`: absent passes); a value for which ok is
--                    false FAILs at node[key] with "KEY is SHOW(v)SUFFIX" (bad a string; SHOW is
--                    show) or bad(v, node). Every entry is checked; the verdict is FAIL if any
--                    failed. Optional in an entry: unknown = true (a value Parapet cannot resolve
--                    is UNKNOWN: "KEY depends on a value Parapet cannot resolve"), shape = true
--                    (SHOW is show_shape).
--                    An entry may also give show = f (SHOW for its message), missing = true (the
--                    message "KEY is missing"), unknown = SUFFIX (the UNKNOWN message "KEY" ..
--                    SUFFIX, e.g. AT_DEPLOY); check_props(ctx, node, props, prefix) names each key
--                    PREFIX .. KEY in its messages. rule's spec.when(p) false: PASS (not in scope,
--                    where the control passes rather than skips).
--   struct_at(ctx, node, key, missing)  node[key] when it is an object (is_struct_read), else nil
--                    after a FAIL: missing (if given) when absent, else "KEY is V, not a map"
--                    (tostring; at node itself when absent).
--   map_at(ctx, node, key, missing)  the same step with pp.is_map: "KEY is SHOW(v), not an object"
--                    (show), and "KEY is missing" unless missing is given.
--   list_at(ctx, node, key, missing, label)  node[key] when it is a non-empty list, else nil after
--                    a FAIL ("LABEL is missing" or missing; "LABEL is SHOW, not a non-empty list").
--   section_rule(spec)  struct_at(p, spec.section, spec.missing), then check_props of spec.props
--                    in it, named "SECTION.KEY" and shown with tostring.
--   object_rule(spec)  the same over map_at, the values shown with show.
--   name_or_ref(rtype)  an ok function: nonblank, or local_ref to an rtype of this template.
--   string_in(set)   an ok function: Guard `v IN [...]` over strings, a list walked with ipairs.
--   object_at(ctx, node, keys)  Guard's walk down a path of objects: returns node[k1]...[kn] when
--                    every step is an object (is_view and not a list); otherwise FAILs and
--                    returns nil: "K1.K2 is missing" at the holder of an absent step, "K1.K2 is
--                    SHOW, not an object" at a step that is something else (an unresolved value
--                    is read as such and, like Guard, fails).
--   at(ctx, node, keys, missing, unknown)  the path accessor: node[k1]...[kn] and its holder and
--                    key, or nil after reporting why not. An absent step FAILs at its holder
--                    with missing[i] (default "K1..Ki is missing"); a step Parapet cannot resolve
--                    is UNKNOWN ("<unknown[i] or K1..Ki> depends on a value known only at deploy
--                    time"); a step before the last that is not an object FAILs ("K1..Ki is
--                    SHOW, not an object"); then at() returns nil and what ctx.fail / ctx.unknown
--                    returned.
--   true_at_rule(spec)  a rule (spec.id, spec.types) whose value at(spec.keys) (spec.missing,
--                    spec.unknown) must be the boolean true (is_true_ipairs: a list when every
--                    entry is), else FAIL "K1..Kn is SHOW; it must be the boolean true".
--   value_rule(spec)  a rule (spec.id, spec.types) reading the path spec.keys through objects
--                    (is_view and not a list; no unknown handling, as Guard): an absent step
--                    FAILs at its holder with spec.missing[i] (default "K1..Ki is missing"), or
--                    passes when spec.missing[i] is false; a step before the last that is not an
--                    object FAILs "K1..Ki is SHOW, not an object"; the value must pass spec.ok,
--                    else FAIL "K1..Kn is SHOW<spec.bad>".
--   non_empty_rule(spec)  a rule (spec.id, spec.types) whose p[spec.key] must be a non-empty
--                    list: absent FAILs "KEY is missing", anything else "KEY is V, not a
--                    non-empty list" (V by tostring).
--   kms_key(v, ctx)  an ok function for props: a non-blank string (nonblank) or kms_key_ref.
--   named_or_local(t1, t2) an ok function: v is a non-blank string (blank_bytes) or a
--                    check_local_references to a t1 (or t2) of this template.
local type, tostring, format, find, gsub, ipairs, pairs, mtype =
  type, tostring, string.format, string.find, string.gsub, ipairs, pairs, math.type
local is_view, is_list, is_map = pp.is_view, pp.is_list, pp.is_map

local function show(v)
  if type(v) == "string" then return format("%q", v) end
  return tostring(v)
end

local function show_shape(v)
  if type(v) == "string" then return format("%q", v) end
  if is_list(v) then return "a list" end
  if is_map(v) then return "an object" end
  return tostring(v)
end

local function is_list_read(v)
  if not is_view(v) then return false end
  if #v > 0 then return true end
  for _ in pairs(v) do return false end
  return tostring(v) == "[]"
end

local function is_struct_read(v)
  if not is_view(v) or #v > 0 then return false end
  for _ in pairs(v) do return true end
  return tostring(v) == "{}"
end

local function get(v, k)
  if is_view(v) then return v[k] end
  return nil
end

local function eq_all(v, x)
  if v == x then return true end
  if not is_list(v) then return false end
  for i = 1, #v do if v[i] ~= x then return false end end
  return true
end

local function is_true(v)
  if v == true then return true end
  if not is_list(v) then return false end
  for i = 1, #v do if v[i] ~= true then return false end end
  return true
end

local function is_false(v)
  if v == false then return true end
  if not is_list(v) then return false end
  for i = 1, #v do if v[i] ~= false then return false end end
  return true
end

local function eq_ipairs(v, x)
  if is_list(v) then
    for _, e in ipairs(v) do
      if e ~= x then return false end
    end
    return true
  end
  return v == x
end

local function is_true_ipairs(v)
  if is_list(v) then
    for _, e in ipairs(v) do
      if e ~= true then return false end
    end
    return true
  end
  return v == true
end

local function ne_all(v, x)
  if is_view(v) then
    if not is_list(v) then return false end
    for i = 1, #v do
      local e = v[i]
      if type(e) ~= "string" or e == x then return false end
    end
    return true
  end
  return type(v) == "string" and v ~= x
end

local function in_set(v, set)
  if is_view(v) then
    if not is_list(v) then return false end
    for i = 1, #v do
      if not set[v[i]] then return false end
    end
    return true
  end
  return set[v] == true
end

-- Guard `v in [...]` over strings: a string in the set; a list passes when every element is a
-- string in the set.
local function in_str_set(v, set)
  if type(v) == "string" then return set[v] == true end
  if not is_list(v) then return false end
  for i = 1, #v do
    if not (type(v[i]) == "string" and set[v[i]]) then return false end
  end
  return true
end

local function int_ge(v, n)
  if is_view(v) then
    if not is_list(v) then return false end
    for i = 1, #v do
      local x = v[i]
      if mtype(x) ~= "integer" or x < n then return false end
    end
    return true
  end
  return mtype(v) == "integer" and v >= n
end

local function int_gt(v, n)
  if mtype(v) == "integer" then return v > n end
  if not is_list(v) then return false end
  for i = 1, #v do
    local x = v[i]
    if not (mtype(x) == "integer" and x > n) then return false end
  end
  return true
end

local function int_lt(v, n)
  if mtype(v) == "integer" then return v < n end
  if not is_list(v) then return false end
  for i = 1, #v do
    local x = v[i]
    if not (mtype(x) == "integer" and x < n) then return false end
  end
  return true
end

local function int_ge_ipairs(v, n)
  if is_list(v) then
    for _, e in ipairs(v) do
      if not (mtype(e) == "integer" and e >= n) then return false end
    end
    return true
  end
  return mtype(v) == "integer" and v >= n
end

-- Guard's comparison of a list with a scalar, for any test: every element (ipairs, up to the first
-- null) passes pred, so an empty list passes; any other value is pred(v).
local function all_ipairs(v, pred)
  if is_list(v) then
    for _, e in ipairs(v) do
      if not pred(e) then return false end
    end
    return true
  end
  return pred(v)
end

local function some_star(v)
  if is_list(v) then
    for _, e in ipairs(v) do
      if e == "*" then return true end
    end
    return false
  end
  return v == "*"
end

local function no_star(v)
  if is_list(v) then
    for _, e in ipairs(v) do
      if type(e) ~= "string" or e == "*" then return false end
    end
    return true
  end
  return type(v) == "string" and v ~= "*"
end

local function same(a, b)
  if a == b then return type(a) ~= "number" or mtype(a) == mtype(b) end
  return false
end

local function in1(x, set)
  for i = 1, #set do if same(x, set[i]) then return true end end
  return false
end

local function gin(v, set)
  if v == nil then return false end
  if is_view(v) then
    if not is_list(v) then return false end
    for i = 1, #v do if not in1(v[i], set) then return false end end
    return true
  end
  return in1(v, set)
end

-- Unicode whitespace beyond ASCII, by code point (blank) and by UTF-8 bytes (blank_bytes).
local UWS = { [0x85] = true, [0xA0] = true, [0x1680] = true, [0x2028] = true, [0x2029] = true,
              [0x202F] = true, [0x205F] = true, [0x3000] = true }
local UNICODE_SPACE = {
  ["\194\133"] = true, ["\194\160"] = true, ["\225\154\128"] = true, ["\226\128\168"] = true,
  ["\226\128\169"] = true, ["\226\128\175"] = true, ["\226\129\159"] = true, ["\227\128\128"] = true,
}

local function blank(s)
  if not s:find("[\128-\255]") then return s:find("^%s*$") ~= nil end
  for _, c in utf8.codes(s) do
    if not ((c >= 9 and c <= 13) or c == 32 or UWS[c] or (c >= 0x2000 and c <= 0x200A)) then
      return false
    end
  end
  return true
end

local function nonblank(v)
  return type(v) == "string" and not blank(v)
end

local STRIP_SPACE = { "\194\133", "\194\160", "\225\154\128", "\226\128[\128-\138]",
                      "\226\128[\168\169\175]", "\226\129\159", "\227\128\128" }

local function blank_strip(s)
  if find(s, "^[\t-\r ]*$") then return true end
  if not find(s, "[\128-\255]") then return false end
  s = gsub(s, "[\t-\r ]", "")
  for _, w in ipairs(STRIP_SPACE) do s = gsub(s, w, "") end
  return s == ""
end

local function blank_bytes(s)
  if s:find("^%s*$") then return true end
  if not s:find("[\128-\255]") then return false end
  local i, n = 1, #s
  while i <= n do
    local c = s:byte(i)
    if c == 32 or (c >= 9 and c <= 13) then
      i = i + 1
    elseif UNICODE_SPACE[s:sub(i, i + 1)] then
      i = i + 2
    elseif UNICODE_SPACE[s:sub(i, i + 2)] then
      i = i + 3
    elseif c == 226 and s:byte(i + 1) == 128 and (s:byte(i + 2) or 0) >= 128 and s:byte(i + 2) <= 138 then
      i = i + 3 -- U+2000 .. U+200A
    else
      return false
    end
  end
  return true
end

local function local_ref(ctx, v, rtype)
  if not is_view(v) then return false end
  local ga = v["Fn::GetAtt"]
  if is_view(ga) and type(ga[1]) == "string" then
    local t = ctx.resource(ga[1])
    if t and t.type == rtype then return true end
  end
  local ref = v.Ref
  if type(ref) == "string" then
    local t = ctx.resource(ref)
    if t and t.type == rtype then return true end
  end
  return false
end

local function check_local_references(v, ctx, t1, t2)
  if not is_map(v) then return false end
  local ga = v["Fn::GetAtt"]
  if is_list(ga) and type(ga[1]) == "string" then
    local t = ctx.resource(ga[1])
    if t and (t.type == t1 or t.type == t2) then return true end
  end
  local ref = v.Ref
  if type(ref) == "string" then
    local t = ctx.resource(ref)
    if t and (t.type == t1 or t.type == t2) then return true end
  end
  return false
end

local function is_kms_key(res)
  return res ~= nil and (res.type == "AWS::KMS::Key" or res.type == "AWS::KMS::Alias")
end

local function kms_key_ref(ctx, v)
  if not is_view(v) then return false end
  local ga = v["Fn::GetAtt"]
  if ga ~= nil and is_view(ga) and type(ga[1]) == "string" and is_kms_key(ctx.resource(ga[1])) then
    return true
  end
  local id = v.Ref
  return type(id) == "string" and is_kms_key(ctx.resource(id))
end

local function rule(spec)
  local scope, when, judge = spec.scope, spec.when, spec.judge
  local nothing = spec.noun and ("the " .. spec.noun .. " has no Properties")
  return {
    id = spec.id,
    types = spec.types,
    check = function(r, ctx)
      local p = r.properties
      if nothing and p == nil then return ctx.fail(nothing) end
      if scope then
        local why = scope(p)
        if why then return ctx.skip(why) end
      end
      if when and not when(p) then return end
      return judge(ctx, p, r)
    end,
  }
end

local UNRESOLVED = " depends on a value Parapet cannot resolve"
local AT_DEPLOY = " depends on a value known only at deploy time"

local function check_props(ctx, node, props, prefix)
  local ok = true
  for i = 1, #props do
    local e = props[i]
    local key = e.key
    local label = prefix and (prefix .. key) or key
    local v = node[key]
    if v == nil then
      local missing = e.missing
      if missing == true then missing = label .. " is missing" end
      if missing then ok = ctx.fail(missing, node) end
    elseif e.unknown and pp.is_unknown(v) then
      ok = ctx.unknown(label .. (e.unknown == true and UNRESOLVED or e.unknown), node, key)
    elseif not e.ok(v, ctx, node) then
      local bad = e.bad
      if type(bad) == "string" then
        ok = ctx.fail(label .. " is " .. (e.show or e.shape and show_shape or show)(v) .. bad, node, key)
      else
        ok = ctx.fail(bad(v, node), node, key)
      end
    end
  end
  return ok
end

local function props_rule(spec)
  local props, at = spec.props, spec.at
  spec.judge = function(ctx, p)
    return check_props(ctx, at and at(p) or p, props)
  end
  return rule(spec)
end

-- node[key] when it is an object (is_struct_read: a non-empty one has its first value read), else
-- nil after a FAIL: `missing` at node when the key is absent and a message is given, otherwise
-- "KEY is V, not a map" (V by tostring, so an absent key reads "KEY is nil, not a map", at node
-- itself).
local function struct_at(ctx, node, key, missing)
  local c = node[key]
  if c == nil and missing then return nil, ctx.fail(missing, node) end
  if not is_struct_read(c) then
    return nil, ctx.fail(key .. " is " .. tostring(c) .. ", not a map", node, c ~= nil and key or nil)
  end
  return c
end

-- node[key] when it is an object (pp.is_map), else nil after a FAIL: `missing` (default "KEY is
-- missing") at node when the key is absent, "KEY is SHOW(v), not an object" at node[key] otherwise;
-- with `unknown` (a suffix such as UNRESOLVED), a value Parapet cannot resolve is UNKNOWN "KEY" ..
-- unknown; `describe` writes V instead of show (show_shape, for one).
local function map_at(ctx, node, key, missing, unknown, describe)
  local c = node[key]
  if c == nil then return nil, ctx.fail(missing or (key .. " is missing"), node) end
  if unknown and pp.is_unknown(c) then return nil, ctx.unknown(key .. unknown, node, key) end
  if not is_map(c) then
    return nil, ctx.fail(key .. " is " .. (describe or show)(c) .. ", not an object", node, key)
  end
  return c
end

-- node[key] when it is a non-empty list, else nil after a FAIL: `missing` (default "LABEL is
-- missing") at node when absent, "LABEL is SHOW(v), not a non-empty list" at node[key] otherwise
-- (LABEL: label, or key).
local function list_at(ctx, node, key, missing, label)
  label = label or key
  local v = node[key]
  if v == nil then return nil, ctx.fail(missing or (label .. " is missing"), node) end
  if not is_list(v) or #v == 0 then
    return nil, ctx.fail(label .. " is " .. show(v) .. ", not a non-empty list", node, key)
  end
  return v
end

-- The shape of many logging and encryption controls: struct_at(p, spec.section, spec.missing),
-- then spec.props are checked in the section with check_props, each named "SECTION.KEY" in its
-- messages (tostring, not show, unless an entry gives its own show).
local function step_rule(spec, step, describe)
  local section, missing, props = spec.section, spec.missing, spec.props
  local prefix = section .. "."
  for i = 1, #props do props[i].show = props[i].show or describe end
  spec.judge = function(ctx, p)
    local c, verdict = step(ctx, p, section, missing)
    if c == nil then return verdict end
    return check_props(ctx, c, props, prefix)
  end
  return rule(spec)
end

local function section_rule(spec) return step_rule(spec, struct_at, tostring) end

-- The same over map_at: "SECTION is missing" (or spec.missing), "SECTION is V, not an object",
-- and the properties' values written with show.
local function object_rule(spec) return step_rule(spec, map_at, show) end

local function object_at(ctx, node, keys)
  local cur = node
  for i = 1, #keys do
    local k = keys[i]
    local v = cur[k]
    if v == nil then
      ctx.fail(table.concat(keys, ".", 1, i) .. " is missing", cur)
      return nil
    end
    if not is_view(v) or is_list(v) then
      ctx.fail(table.concat(keys, ".", 1, i) .. " is " .. show(v) .. ", not an object", cur, k)
      return nil
    end
    cur = v
  end
  return cur
end

local is_unknown, concat = pp.is_unknown, table.concat
local function at(ctx, node, keys, missing, unknown)
  local cur, n = node, #keys
  for i = 1, n do
    local k = keys[i]
    local v = cur[k]
    if v == nil then
      return nil, ctx.fail(missing and missing[i] or (concat(keys, ".", 1, i) .. " is missing"), cur)
    end
    if is_unknown(v) then
      return nil, ctx.unknown((unknown and unknown[i] or concat(keys, ".", 1, i))
                              .. " depends on a value known only at deploy time", cur, k)
    end
    if i == n then return v, cur, k end
    if not is_map(v) then
      return nil, ctx.fail(concat(keys, ".", 1, i) .. " is " .. show(v) .. ", not an object", cur, k)
    end
    cur = v
  end
end

local function true_at_rule(spec)
  local keys, missing, unknown = spec.keys, spec.missing, spec.unknown
  local label = concat(keys, ".")
  spec.judge = function(ctx, p)
    local v, holder, key = at(ctx, p, keys, missing, unknown)
    if v == nil then return holder end
    if not is_true_ipairs(v) then
      return ctx.fail(label .. " is " .. show(v) .. "; it must be the boolean true", holder, key)
    end
  end
  return rule(spec)
end

local function value_rule(spec)
  local keys, missing, ok, bad = spec.keys, spec.missing or {}, spec.ok, spec.bad
  local n = #keys
  spec.judge = function(ctx, p)
    local cur = p
    for i = 1, n do
      local k = keys[i]
      local v = cur[k]
      if v == nil then
        if missing[i] == false then return end
        return ctx.fail(missing[i] or (concat(keys, ".", 1, i) .. " is missing"), cur)
      end
      if i == n then
        if not ok(v) then return ctx.fail(concat(keys, ".") .. " is " .. show(v) .. bad, cur, k) end
        return
      end
      if not is_view(v) or is_list(v) then
        return ctx.fail(concat(keys, ".", 1, i) .. " is " .. show(v) .. ", not an object", cur, k)
      end
      cur = v
    end
  end
  return rule(spec)
end

local function non_empty_rule(spec)
  local key = spec.key
  spec.judge = function(ctx, p)
    local v = p[key]
    if v == nil then
      return ctx.fail(key .. " is missing", p)
    end
    if not is_view(v) or #v == 0 then
      return ctx.fail(key .. " is " .. tostring(v) .. ", not a non-empty list", p, key)
    end
  end
  return rule(spec)
end

local function kms_key(v, ctx)
  return nonblank(v) or kms_key_ref(ctx, v)
end

-- An ok function: v is a non-blank string (nonblank) or a local_ref to an rtype of this template.
local function name_or_ref(rtype)
  return function(v, ctx)
    return nonblank(v) or local_ref(ctx, v, rtype)
  end
end

-- Guard `v IN [...]` over strings, the list walked with ipairs (elements after a null are not
-- looked at): an ok function for the set table {value = true}.
local function string_in(set)
  return function(v)
    if is_list(v) then
      for _, e in ipairs(v) do
        if type(e) ~= "string" or not set[e] then return false end
      end
      return true
    end
    return type(v) == "string" and set[v] == true
  end
end

local function named_or_local(t1, t2)
  return function(v, ctx)
    return (type(v) == "string" and not blank_bytes(v)) or check_local_references(v, ctx, t1, t2)
  end
end

return {
  rule = rule, props_rule = props_rule, check_props = check_props, section_rule = section_rule, object_rule = object_rule, struct_at = struct_at, map_at = map_at, list_at = list_at,
  name_or_ref = name_or_ref, string_in = string_in, UNRESOLVED = UNRESOLVED, AT_DEPLOY = AT_DEPLOY,
  named_or_local = named_or_local, kms_key = kms_key, object_at = object_at, non_empty_rule = non_empty_rule,
  at = at, true_at_rule = true_at_rule, value_rule = value_rule,
  is_list = is_list, is_struct = is_map, is_list_read = is_list_read,
  is_struct_read = is_struct_read, get = get, show = show, show_shape = show_shape,
  eq_all = eq_all, is_true = is_true, is_false = is_false,
  eq_ipairs = eq_ipairs, is_true_ipairs = is_true_ipairs,
  ne_all = ne_all, in_set = in_set, in_str_set = in_str_set, int_ge = int_ge, int_gt = int_gt, int_lt = int_lt,
  int_ge_ipairs = int_ge_ipairs, all_ipairs = all_ipairs, some_star = some_star, no_star = no_star,
  same = same, in1 = in1, gin = gin,
  blank = blank, nonblank = nonblank, blank_bytes = blank_bytes, blank_strip = blank_strip,
  local_ref = local_ref, check_local_references = check_local_references, is_kms_key = is_kms_key, kms_key_ref = kms_key_ref,
}
