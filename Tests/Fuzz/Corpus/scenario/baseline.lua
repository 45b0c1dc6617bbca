-- Baseline: generative AI (AIGC) adoption among firms, quarterly from 2023.
-- Calibrated to Eurostat's enterprise AI use (8.0% in 2023, 13.5% in 2024,
-- 20.0% in 2025; large firms far ahead of small ones). See docs/model.md.
return scenario {
  name = "Baseline AIGC adoption",
  description = "Status quo: no tax relief (the tax-relief plugin is loaded with rate 0 so sweeps can vary it).",
  start = "2023Q1",
  ticks = 40,
  seed = 42,

  firms = { count = 20000, initial_adoption = 0.05 },
  network = { kind = "small-world", degree = 8, rewire = 0.1 },
  homophily = 0.6,
  model = { rule = "rogers" },
  innovation = { relative_advantage = 1.0, complexity = 1.0, trialability = 0.7, observability = 0.6 },

  plugins = {
    { "tax-relief", rate = 0, from = "2024Q1" },
  },
}
