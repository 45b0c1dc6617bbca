-- energy-saving-algorithms: efficiency grows linearly from 0 at the start to
-- `saving` after `ramp_ticks`, and stays there: algorithms once learnt are
-- not forgotten, so there is no end date.
---@type uptake.Hooks
local algorithms = {}
local started_at

function algorithms.on_tick(ctx)
  local p = ctx.params
  if not ctx.between(p.from, nil) then
    ctx.set("efficiency", 0)
    ctx.spend(0)  -- keeps the account open (a column in every run's series)
    return
  end
  started_at = started_at or ctx.tick
  local progress = math.min(1, (ctx.tick - started_at + 1) / p.ramp_ticks)
  ctx.set("efficiency", p.saving * progress)
  ctx.spend(p.cost)
end

return algorithms
