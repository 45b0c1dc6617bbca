-- aigc-action-plan: a policy package that switches instruments as diffusion
-- proceeds.
--
-- How it works: its dependencies (tax-relief, training-campaign,
-- mass-media-campaign) run their own on_tick first, with the parameters the
-- scenario gives them (or their defaults). This plugin's on_tick runs after
-- theirs in the same tick, and a later setting of a lever wins for the firms
-- it selects, so the package can narrow or stop what the instruments do
-- without changing their code. It learns when to switch from events:
--   critical_mass   (critical-mass-detector)  -> take-off phase
--   budget_exceeded (budget-tracker)          -> stop phase
---@type uptake.Hooks
local plan = {}
local phase = "launch"   -- launch -> take-off -> stopped
local phase_number = { launch = 1, ["take-off"] = 2, stopped = 3 }
local all_categories = { "innovators", "early_adopters", "early_majority", "late_majority", "laggards" }
local budget = require("budget-tracker")  -- its hook table; _figures() reads what it has counted

local function switch(ctx, to, reason)
  phase = to
  ctx.log(string.format("phase %s from the next tick (%s; %.0f yuan spent so far)", to, reason, budget._figures().spent))
end

function plan.on_event(ctx, name, payload)
  if name == "critical_mass" and phase == "launch" and payload.level >= ctx.params.switch_level then
    switch(ctx, "take-off", string.format("adoption passed %g%% in %s", payload.level * 100, payload.date))
  elseif name == "budget_exceeded" and ctx.params.stop_on_budget and phase ~= "stopped" then
    switch(ctx, "stopped", "budget exceeded in " .. payload.date)
  end
end

function plan.on_tick(ctx)
  local p = ctx.params
  if phase == "take-off" then
    -- Relief only where it still changes decisions.
    ctx.set("tax_relief", 0, p.withdraw_relief_from)
    -- Awareness now spreads by word of mouth: stop paying for media.
    ctx.set("media", 0)
    -- Training only for the later categories.
    local early = {}
    for _, category in ipairs(all_categories) do
      local late = false
      for _, c in ipairs(p.late_categories) do if c == category then late = true end end
      if not late then early[#early + 1] = category end
    end
    if #early > 0 then ctx.set("training", 0, { category = early }) end
  elseif phase == "stopped" then
    ctx.set("tax_relief", 0)
    ctx.set("media", 0)
    ctx.set("training", 0)
  end
  ctx.record("action_plan_phase", phase_number[phase])
end

return plan
