-- training-campaign: trains the target segment while the budget lasts. The
-- kernel bills every course per firm reached; campaign-budget plans each
-- tick's bill so that the last tick is scaled down instead of overspending.
---@type uptake.Hooks
local campaign = {}
local planner

function campaign.setup(ctx)
  planner = require("campaign-budget")._planner("training", ctx.params.course_cost)
end

function campaign.on_tick(ctx)
  local p = ctx.params
  local intensity = planner.intensity(ctx, p.intensity, p.target, p.budget, ctx.between(p.from, p.to))
  ctx.set("training", intensity, p.target)
end

function campaign.after_tick(ctx)
  ctx.record("training_budget_left", planner.settle(ctx, ctx.params.budget))
end

return campaign
