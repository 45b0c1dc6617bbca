-- tax-relief: sets the `tax_relief` lever for the qualifying segment while
-- the policy is in force, and back to 0 outside its dates.
---@type uptake.Hooks
local relief = {}

function relief.on_tick(ctx)
  local p = ctx.params
  local rate = ctx.between(p.from, p.to) and p.rate or 0
  ctx.set("tax_relief", rate, { sector = p.sectors, size = p.sizes })
end

return relief
