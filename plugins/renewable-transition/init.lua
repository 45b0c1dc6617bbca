-- renewable-transition: the renewable share follows a straight line from its
-- value at the start of the transition to `target` at `target_date`.
---@type uptake.Hooks
local transition = {}
local start_share, start_tick

function transition.on_tick(ctx)
  local p = ctx.params
  if not ctx.between(p.from, nil) then return end  -- before the start: leave the share alone
  if not start_tick then
    start_share = ctx.get("renewable_share")  -- 0.36 by default (NEA, 2023)
    start_tick = ctx.tick
  end
  local end_tick = ctx.tick_of(p.target_date)
  local share = p.target
  if ctx.tick < end_tick then
    -- Linear path; the first tick already makes the first step.
    local progress = (ctx.tick - start_tick + 1) / (end_tick - start_tick + 1)
    share = start_share + (p.target - start_share) * progress
  end
  ctx.set("renewable_share", share)
end

return transition
