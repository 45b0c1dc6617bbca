-- Tests of energy-saving-algorithms: efficiency ramps from the start date to
-- the target saving and never beyond it.
---@type uptake.Tests
local tests = {}

tests["efficiency ramps up to the saving and stays"] = function(t)
  local r = t.run{ ticks = 10, plugins = { { "energy-saving-algorithms", saving = 0.4, ramp_ticks = 4, from = "2023Q3" } } }
  t.expect(r.lever("efficiency", 1), "before the start"):equals(0)
  t.expect(r.lever("efficiency", 2), "first quarter"):near(0.1)
  t.expect(r.lever("efficiency", 3), "second quarter"):near(0.2)
  t.expect(r.lever("efficiency", 5), "full"):near(0.4)
  t.expect(r.lever("efficiency", 9), "stays"):near(0.4)
end

tests["no cost unless one is given"] = function(t)
  local r = t.run{ ticks = 3, plugins = { { "energy-saving-algorithms", cost = 1e6 } } }
  t.expect(r.spend["energy-saving-algorithms"]):near(3e6, 1e-6)
  local free = t.run{ ticks = 3, plugins = { "energy-saving-algorithms" } }
  t.expect(free.spend["energy-saving-algorithms"]):is_nil()
end

return tests
