-- Tests of training-campaign: courses reach the target only, and the campaign
-- stops before it overspends its budget.
---@type uptake.Tests
local tests = {}

tests["courses reach the target segment only"] = function(t)
  local r = t.run{ ticks = 2, plugins = { { "training-campaign", intensity = 2, target = { category = "laggards" } } } }
  t.expect(r.lever("training", 0, { category = "laggards" })):equals(2)
  t.expect(r.lever("training", 0, { category = "innovators" })):equals(0)
end

tests["the campaign stops before it overspends"] = function(t)
  -- 500 firms x 16% laggards = 80 firms x 3,000 yuan = 240,000 yuan a tick.
  local r = t.run{ ticks = 8, firms = 500, plugins = { { "training-campaign", budget = 6e5, target = { category = "laggards" } } } }
  t.expect(r.spend.training, "spent"):at_most(6e5)
  t.expect(r.spend.training, "spent"):near(6e5, 1e-6)
  t.expect(r.lever("training", 2, { category = "laggards" }), "third tick, scaled down"):near(0.5)
  t.expect(r.lever("training", 3, { category = "laggards" }), "then stopped"):equals(0)
end

tests["a budget smaller than one tick's bill is not overspent"] = function(t)
  local r = t.run{ ticks = 2, firms = 500, plugins = { { "training-campaign", budget = 5e4 } } }
  t.expect(r.spend.training, "spent"):at_most(5e4 * (1 + 1e-9))
end

return tests
