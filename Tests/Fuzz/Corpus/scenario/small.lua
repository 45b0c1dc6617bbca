return scenario {
  name = "small", start = "2023Q1", ticks = 3, seed = 5,
  firms = { count = 50, initial_adoption = 0.05 },
  network = { kind = "small-world", degree = 4, rewire = 0.1 },
  plugins = { { "tax-relief", rate = 0, from = "2023Q2" } },
}
