-- In which futures does AIGC adoption stall, and does tax relief change
-- that? A scenario-discovery experiment: many draws of three uncertainties,
-- with and without a tax relief, then PRIM finds the ranges that make
-- adoption low.
-- Run it with:  uptake batch scenarios/when-adoption-stalls.lua --out out/stalls.db
-- then:         uptake discover out/stalls.db --outcome 'adoption<=0.35'
-- See docs/batch.md, "Scenario discovery".
return experiment {
  name = "When adoption stalls",
  scenario = "baseline.lua",            -- relative to this file
  seed = 17,

  -- A small population and five years keep the 200 runs quick.
  set = { ["firms.count"] = 2000, ticks = 20 },

  levers = {
    ["tax-relief.rate"] = { 0, 0.3 },
  },
  uncertainties = {
    -- The 90% credible intervals of the baseline's calibration (docs/decisions.md).
    ["model.word_of_mouth"] = { min = 0.08, max = 0.9 },      -- baseline 0.171
    ["model.media_influence"] = { min = 0.02, max = 0.095 },  -- baseline 0.047
    ["firms.initial_awareness"] = { min = 0.02, max = 0.4 },  -- baseline 0.128
  },
  -- 100 Latin-hypercube draws for each of the two policies.
  design = { kind = "lhs", samples = 100 },

  record = {
    final = { "adopters", "adoption", "productivity_index", "spend_cumulative" },
  },
}
