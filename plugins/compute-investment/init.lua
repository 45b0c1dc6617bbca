-- compute-investment: invests `amount` a tick between the dates, 0 outside.
-- The lever keeps its value between ticks, so it is reset explicitly.
---@type uptake.Hooks
local compute = {}

function compute.on_tick(ctx)
  local p = ctx.params
  ctx.set("compute_investment", ctx.between(p.from, p.to) and p.amount or 0)
end

return compute
