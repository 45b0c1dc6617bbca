return experiment {
  name = "small lhs", scenario = "baseline.lua", seed = 7,
  levers = { ["tax-relief.rate"] = { 0, 0.3 } },
  uncertainties = { ["model.word_of_mouth"] = { min = 0.25, max = 0.75 } },
  design = { kind = "lhs", samples = 2 },
  replicates = 2, common_random_numbers = true,
  baseline = { ["tax-relief.rate"] = 0 },
  record = { final = { "adopters", "adoption", "productivity_index", "spend_cumulative" }, series = { "adoption" }, every = 2 },
}
