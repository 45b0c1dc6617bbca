-- The AIGC action plan: a policy package that switches instruments as
-- adoption takes off (plugins/aigc-action-plan).
--
-- Launch phase: a 30% extra deduction of AIGC spending for every firm, a
-- media campaign and training for everyone. When adoption passes 16%
-- (critical-mass-detector emits `critical_mass`), the package withdraws the
-- relief from large firms, stops the media campaign and trains only the late
-- majority and laggards. If the programme's spending passes 3 billion yuan
-- (budget-tracker emits `budget_exceeded`), every instrument stops.
--
-- The instruments are the package's dependencies: list them here to give
-- them parameters, leave them out to run them with their defaults.
-- Compare with baseline.lua and policy-mix.lua; try --set aigc-action-plan.switch_level=0.2
return scenario {
  name = "AIGC action plan: launch, then target the late adopters",
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
    { "aigc-action-plan", switch_level = 0.16 },
    { "tax-relief", rate = 0.3, from = "2024Q1" },
    { "training-campaign", budget = 5e8, from = "2024Q1" },
    { "mass-media-campaign", budget = 1e8, from = "2024Q1" },
    { "critical-mass-detector" },
    -- Only the programme's own accounts count against its budget.
    { "budget-tracker", budget = 3e9, accounts = { "tax_relief", "training", "media" } },
  },
}
