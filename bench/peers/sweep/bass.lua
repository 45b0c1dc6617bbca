-- The batch benchmark's scenario: network Bass, 2,000 firms, 40 ticks, no plugins.
return scenario {
  name = "bass-sweep", ticks = 40, seed = 1, firms = 2000,
  network = { kind = "small-world", degree = 8 },
  model = { rule = "bass", p = 0.003, q = 0.3 },
}
