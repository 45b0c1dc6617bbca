-- rd-subsidy: public AI R&D funding (economy-wide) and, optionally, a share
-- of adoption cost paid to R&D-intensive sectors.
--
-- Levers keep their value from one tick to the next, so the plugin sets them
-- every tick: to the programme's values while it runs, and back to 0 outside
-- its dates (otherwise the money would keep flowing after `to`).
---@type uptake.Hooks
local rd = {}

function rd.on_tick(ctx)
  local p = ctx.params
  local active = ctx.between(p.from, p.to)
  -- The kernel books rd_funding to the `rd_funding` account each tick.
  ctx.set("rd_funding", active and p.amount or 0)
  if p.subsidy > 0 then
    ctx.set("subsidy", active and p.subsidy or 0, { sector = p.subsidy_sectors })
  end
end

return rd
