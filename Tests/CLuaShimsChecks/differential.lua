-- Differential check: the bounded functions against Lua's originals
-- (checks.original, saved by pattern_check before the replacement), on
-- random patterns and subjects and on edge cases of the table functions.
-- Results and error messages must be identical.
--
-- Usage: pattern_check differential.lua [cases-per-kind [seed]]

local cases = tonumber(arg[1]) or 3000
local seed = tonumber(arg[2]) or 20240501
math.randomseed(seed)

local original = checks.original
local bounded = {
  find = string.find, match = string.match, gmatch = string.gmatch,
  gsub = string.gsub, rep = string.rep,
  move = table.move, concat = table.concat, sort = table.sort,
  insert = table.insert, remove = table.remove, unpack = table.unpack,
}
for name, f in pairs(bounded) do
  assert(f ~= original[name], name .. " was not replaced")
end
assert(getmetatable("").__index.find == bounded.find)
assert(("abc"):find("b") == 2)

local random = math.random

local function pick(list) return list[random(#list)] end

-- A readable, type-exact rendering of a list of results.
local function render(packed)
  local out = {}
  for i = 1, packed.n do
    local v = packed[i]
    local t = math.type(v) or type(v)
    if t == "string" then v = string.format("%q", v)
    elseif t == "table" then v = "table"
    else v = tostring(v) end
    out[#out + 1] = t .. ":" .. v
  end
  return table.concat(out, ", ")
end

-- Calls fn through the local 'fn' so that argument errors name the
-- function the same way for the original and the replacement.
local function call(fn, ...)
  return table.pack(pcall(function (...)
    local results = table.pack(fn(...))
    return table.unpack(results, 1, results.n)
  end, ...))
end

local compared, failures = 0, 0
local counts = {}

local function same(kind, description, a, b)
  compared = compared + 1
  counts[kind] = (counts[kind] or 0) + 1
  local ra, rb = render(a), render(b)
  if ra ~= rb then
    failures = failures + 1
    if failures <= 20 then
      print("MISMATCH " .. kind .. " " .. description)
      print("  original: " .. ra)
      print("  bounded:  " .. rb)
    end
  end
end

-- ---------------------------------------------------------------------
-- Random patterns and subjects

local subjectChars = {"a", "a", "b", "b", "c", "1", "2", " ", ".", "(", ")",
                      "[", "]", "%", "-", "A", "B", "\0", "\n", "x", "y", "^", "$"}

local function randomSubject(maxLen)
  local out = {}
  for i = 1, random(0, maxLen) do out[i] = pick(subjectChars) end
  return table.concat(out)
end

local singles = {"a", "b", "c", "1", "x", "A", " ", ".", ".", "%a", "%d", "%s",
                 "%w", "%l", "%u", "%p", "%x", "%c", "%g", "%z", "%A", "%D",
                 "%S", "%W", "%L", "%U", "%P", "%X", "%C", "%G", "%.", "%%",
                 "%-", "%(", "%)", "%[", "%]", "%^", "%$", "\0", "%\0", "$",
                 "[abc]", "[^ab]", "[a-c]", "[%d%a]", "[]ab]", "[^]a]", "[a-]",
                 "[-a]", "[%]]", "[.%-]", "[%a-]", "[a%-c]", "[1-2x]", "[^%s]",
                 "[%%]", "[z-a]", "[\0-a]", "[^\0]", "[b-b]", "[%w_]"}

local function randomSet()
  local out = {"["}
  if random(3) == 1 then out[#out + 1] = "^" end
  for _ = 1, random(1, 4) do
    local r = random(4)
    if r == 1 then out[#out + 1] = pick({"a", "b", "1", ".", "(", "-", "]"})
    elseif r == 2 then out[#out + 1] = pick({"a", "0", "A"}) .. "-" .. pick({"c", "9", "Z", "b"})
    elseif r == 3 then out[#out + 1] = pick({"%a", "%d", "%s", "%W", "%]", "%-", "%%", "%^"})
    else out[#out + 1] = pick({"x", "y", "^", "$"}) end
  end
  out[#out + 1] = "]"
  return table.concat(out)
end

local quantifiers = {"", "", "", "*", "+", "-", "?"}

-- A random pattern; at most three unbounded quantifiers so that the
-- original (which has no budget) finishes quickly.
local function randomPattern()
  local out = {}
  local open, unbounded = 0, 0
  if random(4) == 1 then out[#out + 1] = "^" end
  for _ = 1, random(0, 7) do
    local r = random(20)
    if r <= 9 then
      local item = random(4) == 1 and randomSet() or pick(singles)
      local q = pick(quantifiers)
      if q == "*" or q == "+" or q == "-" then
        if unbounded >= 3 then q = "?" else unbounded = unbounded + 1 end
      end
      out[#out + 1] = item .. q
    elseif r <= 11 then
      out[#out + 1] = "("; open = open + 1
    elseif r <= 13 and open > 0 then
      out[#out + 1] = ")"; open = open - 1
    elseif r == 14 then
      out[#out + 1] = "()"
    elseif r == 15 then
      out[#out + 1] = pick({"%b()", "%bab", "%b[]", "%bxy", "%baa"})
    elseif r == 16 then
      out[#out + 1] = pick({"%f[%w]", "%f[%a]", "%f[^a]", "%f[%z]", "%f[%s]", "%f[abc]", "%f[^%z]"})
    elseif r == 17 then
      out[#out + 1] = pick({"%1", "%2", "%3", "%0"})
    elseif r == 18 then
      out[#out + 1] = pick({"%", "[", "[a", "(", ")", "%b", "%ba", "%f", "%fa", "[^", "[%", "%q"})
    else
      out[#out + 1] = pick({"$", "^", "-", "*", "+", "?"})
    end
  end
  while open > 0 and random(3) > 1 do out[#out + 1] = ")"; open = open - 1 end
  if random(5) == 1 then out[#out + 1] = "$" end
  return table.concat(out)
end

local function randomInit(len)
  local r = random(6)
  if r == 1 then return nil end
  if r == 2 then return pick({0, 1, len, len + 1, len + 2, -len, -len - 1, -1,
                             math.maxinteger, math.mininteger}) end
  return random(-len - 3, len + 3)
end

local function collectGmatch(gmatch, s, p, init)
  local out = {n = 0}
  local ok, err = pcall(function ()
    local iter = gmatch(s, p, init)
    for _ = 1, 60 do
      local r = table.pack(iter())
      out[#out + 1] = "|"
      out.n = #out
      if r.n == 0 or r[1] == nil then break end
      for i = 1, r.n do out[#out + 1] = r[i] end
      out.n = #out
    end
  end)
  if not ok then out = {n = 1, "error: " .. tostring(err)} end
  return out
end

local replTables = {
  {a = "<A>", b = false, ["1"] = 7, x = "X"},
  setmetatable({}, {__index = function (_, k) return #k % 2 == 0 and "E" or nil end}),
  {a = {}, b = "B"},
}

local function replFunctions()
  return {
    function (...) return nil end,
    function (...) return false end,
    function (a) return a and ("<" .. tostring(a) .. ">") end,
    function (...) return select("#", ...) end,
    function (a, b) if b then return b else return false end end,
    function (a) if a == "b" then return {} end return 1.5 end,
  }
end

local replStrings = {"", "x", "%0", "%1", "%2", "[%1|%2]", "%%", "%%%0%%", "%x",
                     "%", "a%3b", "%9", "%0%0", "no escapes", "%1%1%1", 42, 1.5}

local function checkPatterns()
  local functions = replFunctions()
  for i = 1, cases do
    local s = randomSubject(random(4) == 1 and 24 or 12)
    local p = randomPattern()
    local init = randomInit(#s)
    local desc = string.format("s=%q p=%q init=%s", s, p, tostring(init))
    local plain = random(5) == 1 or nil
    same("find", desc .. " plain=" .. tostring(plain),
         call(original.find, s, p, init, plain), call(bounded.find, s, p, init, plain))
    same("match", desc, call(original.match, s, p, init), call(bounded.match, s, p, init))
    same("gmatch", desc, collectGmatch(original.gmatch, s, p, init),
         collectGmatch(bounded.gmatch, s, p, init))
    local r = random(3)
    local repl, rdesc
    if r == 1 then
      local k = random(#replStrings); repl = replStrings[k]; rdesc = "string " .. k
    elseif r == 2 then
      local k = random(#replTables); repl = replTables[k]; rdesc = "table " .. k
    else
      local k = random(#functions); repl = functions[k]; rdesc = "function " .. k
    end
    local maxN = random(4) == 1 and random(-1, 4) or nil
    same("gsub", desc .. " repl=" .. rdesc .. " n=" .. tostring(maxN),
         call(original.gsub, s, p, repl, maxN), call(bounded.gsub, s, p, repl, maxN))
  end
end

-- Fixed cases: argument errors, numbers as strings, odd arguments.
local function checkFixedStringCases()
  local fixed = {
    {"find", {}}, {"find", {"abc"}}, {"find", {"abc", {}}}, {"find", {123, 2}},
    {"find", {"abc", "b", "x"}}, {"find", {"abc", "b", 1.5}}, {"find", {"a.c", ".", 1, true}},
    {"find", {"abc", "", 10}}, {"find", {"abc", "", 4}}, {"find", {"", ""}},
    {"find", {"a\0b", "\0"}}, {"find", {"a\0b", "%z"}}, {"find", {"a+b", "+", 1, true}},
    {"find", {"aaa", "a-", 2}}, {"find", {"abc", "^b", 2}},
    {"match", {"  x", "^%s*()"}}, {"match", {"abc", "((a)(b)(c))"}},
    {"match", {"abc", "(" .. string.rep("(a?)", 31) .. ")"}},
    {"match", {"abc", string.rep("()", 32)}}, {"match", {"abc", string.rep("()", 33)}},
    {"match", {string.rep("a", 300), string.rep("a?", 210)}},
    {"match", {string.rep("a", 300), string.rep("(a)", 190)}},
    {"match", {"x", "(()"}}, {"match", {"x", "%1"}}, {"match", {"x", "(x)%1"}},
    {"match", {"xx", "(x)%1"}}, {"match", {"xx", "()x%1"}},
    {"gsub", {"abc", "b"}}, {"gsub", {"abc", "b", true}}, {"gsub", {"abc", "b", "x", "y"}},
    {"gsub", {"abc", "b", "x", 1.5}}, {"gsub", {123, 2, 9}}, {"gsub", {"abc", "", "-"}},
    {"gsub", {"abc", "^", "-"}}, {"gsub", {"abc", "$", "-"}}, {"gsub", {"abc", "^$", "-"}},
    {"gsub", {"abc", ".", "%1", 0}}, {"gsub", {"abc", ".", "%1", -5}},
    {"gsub", {"abc", "()", "%1"}}, {"gsub", {"abc", "(b)()", "%2%1"}},
    {"gsub", {"hello world", "%w+", "%0 %0", 1}},
    {"gsub", {"abc", "%w", {a = 1, b = true}}}, {"gsub", {"abc", "%w", {b = 2.0}}},
    {"rep", {}}, {"rep", {"x"}}, {"rep", {"x", 1.5}}, {"rep", {"x", 3, {}}},
    {"rep", {"ab", 3}}, {"rep", {"ab", 3, ","}}, {"rep", {"", 5, ","}}, {"rep", {"ab", 0, ","}},
    {"rep", {"ab", -1}}, {"rep", {"", 1e6}}, {"rep", {"", 1e6, ""}},  -- (the original loops n times)
    {"rep", {"aa", 1 << 30}}, {"rep", {"a", 1 << 30, ","}}, {"rep", {"x", math.maxinteger}},
    {"rep", {12, 2, 3}},
  }
  for k, c in ipairs(fixed) do
    local name, args = c[1], c[2]
    local n = 0
    for i in pairs(args) do n = math.max(n, i) end
    if name == "gmatch" then
      same(name, "fixed " .. k, collectGmatch(original.gmatch, table.unpack(args, 1, n)),
           collectGmatch(bounded.gmatch, table.unpack(args, 1, n)))
    else
      same(name, "fixed " .. k, call(original[name], table.unpack(args, 1, n)),
           call(bounded[name], table.unpack(args, 1, n)))
    end
  end
  -- gmatch argument errors and a few specific iterations
  same("gmatch", "no args", call(original.gmatch), call(bounded.gmatch))
  same("gmatch", "bad init", call(original.gmatch, "a", "a", {}), call(bounded.gmatch, "a", "a", {}))
  same("gmatch", "anchor", collectGmatch(original.gmatch, "^a^a", "^a"),
       collectGmatch(bounded.gmatch, "^a^a", "^a"))
  same("gmatch", "empty", collectGmatch(original.gmatch, "abc", ""),
       collectGmatch(bounded.gmatch, "abc", ""))
  same("gmatch", "numbers", collectGmatch(original.gmatch, 12345, 3),
       collectGmatch(bounded.gmatch, 12345, 3))
end

-- ---------------------------------------------------------------------
-- Table functions

local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

local function renderTable(t, lo, hi)
  local out = {n = 0}
  for i = lo, hi do out[#out + 1] = tostring(t[i]) end
  out.n = #out
  return out
end

-- Runs fn(list, ...) on a copy of list and returns the results plus the
-- copy's contents in lo..hi.
local function onCopy(fn, list, lo, hi, ...)
  local t = copy(list)
  local r = call(fn, t, ...)
  r[r.n + 1] = table.concat(renderTable(t, lo, hi), " ")
  r.n = r.n + 1
  return r
end

local function randomList(maxLen, withHoles)
  local t = {}
  for i = 1, random(0, maxLen) do
    if withHoles and random(6) == 1 then t[i] = nil else t[i] = random(1, 9) end
  end
  return t
end

local function checkTables()
  local big, small = math.maxinteger, math.mininteger
  for k = 1, cases do
    local t = randomList(12, k % 3 == 0)
    local f, e, to = random(-2, 14), random(-2, 14), random(-2, 14)
    same("move", string.format("%d %d %d", f, e, to),
         onCopy(original.move, t, -3, 30, f, e, to), onCopy(bounded.move, t, -3, 30, f, e, to))
    local sep = pick({nil, "", ",", "--"})
    local i, j = randomInit(#t), randomInit(#t)
    if i and i > 20 then i = 20 end
    if j and j > 20 then j = 20 end
    same("concat", string.format("%s %s %s", tostring(sep), tostring(i), tostring(j)),
         call(original.concat, t, sep, i, j), call(bounded.concat, t, sep, i, j))
    local pos = random(-1, #t + 2)
    same("insert", tostring(pos), onCopy(original.insert, t, -1, 16, pos, "v"),
         onCopy(bounded.insert, t, -1, 16, pos, "v"))
    same("insert2", "", onCopy(original.insert, t, -1, 16, "v"),
         onCopy(bounded.insert, t, -1, 16, "v"))
    local rpos = random(4) == 1 and nil or random(-1, #t + 2)
    same("remove", tostring(rpos), onCopy(original.remove, t, -1, 16, rpos),
         onCopy(bounded.remove, t, -1, 16, rpos))
    same("unpack", string.format("%s %s", tostring(i), tostring(j)),
         call(original.unpack, t, i, j), call(bounded.unpack, t, i, j))
  end
  -- edge cases of the ranges
  local edges = {
    {"move", {{}, 1, big, 2}}, {"move", {{}, 0, big, 1}}, {"move", {{}, small, -1, 1}},
    {"move", {{}, 1, 2, big}}, {"move", {{}, small, -2, 2}}, {"move", {{}, 5, 1, 1}},
    {"move", {1, 2, 3, 4}}, {"move", {{1, 2}, 1, 2, 3, 7}}, {"move", {{1, 2}, 1.5, 2, 3}},
    {"concat", {3}}, {"concat", {{}, " ", big, big}}, {"concat", {{}, " ", small, small}},
    {"concat", {{1, {}, 3}}}, {"concat", {{1, 2, 3}, {}}}, {"concat", {{"a", "b"}, "", 2, 1}},
    {"unpack", {{}, 0, big}}, {"unpack", {{}, 1, big}}, {"unpack", {{}, small, big}},
    {"unpack", {{}, big, small}}, {"unpack", {{1, 2, 3}, -1, 1}},
    {"insert", {{}, 2, 3, 4}}, {"insert", {{}}}, {"insert", {{}, 3, "x"}}, {"insert", {{}, 0, "x"}},
    {"insert", {{1}, 1.5, "x"}}, {"insert", {1, "x"}},
    {"remove", {{}, 5}}, {"remove", {{1, 2}, 4}}, {"remove", {{1, 2}, 3}}, {"remove", {{}}},
    {"remove", {{}, 0}}, {"remove", {{}, -1}}, {"remove", {"x"}},
    {"sort", {{3, 1, "x"}}}, {"sort", {{3, 2, 1}, 7}}, {"sort", {7}},
    {"sort", {setmetatable({}, {__len = function () return big end})}},
    {"sort", {setmetatable({}, {__len = function () return -1 end}), error}},
    {"sort", {setmetatable({}, {__len = function () return 2.5 end})}},
  }
  for k, c in ipairs(edges) do
    local name, args = c[1], c[2]
    local n = 0
    for x in pairs(args) do n = math.max(n, x) end
    same(name, "edge " .. k, call(original[name], table.unpack(args, 1, n)),
         call(bounded[name], table.unpack(args, 1, n)))
  end
end

-- Same algorithm, so with fewer than 128 elements (no random pivots) even
-- ties and inconsistent comparators give the same order and errors.
local function checkSort()
  for k = 1, cases do
    local t = randomList(k % 10 == 0 and 120 or 25)
    local kind = random(5)
    local desc = "kind " .. kind .. " n " .. #t
    if kind == 1 then
      same("sort", desc, onCopy(original.sort, t, 1, #t), onCopy(bounded.sort, t, 1, #t))
    else
      -- comparators replayed from the same seed for both runs
      local function make()
        local state = k
        local function coin()
          state = (state * 1103515245 + 12345) % 2147483648
          return state % 3 == 0
        end
        local options = {
          function (a, b) return a > b end,
          function (a, b) return (a % 3) < (b % 3) end,  -- ties
          function (a, b) return a <= b end,             -- invalid
          function (a, b) return coin() end,             -- inconsistent
        }
        return options[kind - 1]
      end
      local tagged = {}
      for i, v in ipairs(t) do tagged[i] = v * 1000 + i end  -- visible ties
      local function cmpOf(inner) return function (a, b) return inner(a // 1000, b // 1000) end end
      same("sort", desc, onCopy(original.sort, tagged, 1, #tagged, cmpOf(make())),
           onCopy(bounded.sort, tagged, 1, #tagged, cmpOf(make())))
    end
  end
  -- a large sort: same result (distinct keys, so randomized pivots do not matter)
  local t = {}
  for i = 1, 20000 do t[i] = random() end
  same("sort", "20000", onCopy(original.sort, t, 1, #t), onCopy(bounded.sort, t, 1, #t))
end

local function checkRep()
  for _ = 1, cases // 10 do
    local s = randomSubject(5)
    local n = random(-2, 30)
    local sep = pick({nil, "", ",", "ab"})
    same("rep", string.format("%q %d %s", s, n, tostring(sep)),
         call(original.rep, s, n, sep), call(bounded.rep, s, n, sep))
  end
end

local started = os.clock()
checkPatterns()
checkFixedStringCases()
checkTables()
checkSort()
checkRep()

local names = {}
for name in pairs(counts) do names[#names + 1] = name end
table.sort(names)
local parts = {}
for _, name in ipairs(names) do parts[#parts + 1] = name .. "=" .. counts[name] end
print(string.format("differential: %d comparisons (%s), %d mismatches, %.2f s",
                    compared, table.concat(parts, " "), failures, os.clock() - started))
assert(failures == 0, "the bounded functions differ from the originals")
print("OK")
