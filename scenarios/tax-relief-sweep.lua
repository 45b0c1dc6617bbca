-- A first batch experiment: does a tax relief on AIGC spending pay off, and
-- how much does the answer depend on how strongly firms talk to each other?
-- Run it with:  uptake batch scenarios/tax-relief-sweep.lua --out out/sweep.db
-- then:         uptake results out/sweep.db
-- See docs/batch.md for every key.
return experiment {
  name = "Tax relief under uncertain word of mouth",
  scenario = "baseline.lua",            -- relative to this file
  seed = 2026,

  -- The same for every run: a smaller population keeps the sweep quick.
  set = { ["firms.count"] = 5000 },

  -- Levers: what the government chooses. Every combination is a policy.
  levers = {
    ["tax-relief.rate"] = { 0, 0.15, 0.3 },
  },
  -- Uncertainties: what it does not control. Every policy meets the same sample.
  uncertainties = {
    ["model.word_of_mouth"] = { min = 0.08, max = 0.9 },   -- the calibration's 90% interval; baseline 0.171
  },
  design = { kind = "lhs", samples = 6 },

  replicates = 4,
  common_random_numbers = true,         -- replicate r of every point shares a seed: paired comparisons
  baseline = { ["tax-relief.rate"] = 0 },

  record = {
    final = { "adopters", "adoption", "productivity_index", "spend_cumulative" },
    series = { "adoption" },
    every = 4,                          -- every 4th quarter, plus the last
  },
}
