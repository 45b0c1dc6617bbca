-- Tests of rd-subsidy: the funding flows only between the dates, and the
-- optional subsidy reaches only the chosen sectors.
---@type uptake.Tests
local tests = {}

tests["funding flows between the dates and stops after"] = function(t)
  local r = t.run{ ticks = 8, plugins = { { "rd-subsidy", amount = 1e9, from = "2023Q3", to = "2024Q2" } } }
  t.expect(r.lever("rd_funding", 1), "before the start"):equals(0)
  t.expect(r.lever("rd_funding", 2), "first quarter"):equals(1e9)
  t.expect(r.lever("rd_funding", 5), "last quarter"):equals(1e9)
  t.expect(r.lever("rd_funding", 6), "after the end"):equals(0)
  -- Four quarters of funding, booked to the rd_funding account.
  t.expect(r.spend.rd_funding, "total funding booked"):near(4e9, 1)
end

tests["the subsidy reaches the chosen sectors only"] = function(t)
  local r = t.run{ ticks = 3, plugins = { { "rd-subsidy", subsidy = 0.2, subsidy_sectors = { "finance" } } } }
  t.expect(r.lever("subsidy", 0, { sector = "finance" })):equals(0.2)
  t.expect(r.lever("subsidy", 0, { sector = "retail" })):equals(0)
end

tests["no subsidy by default"] = function(t)
  local r = t.run{ ticks = 2, plugins = { "rd-subsidy" } }
  t.expect(r.lever("subsidy", 1, { sector = "manufacturing" })):equals(0)
  t.expect(r.lever("rd_funding", 1)):equals(2.5e9)
end

return tests
