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
    ["model.word_of_mouth"] = { min = 0.25, max = 0.75 },     -- default 0.45
    ["model.media_influence"] = { min = 0.01, max = 0.06 },   -- default 0.035
    ["firms.initial_adoption"] = { min = 0.02, max = 0.08 },  -- default 0.05
  },
  -- 10 trajectories x (3 + 1) = 40 runs per policy. For variance shares,
  -- design = { kind = "sobol", samples = 256 }: 256 x (3 + 2) runs per policy.
  design = { kind = "morris", trajectories = 10 },

  record = {
    final = { "adopters", "adoption", "productivity_index", "spend_cumulative" },
  },
}
