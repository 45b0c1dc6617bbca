-- Tests of industry-alliance: the lever and the running cost follow the dates.
---@type uptake.Tests
local tests = {}

tests["strength and cost only while the alliance runs"] = function(t)
  local r = t.run{ ticks = 8, plugins = { { "industry-alliance", strength = 0.8, cost = 1e6, from = "2023Q4", to = "2024Q2" } } }
  t.expect(r.lever("alliance", 2), "before"):equals(0)
  t.expect(r.lever("alliance", 3), "first quarter"):equals(0.8)
  t.expect(r.lever("alliance", 5), "last quarter"):equals(0.8)
  t.expect(r.lever("alliance", 6), "after"):equals(0)
  -- Three quarters at 1 million each.
  t.expect(r.spend["industry-alliance"], "running cost"):near(3e6, 1e-6)
  t.expect(r.stats[2].spend_tick["industry-alliance"], "no cost before"):is_nil()
end

return tests
