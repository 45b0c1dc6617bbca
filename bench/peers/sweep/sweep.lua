-- 200 runs: 20 values of q (Latin hypercube on 0.2..0.5) x 10 replicates,
-- the adoption series recorded at every tick (as numbers).
return experiment {
  scenario = "bass.lua", seed = 1,
  uncertainties = { ["model.q"] = { min = 0.2, max = 0.5 } },
  design = { kind = "lhs", samples = 20 },
  replicates = 10,
  record = { final = { "adoption" }, series = { "adoption" }, every = 1 },
}
