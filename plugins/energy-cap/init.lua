-- energy-cap: caps AI electricity use between the dates. Outside them the
-- lever is set back to "no cap" (infinity), its value before any plugin.
---@type uptake.Hooks
local cap = {}
local no_cap  -- the lever's default, read at setup

function cap.setup(ctx)
  no_cap = ctx.get("energy_cap")
end

function cap.on_tick(ctx)
  local p = ctx.params
  local active = ctx.between(p.from, p.to)
  ctx.set("energy_cap", active and p.gwh_per_tick or no_cap)
end

-- Whether the cap bound this tick (1) or not (0): energy at the cap means
-- compute was rationed.
function cap.after_tick(ctx)
  local limit = ctx.get("energy_cap")
  ctx.record("energy_cap_binding", (limit < no_cap and ctx.stats.energy_gwh >= limit * 0.999) and 1 or 0)
end

return cap
