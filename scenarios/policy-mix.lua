-- A policy mix: tax relief for manufacturing from 2025 plus a training
-- campaign aimed at the late majority. Compare with baseline.lua.
return scenario {
  name = "Tax relief for manufacturing and training for the late majority",
  start = "2023Q1",
  ticks = 40,
  seed = 42,

  -- The calibrated world of baseline.lua (docs/decisions.md), so the two compare.
  firms = {
    count = 20000,
    initial_adoption_by_size = { small = 0.064, medium = 0.13, large = 0.304 },
    initial_awareness = 0.128,
    threshold_base = 0.756,
  },
  network = { kind = "small-world", degree = 8, rewire = 0.1 },
  homophily = 0.6,
  model = { rule = "rogers", media_influence = 0.047, word_of_mouth = 0.171, persuasion_rate = 0.71 },

  plugins = {
    { "tax-relief", rate = 0.3, sectors = { "manufacturing" }, from = "2025Q1" },
    { "training-campaign", target = { category = "late_majority" }, budget = 2e8, from = "2025Q1" },
  },
}
