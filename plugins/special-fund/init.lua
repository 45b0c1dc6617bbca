-- special-fund: opens a pool of money at `from` and lets it pay `share` of
-- eligible firms' adoption cost. The kernel pays from the pool and stops when
-- it is empty, so the fund can never pay out more than it holds.
---@type uptake.Hooks
local fund = {}
local opened = false

local function open(ctx)
  ctx.add_fund(ctx.params.pool)
  opened = true
  ctx.log(string.format("special fund opened with %.0f yuan", ctx.params.pool))
end

function fund.on_tick(ctx)
  local p = ctx.params
  local active = ctx.between(p.from, p.to)
  -- The pool is added once, in the first tick the fund is open.
  if active and not opened then open(ctx) end
  ctx.set("special_fund", active and p.share or 0, p.target)
end

function fund.after_tick(ctx)
  ctx.record("special_fund_paid", ctx.stats.spend.special_fund or 0)
end

return fund
