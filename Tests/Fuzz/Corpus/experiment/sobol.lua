return experiment {
  name = "small sobol", scenario = "baseline.lua", seed = 9,
  set = { ticks = 2 },
  uncertainties = { ["tax-relief.rate"] = { min = 0, max = 0.5 } },
  design = { kind = "sobol", samples = 2 },
  stop = { metric = "adoption", at_least = 0.9 },
  record = { final = { "adopters" }, series = { "adoption" } },
}
