-- Tests of compute-investment: the money flows between the dates only.
---@type uptake.Tests
local tests = {}

tests["investment between the dates only"] = function(t)
  local r = t.run{ ticks = 6, plugins = { { "compute-investment", amount = 2e9, from = "2023Q2", to = "2023Q4" } } }
  t.expect(r.lever("compute_investment", 0), "before"):equals(0)
  t.expect(r.lever("compute_investment", 1), "first quarter"):equals(2e9)
  t.expect(r.lever("compute_investment", 3), "last quarter"):equals(2e9)
  t.expect(r.lever("compute_investment", 4), "after"):equals(0)
  t.expect(r.spend.compute_investment, "booked"):near(6e9, 1)
end

return tests
