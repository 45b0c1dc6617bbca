-- Tests of mass-media-campaign: the lever reaches the target only, the budget
-- is never overspent, and the campaign stops when it is spent.
---@type uptake.Tests
local tests = {}

tests["the campaign reaches the target segment only"] = function(t)
  local r = t.run{ ticks = 3, plugins = { { "mass-media-campaign", intensity = 2, target = { size = "small" }, budget = 1e9 } } }
  t.expect(r.lever("media", 0, { size = "small" })):equals(2)
  t.expect(r.lever("media", 0, { size = "large" })):equals(0)
end

tests["the budget is never overspent, and the campaign stops"] = function(t)
  -- 500 firms x 150 yuan = 75,000 yuan a tick at intensity 1: 200,000 lasts 2.67 ticks.
  local r = t.run{ ticks = 6, firms = 500, plugins = { { "mass-media-campaign", budget = 2e5 } } }
  t.expect(r.spend.media, "spent"):at_most(2e5 * (1 + 1e-9))
  t.expect(r.spend.media, "spent"):near(2e5, 1)
  t.expect(r.lever("media", 1), "second tick, full"):equals(1)
  t.expect(r.lever("media", 2), "third tick, scaled down"):near(50000 / 75000)
  t.expect(r.lever("media", 3), "stopped"):equals(0)
  t.expect(r.metrics[5].media_budget_left):near(0, 1e-6)
end

tests["a dearer medium is learnt from the bill and still not overspent"] = function(t)
  local r = t.run{ ticks = 6, firms = 500, model = { media_cost_per_firm = 400 },
                   plugins = { { "mass-media-campaign", budget = 5e5 } } }
  -- The first tick is planned at 150 yuan and billed at 400: 200,000. Then it learns.
  t.expect(r.spend.media, "spent"):at_most(5e5 * (1 + 1e-9))
end

return tests
