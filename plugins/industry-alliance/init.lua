-- industry-alliance: while the alliance runs, cross-sector influence is less
-- discounted (the `alliance` lever), and its running cost is booked.
---@type uptake.Hooks
local alliance = {}

function alliance.on_tick(ctx)
  local p = ctx.params
  local active = ctx.between(p.from, p.to)
  ctx.set("alliance", active and p.strength or 0)
  -- The kernel books no cost for this lever: the alliance pays its own way.
  -- Booked every tick (0 when inactive) so every run's series has the column.
  ctx.spend(active and p.cost or 0)
end

return alliance
