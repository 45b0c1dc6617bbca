-- Tests of budget-tracker: it adds up the right accounts, warns once when the
-- budget is exceeded, at the right tick.
---@type uptake.Tests
local tests = {}

tests["warns and emits once, in the tick the budget is exceeded"] = function(t)
  -- 2 billion a tick of compute investment against a 5 billion budget:
  -- 2, 4, then 6 billion at tick 2.
  local r = t.run{ ticks = 6, plugins = { { "compute-investment", amount = 2e9 },
                                          { "budget-tracker", budget = 5e9 } } }
  local exceeded = {}
  for _, e in ipairs(r.events) do
    if e.name == "budget_exceeded" then exceeded[#exceeded + 1] = e end
  end
  t.expect(#exceeded, "events"):equals(1)
  t.expect(exceeded[1].tick, "tick"):equals(2)
  t.expect(exceeded[1].payload.spent):near(6e9, 1)
  t.expect(r.metrics[1].budget_spent):near(4e9, 1)
  t.expect(r.metrics[1].budget_left):near(1e9, 1)
  t.expect(r.metrics[3].budget_left):equals(0)
  local warnings = 0
  for _, line in ipairs(r.log) do
    if string.find(line, "budget exceeded", 1, true) then warnings = warnings + 1 end
  end
  t.expect(warnings, "warnings in the log"):equals(1)
end

tests["only the chosen accounts count"] = function(t)
  local r = t.run{ ticks = 3, plugins = { { "compute-investment", amount = 2e9 }, { "rd-subsidy", amount = 1e9 },
                                          { "budget-tracker", accounts = { "rd_funding" } } } }
  t.expect(r.metrics[2].budget_spent):near(3e9, 1)
  t.expect(r.metrics[2].spent_rd_funding):near(3e9, 1)
  t.expect(r.metrics[2].spent_compute_investment):is_nil()
end

return tests
