-- low-interest-loans: the target segment borrows at `rate` while the
-- programme runs; outside its dates it borrows at the market rate again.
---@type uptake.Hooks
local loans = {}
local market_rate  -- the rate before any programme, read once at setup

function loans.setup(ctx)
  -- Nobody has set the lever yet, so this is the kernel's market rate.
  market_rate = ctx.get("loan_rate")
end

function loans.on_tick(ctx)
  local p = ctx.params
  local rate = ctx.between(p.from, p.to) and p.rate or market_rate
  ctx.set("loan_rate", rate, p.target)
end

return loans
