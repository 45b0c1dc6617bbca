-- training-campaign: trains the target segment while the budget lasts.
-- The kernel books the cost (training lever x firms x cost per course); this
-- plugin watches its own spending and stops before it overspends.
local campaign = { }
local spent = 0
local cost_per_tick = nil  -- learnt from the first tick's bill

function campaign.on_tick(ctx)
  local p = ctx.params
  local active = ctx.between(p.from, p.to)
  if active and cost_per_tick and spent + cost_per_tick > p.budget then
    active = false
  end
  ctx.set("training", active and p.intensity or 0, p.target)
end

function campaign.after_tick(ctx)
  local bill = ctx.stats.spend_tick.training or 0
  if bill > 0 then
    spent = spent + bill
    cost_per_tick = bill
  end
  ctx.record("training_budget_left", math.max(0, ctx.params.budget - spent))
end

return campaign
