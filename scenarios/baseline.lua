-- Baseline: generative AI (AIGC) adoption among firms, quarterly from 2023.
-- Calibrated to Eurostat's enterprise AI use by size class (data/eurostat-enterprise-ai.csv):
-- it starts from the 2023 shares (small 6.4%, medium 13.0%, large 30.4%) and its five
-- diffusion parameters are the point closest to the 2024 and 2025 data found by
--   uptake calibrate scenarios/calibrate-baseline.lua --out out/calibration
-- (docs/decisions.md shows the posterior and its band against every data point).
return scenario {
  name = "Baseline AIGC adoption",
  description = "Status quo: no tax relief (the tax-relief plugin is loaded with rate 0 so sweeps can vary it).",
  start = "2023Q1",
  ticks = 40,
  seed = 42,

  firms = {
    count = 20000,
    initial_adoption_by_size = { small = 0.064, medium = 0.13, large = 0.304 },
    initial_awareness = 0.128,
    threshold_base = 0.756,
  },
  network = { kind = "small-world", degree = 8, rewire = 0.1 },
  homophily = 0.6,
  model = { rule = "rogers", media_influence = 0.047, word_of_mouth = 0.171, persuasion_rate = 0.71 },
  innovation = { relative_advantage = 1.0, complexity = 1.0, trialability = 0.7, observability = 0.6 },

  plugins = {
    { "tax-relief", rate = 0, from = "2024Q1" },
  },
}
