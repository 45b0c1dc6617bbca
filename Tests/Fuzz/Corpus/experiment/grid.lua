return experiment {
  scenario = "baseline.lua",
  levers = { ["tax-relief.rate"] = { from = 0, step = 0.1, to = 0.2 }, ["tax-relief.from"] = { "2023Q2", "2023Q3" } },
  replicates = 1,
}
