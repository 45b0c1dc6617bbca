-- A policy mix: tax relief for manufacturing from 2025 plus a training
-- campaign aimed at the late majority. Compare with baseline.lua.
return scenario {
  name = "Tax relief for manufacturing and training for the late majority",
  start = "2023Q1",
  ticks = 40,
  seed = 42,

  firms = { count = 20000, initial_adoption = 0.05 },
  network = { kind = "small-world", degree = 8, rewire = 0.1 },
  homophily = 0.6,
  model = { rule = "rogers" },

  plugins = {
    { "tax-relief", rate = 0.3, sectors = { "manufacturing" }, from = "2025Q1" },
    { "training-campaign", target = { category = "late_majority" }, budget = 2e8, from = "2025Q1" },
  },
}
