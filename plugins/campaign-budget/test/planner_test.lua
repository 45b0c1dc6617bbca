-- Tests of campaign-budget, through the campaigns that use it: a budget
-- smaller than one tick's bill is spent exactly, never more.
---@type uptake.Tests
local tests = {}

tests["a budget smaller than one tick's bill is spent exactly"] = function(t)
  -- 500 firms x 3,000 yuan = 1.5 million a tick; the budget is 100,000.
  local r = t.run{ ticks = 3, firms = 500, plugins = { { "training-campaign", budget = 1e5 } } }
  t.expect(r.lever("training", 0), "first tick, scaled down"):near(1e5 / 1.5e6)
  t.expect(r.lever("training", 1), "then stopped"):equals(0)
  t.expect(r.spend.training, "spent"):near(1e5, 1e-6)
end

tests["two campaigns keep separate accounts of their budgets"] = function(t)
  local r = t.run{ ticks = 4, firms = 500, plugins = { { "training-campaign", budget = 2e6 },
                                                       { "mass-media-campaign", budget = 1e5 } } }
  t.expect(r.spend.training, "training spent"):near(2e6, 1e-6)
  t.expect(r.spend.media, "media spent"):near(1e5, 1e-6)
end

return tests
