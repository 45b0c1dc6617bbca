return experiment {
  name = "small morris", scenario = "baseline.lua", seed = 3,
  uncertainties = { ["model.word_of_mouth"] = { min = 0.25, max = 0.75 }, ["tax-relief.rate"] = { min = 0, max = 0.5 } },
  design = { kind = "morris", trajectories = 2, levels = 4 },
  record = { final = { "adopters", "adoption" } },
}
