-- Tests of renewable-transition: the share rises steadily from its start value
-- to the target at the target date, and stays there.
---@type uptake.Tests
local tests = {}

tests["the share rises in equal steps to the target at the target date"] = function(t)
  local r = t.run{ ticks = 10, plugins = { { "renewable-transition", target = 0.76, target_date = "2024Q4", from = "2023Q2" } } }
  t.expect(r.lever("renewable_share", 0), "before the start"):near(0.36)
  -- From 2023Q2 (tick 1) to 2024Q4 (tick 7): 7 steps of 0.4 / 7.
  t.expect(r.lever("renewable_share", 1), "first step"):near(0.36 + 0.4 / 7)
  t.expect(r.lever("renewable_share", 4), "half way"):near(0.36 + 0.4 * 4 / 7)
  t.expect(r.lever("renewable_share", 7), "at the target date"):near(0.76)
  t.expect(r.lever("renewable_share", 9), "after"):near(0.76)
end

tests["the share never overshoots the target"] = function(t)
  local r = t.run{ ticks = 12, plugins = { { "renewable-transition", target = 0.5, target_date = "2024Q2" } } }
  for tick = 0, r.ticks - 1 do
    t.expect(r.lever("renewable_share", tick), "share at tick " .. tick):at_most(0.5 + 1e-12)
  end
end

return tests
