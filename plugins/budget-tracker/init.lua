-- budget-tracker: after each tick, adds up what the tracked accounts have
-- spent so far (ctx.stats.spend is cumulative, by account), records it, and
-- raises the alarm once when the budget is exceeded.
---@type uptake.Hooks
local tracker = {}
local figures = { spent = 0, budget = 0, left = 0, by_account = {}, exceeded_at = nil }

-- A metric name for an account: letters, digits and underscores only.
local function metric_name(account)
  return "spent_" .. string.gsub(account, "[^%w_]", "_")
end

function tracker.after_tick(ctx)
  local p = ctx.params
  local spend = ctx.stats.spend
  local tracked = p.accounts
  if #tracked == 0 then
    -- Every account the ledger knows (all but the total itself).
    tracked = {}
    for account in pairs(spend) do
      if account ~= "total" then tracked[#tracked + 1] = account end
    end
  end

  local spent = 0
  for _, account in ipairs(tracked) do
    local amount = spend[account] or 0
    figures.by_account[account] = amount
    spent = spent + amount
    ctx.record(metric_name(account), amount)
  end
  figures.spent, figures.budget, figures.left = spent, p.budget, p.budget - spent
  ctx.record("budget_spent", spent)
  ctx.record("budget_left", math.max(0, p.budget - spent))

  if spent > p.budget and not figures.exceeded_at then
    figures.exceeded_at = ctx.tick
    ctx.log(string.format("WARNING: budget exceeded in %s: spent %.0f of %.0f yuan", ctx.date, spent, p.budget))
    ctx.emit("budget_exceeded", { spent = spent, budget = p.budget, tick = ctx.tick, date = ctx.date })
  end
end

-- For plugins that depend on budget-tracker: require("budget-tracker")._figures()
-- gives a copy of the latest figures. (Keys starting with _ are not hooks.)
function tracker._figures()
  local copy = { by_account = {} }
  for k, v in pairs(figures) do if k ~= "by_account" then copy[k] = v end end
  for k, v in pairs(figures.by_account) do copy.by_account[k] = v end
  return copy
end

return tracker
