-- data-sharing: the platform's coverage ramps up from launch to `coverage`
-- over `ramp_ticks`, and costs in proportion to the coverage reached.
---@type uptake.Hooks
local platform = {}
local launched_at  -- tick of launch

function platform.on_tick(ctx)
  local p = ctx.params
  local level = 0
  if ctx.between(p.from, p.to) then
    launched_at = launched_at or ctx.tick
    -- Equal steps: 1/ramp of the target in the first tick, full after `ramp_ticks`.
    local progress = math.min(1, (ctx.tick - launched_at + 1) / p.ramp_ticks)
    level = p.coverage * progress
  end
  ctx.set("data_sharing", level)
  -- Booked every tick, 0 while the platform is down, so every run's series
  -- has the account's column.
  ctx.spend(level > 0 and p.cost * level / p.coverage or 0)
end

return platform
