-- Pathological calls must stop quickly with the stub's budget error, and
-- the bounded functions must stay correct around budget errors, garbage
-- collections and coroutines.
--
-- Usage: pattern_check budget.lua [limit]   (default 50,000,000 steps)

local limit = math.tointeger(tonumber(arg[1])) or 50000000
local failures = 0

local function report(ok, text)
  if not ok then failures = failures + 1 end
  print((ok and "ok    " or "FAIL  ") .. text)
end

-- Runs fn under the limit; it must fail with the budget error within
-- 'seconds' of CPU time.
local function mustStop(name, fn, seconds)
  checks.setlimit(limit)
  local started = os.clock()
  local ok, err = pcall(fn)
  local elapsed = os.clock() - started
  local charged = checks.charged()
  checks.setlimit(nil)
  local stopped = not ok and tostring(err):find("step budget exceeded", 1, true) ~= nil
  if ok then err = tostring(err):sub(1, 60) end
  report(stopped and elapsed < (seconds or 2),
         string.format("%-58s %6.3f s, %d steps charged%s", name, elapsed, charged,
                       stopped and "" or ("  -- " .. tostring(ok) .. " " .. tostring(err))))
end

-- Runs fn under the limit; it must succeed and return 'expected'.
local function mustFinish(name, fn, expected)
  checks.setlimit(limit)
  local started = os.clock()
  local ok, result = pcall(fn)
  local elapsed = os.clock() - started
  local charged = checks.charged()
  checks.setlimit(nil)
  report(ok and result == expected,
         string.format("%-58s %6.3f s, %d steps charged%s", name, elapsed, charged,
                       (ok and result == expected) and "" or ("  -- got " .. tostring(result):sub(1, 60))))
end

print(string.format("limit %d steps", limit))

-- the cases from the brief
mustStop('string.find(string.rep("a", 3000), ".-.-.-b")', function ()
  return string.find(string.rep("a", 3000), ".-.-.-b")
end)
mustStop('string.find(string.rep("a", 30000), string.rep("a-", 20) .. "b")', function ()
  return string.find(string.rep("a", 30000), string.rep("a-", 20) .. "b")
end)
mustStop("table.move({}, 1, 1e15, 1, {})", function ()
  return table.move({}, 1, 1e15, 1, {})
end, 0.01)
mustStop('table.concat(<__index gives "x">, "", 1, 1e12)', function ()
  return table.concat(setmetatable({}, {__index = function () return "x" end}), "", 1, 1e12)
end, 0.01)

-- the same backtracking through the other entry points
mustStop('string.match(string.rep("a", 3000), ".-.-.-b")', function ()
  return string.match(string.rep("a", 3000), ".-.-.-b")
end)
mustStop('string.gmatch(string.rep("a", 3000), ".-.-.-b")', function ()
  for _ in string.gmatch(string.rep("a", 3000), ".-.-.-b") do end
end)
mustStop('string.gsub(string.rep("a", 3000), ".-.-.-b", "")', function ()
  return string.gsub(string.rep("a", 3000), ".-.-.-b", "")
end)
mustStop('("a"):rep(3000):find(".*.*.*b") (method call)', function ()
  return ("a"):rep(3000):find(".*.*.*b")
end)

-- other ways to make the matcher or its helpers work long
mustStop("plain find, 1e5-byte needle in 2e6 a's", function ()
  return string.find(string.rep("a", 2000000), string.rep("a", 100000) .. "b", 1, true)
end)
mustStop('%b() over 2e5 unbalanced "("', function ()
  return string.find(string.rep("(", 200000), "%b()")
end)
mustStop("back-reference (a*)%1b over 1e5 a's", function ()
  return string.find(string.rep("a", 100000), "(a*)%1b")
end)
mustStop("a 1e4-character set, starred, over 1e5 a's", function ()
  return string.find(string.rep("a", 100000), "[" .. string.rep("b", 10000) .. "a]*c")
end)
mustStop("gsub, 1e4 escapes in the replacement, 1e4 matches", function ()
  return string.gsub(string.rep("a", 10000), "()", string.rep("%%", 10000))
end)

