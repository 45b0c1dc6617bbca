-- Tests of low-interest-loans: the cheap rate reaches the target segment
-- only, only between the dates, and the state pays for it.
---@type uptake.Tests
local tests = {}

tests["small firms borrow cheaply between the dates, large firms never"] = function(t)
  local r = t.run{ ticks = 8, plugins = { { "low-interest-loans", rate = 0.02, target = { size = "small" },
                                            from = "2023Q2", to = "2024Q1" } } }
  t.expect(r.lever("loan_rate", 0, { size = "small" }), "small, before the start"):equals(0.045)
  t.expect(r.lever("loan_rate", 1, { size = "small" }), "small, in force"):equals(0.02)
  t.expect(r.lever("loan_rate", 4, { size = "small" }), "small, last quarter"):equals(0.02)
  t.expect(r.lever("loan_rate", 5, { size = "small" }), "small, after the end"):equals(0.045)
  t.expect(r.lever("loan_rate", 3, { size = "large" }), "large, in force"):equals(0.045)
end

tests["the interest difference is booked while adopters borrow cheaply"] = function(t)
  local r = t.run{ ticks = 6, plugins = { { "low-interest-loans", target = {} } } }
  t.expect(r.spend.loan_rate, "interest support"):above(0)
end

return tests
