-- Tests of data-sharing: coverage ramps up to its target from the launch
-- date, and the platform's cost follows the coverage.
---@type uptake.Tests
local tests = {}

tests["coverage ramps up from the launch date to the target"] = function(t)
  local r = t.run{ ticks = 8, plugins = { { "data-sharing", coverage = 0.4, ramp_ticks = 2, cost = 1e6, from = "2023Q3" } } }
  t.expect(r.lever("data_sharing", 1), "before launch"):equals(0)
  t.expect(r.lever("data_sharing", 2), "first quarter"):near(0.2)
  t.expect(r.lever("data_sharing", 3), "full"):near(0.4)
  t.expect(r.lever("data_sharing", 7), "still full"):near(0.4)
  -- Half the cost in the first quarter, then the full cost for 5 quarters.
  t.expect(r.spend["data-sharing"], "platform cost"):near(0.5e6 + 5 * 1e6, 1e-6)
end

return tests
