/// The assertions of the Lua test API (`t.expect`, `t.fails`), written in Lua
/// so that a failure is raised with `error(message, 2)`: Lua then prefixes
/// the file and line of the test code that made the assertion, which is
/// exactly where an analyst has to look. See docs/plugins.md, "Testing plugins".
///
///     t.expect(r.final.adoption, "adoption at the end"):above(0.1)
///     -- plugins/x/test/x_test.lua:12: adoption at the end: expected a value above 0.1, got 0.05
enum TestAssertions {
    /// A chunk returning `{ expect = ..., fails = ... }`. It runs with the
    /// state's real globals (not a script's environment), so tests cannot
    /// reach or change it.
    static let prelude = #"""
        local type, tostring, error, pcall, select = type, tostring, error, pcall, select
        local format, find, sort, concat = string.format, string.find, table.sort, table.concat
        local abs, huge = math.abs, math.huge

        -- How a value reads in a message: numbers short, strings quoted, tables one level deep.
        local function show(v, depth)
          depth = depth or 0
          local kind = type(v)
          if kind == "number" then
            if v == math.floor(v) and abs(v) < 1e15 then return format("%d", v) end
            return format("%.6g", v)
          elseif kind == "string" then
            return format("%q", v)
          elseif kind == "table" then
            if depth > 0 then return "{...}" end
            local keys = {}
            for k in next, v do keys[#keys + 1] = k end
            sort(keys, function(a, b)
              if type(a) == type(b) and (type(a) == "number" or type(a) == "string") then return a < b end
              return type(a) < type(b)
            end)
            local parts = {}
            for i, k in ipairs(keys) do
              if i > 8 then parts[#parts + 1] = "..."; break end
              local key = (type(k) == "number" and k == i) and "" or (tostring(k) .. " = ")
              parts[#parts + 1] = key .. show(v[k], depth + 1)
            end
            return "{ " .. concat(parts, ", ") .. " }"
          end
          return tostring(v)
        end

        -- Deep equality: same type, same numbers and strings, same keys with equal values.
        local function same(a, b)
          if a == b then return true end
          if type(a) ~= "table" or type(b) ~= "table" then return false end
          for k, v in next, a do if not same(v, b[k]) then return false end end
          for k in next, b do if a[k] == nil then return false end end
          return true
        end

        local function fail(label, wanted, got, advice)
          local shown = show(got)
          -- Two different numbers that read the same: show every digit.
          if type(got) == "number" and find(wanted, shown, 1, true) then shown = format("%.17g", got) end
          local text = "expected " .. wanted .. ", got " .. shown
          if label then text = tostring(label) .. ": " .. text end
          if advice then text = text .. " (" .. advice .. ")" end
          error(text, 3)  -- level 3: the test's line (1 = fail, 2 = the matcher)
        end

        local function need_number(label, v, what)
          -- a tail call, so that fail's level 3 is still the test's line
          if type(v) ~= "number" then return fail(label, "a number " .. what, v) end
        end

        -- expect(actual, label) returns matchers; both e:above(1) and e.above(1) work,
        -- since the colon is an easy thing to forget.
        local function expect(actual, label)
          local e = {}
          local function matcher(check)
            return function(first, ...)
              if first == e then return check(...) end
              return check(first, ...)
            end
          end
          e.equals = matcher(function(wanted)
            if not same(actual, wanted) then
              local close = type(actual) == "number" and type(wanted) == "number"
                            and abs(actual - wanted) <= 1e-9 * math.max(1, abs(wanted))
              fail(label, show(wanted), actual, close and "only rounding differs: use :near(y, tolerance) for computed numbers" or nil)
            end
            return e
          end)
          e.near = matcher(function(wanted, tolerance)
            tolerance = tolerance or 1e-9
            need_number(label, actual, "near " .. show(wanted))
            if abs(actual - wanted) > tolerance then
              fail(label, show(wanted) .. " (within " .. show(tolerance) .. ")", actual)
            end
            return e
          end)
          -- Comparisons with a bound: the words say it in the message.
          local function comparison(words, holds)
            return matcher(function(bound)
              need_number(label, actual, words .. " " .. show(bound))
              if not holds(actual, bound) then fail(label, "a value " .. words .. " " .. show(bound), actual) end
              return e
            end)
          end
          e.above = comparison("above", function(a, b) return a > b end)
          e.below = comparison("below", function(a, b) return a < b end)
          e.at_least = comparison("of at least", function(a, b) return a >= b end)
          e.at_most = comparison("of at most", function(a, b) return a <= b end)
          -- Checks of what the value is, without an argument.
          local function state(wanted, holds)
            return matcher(function()
              if not holds(actual) then fail(label, wanted, actual) end
              return e
            end)
          end
          e.is_true = state("true", function(v) return v == true end)
          e.is_false = state("false", function(v) return v == false end)
          e.is_nil = state("nil", function(v) return v == nil end)
          e.exists = state("a value", function(v) return v ~= nil end)
          e.contains = matcher(function(part)
            if type(actual) == "string" then
              if not find(actual, part, 1, true) then fail(label, "text containing " .. show(part), actual) end
            elseif type(actual) == "table" then
              local found = false
              for _, v in next, actual do if same(v, part) then found = true; break end end
              if not found then fail(label, "a list containing " .. show(part), actual) end
            else
              fail(label, "text or a list containing " .. show(part), actual)
            end
            return e
          end)
          return e
        end

        -- fails(fn, text): fn must raise an error whose message contains text (plain text, not a pattern).
        local function fails(fn, text)
          if type(fn) ~= "function" then error("t.fails expects a function, like t.fails(function() ... end, \"message\")", 2) end
          local ok, message = pcall(fn)
          if ok then
            error("expected an error" .. (text and (" containing " .. show(text)) or "") .. ", but the function returned normally", 2)
          end
          message = tostring(message)
          if text and not find(message, text, 1, true) then
            error("expected an error containing " .. show(text) .. ", got " .. show(message), 2)
          end
          return message
        end

        return { expect = expect, fails = fails, show = show }
        """#
}
