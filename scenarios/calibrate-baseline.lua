-- Fit the baseline's diffusion to Eurostat's shares of EU enterprises using AI
-- (data/eurostat-enterprise-ai.csv: all firms and by size class, 2023-2025;
-- a year's value is compared with its first quarter, when Eurostat's survey asks).
-- Run it with:  uptake calibrate scenarios/calibrate-baseline.lua --out out/calibration
-- See docs/decisions.md for every key.
return calibration {
  name = "Baseline against Eurostat isoc_eb_ai",
  scenario = "baseline.lua",
  data = "../data/eurostat-enterprise-ai.csv",

  -- What the data should tell us: uniform priors on these intervals.
  -- The initial state is not fitted: the baseline starts in 2023Q1 from Eurostat's 2023
  -- shares by size class (firms.initial_adoption_by_size), so these five govern the path after it.
  parameters = {
    ["model.media_influence"] = { min = 0.005, max = 0.15 },  -- awareness from mass media
    ["model.word_of_mouth"] = { min = 0.05, max = 1.0 },      -- awareness from adopting neighbours
    ["model.persuasion_rate"] = { min = 0.1, max = 1.0 },     -- how fast aware firms form an opinion
    ["firms.initial_awareness"] = { min = 0.0, max = 0.5 },   -- non-adopters who knew of it in 2023Q1
    ["firms.threshold_base"] = { min = 0.4, max = 0.9 },      -- how good adopting must look
  },
  -- The same for every run: the ticks up to 2025Q1, the last data point, keep each run quick
  -- (all 20,000 firms: fewer leave too few large ones, ~680 here, to measure their share).
  set = { ticks = 9 },

  particles = 100,      -- kept per generation
  proposals = 500,      -- simulated per generation
  generations = 5,
  seed = 2026,
}
