-- Tests of aigc-action-plan: instruments switch at the tick after the
-- critical-mass event, for the right segments, and stop when the budget runs out.
---@type uptake.Tests
local tests = {}

local function first_event(r, name)
  for _, e in ipairs(r.events) do
    if e.name == name then return e end
  end
end

tests["instruments switch after take-off"] = function(t)
  local r = t.run{ ticks = 10, firms = 500, seed = 3, plugins = {
    { "aigc-action-plan", switch_level = 0.08 },
    { "critical-mass-detector", levels = { 0.08 } },
  } }
  local event = first_event(r, "critical_mass")
  t.expect(event, "the critical-mass event"):exists()
  local before, after = event.tick, event.tick + 1
  t.expect(after, "take-off inside the run"):below(r.ticks)
  -- Launch phase: the dependencies' defaults apply to everyone.
  t.expect(r.lever("tax_relief", before, { size = "large" }), "relief for large firms before"):equals(0.15)
  t.expect(r.lever("media", before), "media before"):equals(1)
  t.expect(r.lever("training", before, { category = "innovators" }), "training for innovators before"):equals(1)
  t.expect(r.metrics[before].action_plan_phase):equals(1)
  -- Take-off phase, from the next tick.
  t.expect(r.lever("tax_relief", after, { size = "large" }), "relief for large firms after"):equals(0)
  t.expect(r.lever("tax_relief", after, { size = "small" }), "relief for small firms after"):equals(0.15)
  t.expect(r.lever("media", after), "media after"):equals(0)
  t.expect(r.lever("training", after, { category = "innovators" }), "training for innovators after"):equals(0)
  t.expect(r.lever("training", after, { category = "laggards" }), "training for laggards after"):equals(1)
  t.expect(r.metrics[after].action_plan_phase):equals(2)
end

tests["everything stops once the budget is exceeded"] = function(t)
  local r = t.run{ ticks = 6, firms = 300, plugins = {
    "aigc-action-plan",
    { "budget-tracker", budget = 1e6 },   -- training alone costs 900,000 a tick here
  } }
  local event = first_event(r, "budget_exceeded")
  t.expect(event, "the budget_exceeded event"):exists()
  t.expect(event.tick + 1, "stop inside the run"):below(r.ticks)
  for tick = event.tick + 1, r.ticks - 1 do
    t.expect(r.lever("tax_relief", tick), "relief at tick " .. tick):equals(0)
    t.expect(r.lever("training", tick), "training at tick " .. tick):equals(0)
    t.expect(r.lever("media", tick), "media at tick " .. tick):equals(0)
  end
  t.expect(r.metrics[r.ticks - 1].action_plan_phase):equals(3)
end

return tests
