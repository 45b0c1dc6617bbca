-- Tests of tax-relief: the relief reaches the chosen sectors and sizes only,
-- and only between its dates; the revenue forgone is booked.
---@type uptake.Tests
local tests = {}

tests["the relief reaches the chosen sectors and sizes only"] = function(t)
  local r = t.run{ ticks = 4, plugins = { { "tax-relief", rate = 0.5, sectors = { "manufacturing" }, sizes = { "small" } } } }
  t.expect(r.lever("tax_relief", 0, { sector = "manufacturing", size = "small" })):equals(0.5)
  t.expect(r.lever("tax_relief", 0, { sector = "manufacturing", size = "large" })):equals(0)
  t.expect(r.lever("tax_relief", 0, { sector = "retail", size = "small" })):equals(0)
end

tests["the relief applies between its dates only"] = function(t)
  local r = t.run{ ticks = 8, plugins = { { "tax-relief", rate = 1, from = "2023Q3", to = "2024Q1" } } }
  t.expect(r.lever("tax_relief", 1), "before"):equals(0)
  t.expect(r.lever("tax_relief", 2), "from"):equals(1)
  t.expect(r.lever("tax_relief", 4), "to"):equals(1)
  t.expect(r.lever("tax_relief", 5), "after"):equals(0)
  t.expect(r.stats[1].spend.tax_relief, "no revenue forgone before"):is_nil()
  t.expect(r.spend.tax_relief, "revenue forgone"):above(0)
end

return tests
