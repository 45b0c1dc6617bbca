-- content-regulation: regulation takes full effect on its date (a legal rule
-- applies at once); labelling coverage rises over `compliance_ticks` as firms
-- adapt their systems. Both are 0 before their dates.
---@type uptake.Hooks
local rules = {}
local labelling_started

function rules.on_tick(ctx)
  local p = ctx.params
  ctx.set("regulation", ctx.between(p.regulation_from, nil) and p.regulation or 0)

  local coverage = 0
  if ctx.between(p.labelling_from, nil) then
    labelling_started = labelling_started or ctx.tick
    coverage = p.labelling * math.min(1, (ctx.tick - labelling_started + 1) / p.compliance_ticks)
  end
  ctx.set("labelling", coverage)
end

return rules
