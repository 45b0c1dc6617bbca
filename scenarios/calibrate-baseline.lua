-- Fit the baseline's diffusion to Eurostat's shares of EU enterprises using AI
-- (data/eurostat-enterprise-ai.csv: all firms and by size class, 2023-2025).
-- Run it with:  uptake calibrate scenarios/calibrate-baseline.lua --out out/calibration
-- See docs/decisions.md for every key.
return calibration {
  name = "Baseline against Eurostat isoc_eb_ai",
  scenario = "baseline.lua",
  data = "../data/eurostat-enterprise-ai.csv",

  -- What the data should tell us: uniform priors on these intervals.
  parameters = {
    ["model.media_influence"] = { min = 0.005, max = 0.1 },   -- default 0.035
    ["model.word_of_mouth"] = { min = 0.1, max = 1.0 },       -- default 0.45
    ["firms.threshold_base"] = { min = 0.3, max = 0.9 },      -- default 0.6
    ["firms.threshold_slope"] = { min = 0.0, max = 0.8 },     -- default 0.35
  },
  -- The same for every run: a smaller population keeps each generation quick.
  set = { ["firms.count"] = 2000 },

  particles = 40,       -- kept per generation
  proposals = 200,      -- simulated per generation
  generations = 3,
  seed = 2026,
}
