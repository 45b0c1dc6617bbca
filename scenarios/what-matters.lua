-- Which uncertain parameters move adoption most? A Morris screening of the
-- baseline, with and without a tax relief: few runs, a ranking by mu*.
-- Run it with:  uptake batch scenarios/what-matters.lua --out out/what-matters.db
-- then:         uptake sensitivity out/what-matters.db
-- See docs/batch.md, "Which parameters matter".
return experiment {
  name = "What drives adoption",
  scenario = "baseline.lua",            -- relative to this file
  seed = 11,

  -- A small population and five years keep the 80 runs quick.
  set = { ["firms.count"] = 2000, ticks = 20 },

  -- Indices are computed for each policy separately.
  levers = {
    ["tax-relief.rate"] = { 0, 0.3 },
  },
  uncertainties = {
    -- The 90% credible intervals of the baseline's calibration (docs/decisions.md).
    ["model.word_of_mouth"] = { min = 0.08, max = 0.9 },      -- baseline 0.171
    ["model.media_influence"] = { min = 0.02, max = 0.095 },  -- baseline 0.047
    ["firms.initial_awareness"] = { min = 0.02, max = 0.4 },  -- baseline 0.128
  },
  -- 10 trajectories x (3 + 1) = 40 runs per policy. For variance shares,
  -- design = { kind = "sobol", samples = 256 }: 256 x (3 + 2) runs per policy.
  design = { kind = "morris", trajectories = 10 },

  record = {
    final = { "adopters", "adoption", "productivity_index", "spend_cumulative" },
  },
}
