-- campaign-budget: the budget arithmetic shared by training-campaign and
-- mass-media-campaign. Both set a firm-level lever that the kernel bills as
--   lever value x firms reached x cost per firm
-- to the account named like the lever. To never overspend, a campaign must
-- plan each tick's bill before the kernel incurs it, and scale the last tick
-- down to what is left.
--
-- Use (from a plugin that lists campaign-budget in [dependencies]):
--   local planner = require("campaign-budget")._planner("media", 150)
--   on_tick:    ctx.set("media", planner.intensity(ctx, p.intensity, p.target, p.budget, active), p.target)
--   after_tick: ctx.record("media_budget_left", planner.settle(ctx, p.budget))
---@type uptake.Hooks
local library = {}

-- A planner for one campaign: `lever` names the lever and its account;
-- `unit_cost` (yuan per unit per firm) plans the first tick, after which the
-- real cost is learnt from the bills.
function library._planner(lever, unit_cost)
  local planner = {}
  local spent = 0
  local planned_units = 0  -- units bought this tick (intensity x firms)

  -- The intensity to set this tick: the wanted one, or less if the budget
  -- cannot pay for it; 0 when the campaign is not active.
  function planner.intensity(ctx, wanted, target, budget, active)
    planned_units = 0
    local left = budget - spent
    -- A rounding crumb of the budget is no money left.
    if not active or left <= 1e-9 * math.max(1, budget) then return 0 end
    local firms = ctx.firms(target).count
    local affordable = unit_cost > 0 and left / unit_cost or math.huge
    local intensity = math.max(0, math.min(wanted, affordable / math.max(firms, 1)))
    planned_units = intensity * firms
    return intensity
  end

  -- After the tick: learns the real cost from the bill and returns the budget left.
  -- If another plugin sets the same lever, the bill is larger and the campaign
  -- stops earlier: it errs on the side of the budget.
  function planner.settle(ctx, budget)
    local bill = ctx.stats.spend_tick[lever] or 0
    if planned_units > 0 and bill > 0 then
      unit_cost = bill / planned_units
      spent = spent + bill
    end
    return math.max(0, budget - spent)
  end

  return planner
end

return library