-- table and string functions that loop in C
mustStop("string.rep('x', 1e9)", function () return string.rep("x", 1e9) end, 0.01)
mustStop("string.rep('ab', 1e8, ',')", function () return string.rep("ab", 1e8, ",") end, 0.01)
mustStop("table.insert(<__len 1e15>, 1, 'x')", function ()
  table.insert(setmetatable({}, {__len = function () return 1e15 end}), 1, "x")
end, 0.01)
mustStop("table.insert(<__len -2>, math.mininteger, 'x')", function ()
  table.insert(setmetatable({}, {__len = function () return -2 end}), math.mininteger, "x")
end, 0.01)
mustStop("table.remove(<__len 1e15>, 1)", function ()
  table.remove(setmetatable({}, {__len = function () return 1e15 end}), 1)
end, 0.01)
mustStop("table.sort(<__len 2^31 - 2>)", function ()
  table.sort(setmetatable({}, {__len = function () return (1 << 31) - 2 end}))
end, 0.01)
mustStop("table.concat(<__len 1e12, __index 'x'>)", function ()
  return table.concat(setmetatable({}, {__len = function () return 1e12 end,
                                        __index = function () return "x" end}))
end, 0.01)

-- a large table.unpack is within the limit; a loop of them is not
mustFinish("table.unpack of 1e5 elements", function ()
  local t = {}
  for i = 1, 100000 do t[i] = i end
  return select("#", table.unpack(t))
end, 100000)
mustStop("1e4 x table.unpack of 1e5 elements", function ()
  local t = {}
  for i = 1, 100000 do t[i] = i end
  for _ = 1, 10000 do table.unpack(t) end
end)

-- cheap things stay cheap (and correct)
mustFinish('string.rep("", math.maxinteger)', function ()
  return string.rep("", math.maxinteger)
end, "")
mustFinish('string.find(string.rep("a", 3000), ".-b") (quadratic, fits)', function ()
  return string.find(string.rep("a", 3000), ".-b")
end, nil)
mustFinish("sorting 1e5 numbers", function ()
  local t = {}
  for i = 1, 100000 do t[i] = (i * 7919) % 100003 end
  table.sort(t)
  for i = 2, #t do assert(t[i - 1] <= t[i]) end
  return #t
end, 100000)
mustFinish('gsub("hello world", "o", "0")', function ()
  return (string.gsub("hello world", "o", "0"))
end, "hell0 w0rld")

-- charging is proportional: a small call charges little
checks.setlimit(nil)
string.find("hello world", "o w")
local small = checks.charged()
report(small > 0 and small < 100, "string.find('hello world', 'o w') charged " .. small .. " steps")

-- gmatch keeps its state across a budget error, a collection and a coroutine
do
  local iter = string.gmatch(string.rep("ab", 1000) .. "c", "(a)(b)")
  local first = table.pack(iter())
  checks.setlimit(1)
  local ok = pcall(iter)   -- charges more than 1 step: the budget error
  checks.setlimit(nil)
  collectgarbage("collect")
  local second = table.pack(iter())
  local third = coroutine.wrap(function () return table.pack(iter()) end)()
  local rest = 0
  for _ in iter do rest = rest + 1 end
  report(not ok and first[1] == "a" and second[2] == "b" and third.n == 2 and rest == 997,
         "gmatch state survives a budget error, a collection and a coroutine (" ..
         tostring(rest) .. " more matches)")
end

do  -- the subject is kept alive by the iterator alone
  local iter = string.gmatch(string.rep("x", 100) .. "yz", "()(y)")
  collectgarbage("collect"); collectgarbage("collect")
  local pos, y = iter()
  report(pos == 101 and y == "y" and iter() == nil, "gmatch subject kept alive by the iterator")
end

print(failures == 0 and "OK" or (failures .. " FAILED"))
assert(failures == 0)
