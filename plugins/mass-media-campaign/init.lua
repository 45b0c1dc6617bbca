-- mass-media-campaign: sets the `media` lever for the target segment while
-- the campaign runs and money is left. The kernel bills
--   media x firms reached x cost per firm
-- to the `media` account. The plugin plans each tick's bill before it is
-- incurred, so it can scale the last tick down instead of overspending.
local campaign = {}
local spent = 0
local unit_cost          -- yuan per unit per firm; learnt from the bills
local planned_units = 0  -- media units bought this tick (intensity x firms)

function campaign.setup(ctx)
  unit_cost = ctx.params.unit_cost
end

function campaign.on_tick(ctx)
  local p = ctx.params
  local intensity = 0
  if ctx.between(p.from, p.to) then
    local firms = ctx.firms(p.target).count
    local affordable = unit_cost > 0 and (p.budget - spent) / unit_cost or math.huge
    intensity = math.min(p.intensity, affordable / math.max(firms, 1))
    intensity = math.max(0, intensity)
    planned_units = intensity * firms
  else
    planned_units = 0
  end
  ctx.set("media", intensity, p.target)
end

function campaign.after_tick(ctx)
  local bill = ctx.stats.spend_tick.media or 0
  if planned_units > 0 and bill > 0 then
    -- The real cost per unit. If another plugin also buys media, the bill is
    -- larger and the campaign stops earlier: it errs on the side of the budget.
    unit_cost = bill / planned_units
    spent = spent + planned_units * unit_cost
  end
  ctx.record("media_budget_left", math.max(0, ctx.params.budget - spent))
end

return campaign
