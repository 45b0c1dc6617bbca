-- Tests of special-fund: the pool is added once, at the opening date; the
-- share reaches eligible firms only; the fund never pays more than its pool.
---@type uptake.Tests
local tests = {}

tests["the pool opens at the start date, once"] = function(t)
  local r = t.run{ ticks = 6, plugins = { { "special-fund", pool = 1e6, from = "2023Q3" } } }
  t.expect(r.stats[1].special_fund_left, "before opening"):equals(0)
  -- The pool is in place at the opening tick (less what it paid that tick).
  t.expect(r.stats[2].special_fund_left + r.stats[2].spend.special_fund, "pool at opening"):near(1e6, 1e-3)
  t.expect(r.lever("special_fund", 1, { size = "small" }), "share before opening"):equals(0)
  t.expect(r.lever("special_fund", 2, { size = "small" }), "share once open"):equals(0.3)
  t.expect(r.lever("special_fund", 2, { size = "large" }), "large firms are not eligible"):equals(0)
end

tests["the fund never pays more than its pool"] = function(t)
  local r = t.run{ ticks = 10, plugins = { { "special-fund", pool = 2e5, share = 1, target = {} } } }
  t.expect(r.spend.special_fund, "paid out"):at_most(2e5 + 1e-6)
  t.expect(r.spend.special_fund, "paid out"):above(0)
  t.expect(r.final.special_fund_left, "left"):at_least(0)
end

return tests
