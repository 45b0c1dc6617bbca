-- Tests of energy-cap: the cap applies from its date only, and while it
-- applies, energy use stays under it.
---@type uptake.Tests
local tests = {}

tests["no cap before the date, the cap after"] = function(t)
  local r = t.run{ ticks = 6, plugins = { { "energy-cap", gwh_per_tick = 0.05, from = "2024Q1", to = "2024Q2" } } }
  t.expect(r.lever("energy_cap", 3), "before"):equals(math.huge)
  t.expect(r.lever("energy_cap", 4), "from the date"):equals(0.05)
  t.expect(r.lever("energy_cap", 5), "last quarter"):equals(0.05)
end

tests["energy use stays under the cap while it applies"] = function(t)
  local free = t.run{ ticks = 4, seed = 2 }
  local cap = free.final.energy_gwh / 2  -- a cap that surely binds
  local r = t.run{ ticks = 4, seed = 2, plugins = { { "energy-cap", gwh_per_tick = cap, from = "2023Q3" } } }
  t.expect(r.stats[1].energy_gwh, "before the cap"):above(cap)
  t.expect(r.stats[3].energy_gwh, "under the cap"):at_most(cap * (1 + 1e-9))
  t.expect(r.metrics[1].energy_cap_binding, "binding before"):equals(0)
  t.expect(r.metrics[3].energy_cap_binding, "binding after"):equals(1)
end

return tests
