-- Tests of critical-mass-detector: each level fires once, at the first tick
-- adoption reaches it (the kernel's own critical-mass ticks agree).
---@type uptake.Tests
local tests = {}

local function events_named(r, name)
  local found = {}
  for _, e in ipairs(r.events) do
    if e.name == name then found[#found + 1] = e end
  end
  return found
end

tests["each level fires once, at the tick the kernel sees it passed"] = function(t)
  local r = t.run{ ticks = 12, firms = 400, seed = 4, plugins = { { "critical-mass-detector", levels = { 0.05, 0.08 } } } }
  local events = events_named(r, "critical_mass")
  t.expect(#events, "number of events"):equals(2)
  t.expect(events[1].payload.level):equals(0.05)
  t.expect(events[1].tick, "tick of 5%"):equals(r.final.critical_mass.p5)
  t.expect(events[2].payload.level):equals(0.08)
  -- The first tick with adoption at or above 8%, found independently of the plugin.
  local first
  for tick = 0, r.ticks - 1 do
    if not first and r.stats[tick].adoption >= 0.08 then first = tick end
  end
  t.expect(events[2].tick, "tick of 8%"):equals(first)
  t.expect(events[2].payload.tick):equals(first)
  t.expect(r.metrics[first].critical_mass_level, "recorded level"):equals(8)
end

tests["levels not reached never fire"] = function(t)
  local r = t.run{ ticks = 3, plugins = { { "critical-mass-detector", levels = { 0.9 } } } }
  t.expect(#events_named(r, "critical_mass")):equals(0)
  t.expect(r.metrics[2].critical_mass_level):equals(0)
end

tests["a segment is watched on its own"] = function(t)
  -- Most large firms use AI from the start; the economy as a whole does not.
  local r = t.run{ ticks = 2, plugins = { { "critical-mass-detector", levels = { 0.2 }, segment = { size = "large" } } } }
  local events = events_named(r, "critical_mass")
  t.expect(r.stats[0].adoption, "adoption of all firms"):below(0.2)
  t.expect(#events, "events"):equals(1)
  t.expect(events[1].tick):equals(0)
  t.expect(events[1].payload.adoption, "adoption of large firms"):near(r.stats[0].size.large, 1e-12)
  t.expect(events[1].payload.segment):equals({ size = "large" })
end

tests["a level outside (0, 1) is an error naming the plugin"] = function(t)
  t.fails(function() t.run{ ticks = 1, plugins = { { "critical-mass-detector", levels = { 16 } } } } end,
          "levels[1] = 16 is not a share")
end

return tests
