return scenario {
  name = "small", ticks = 8, seed = 3, firms = 200,
  network = { kind = "small-world", degree = 6 },
  plugins = { { "tax-relief", rate = 0.1 } },
}
