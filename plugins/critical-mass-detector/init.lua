-- critical-mass-detector: watches adoption after every tick and announces
-- each level the first time it is passed. Several levels passed in the same
-- tick are announced in ascending order, each once.
---@type uptake.Hooks
local detector = {}
local levels = {}     -- ascending
local passed = {}     -- passed[i] = true once levels[i] was announced

-- Adoption in the watched segment: the share of its firms in adopted or
-- confirmed stage. ctx.firms counts firms matching a selector.
local function adoption(ctx)
  local segment = ctx.params.segment
  -- ctx.params is a read-only view, which `next` sees as empty: ask pairs.
  local empty = true
  for _ in pairs(segment) do empty = false; break end
  if empty then return ctx.stats.adoption end
  local all = ctx.firms(segment).count
  if all == 0 then return 0 end
  local adopters = 0
  for _, stage in ipairs({ "adopted", "confirmed" }) do
    local s = {}
    for k, v in pairs(segment) do s[k] = v end
    s.stage = stage
    adopters = adopters + ctx.firms(s).count
  end
  return adopters / all
end

function detector.setup(ctx)
  for i, level in ipairs(ctx.params.levels) do
    if type(level) ~= "number" or level <= 0 or level >= 1 then
      error(string.format("critical-mass-detector: levels[%d] = %s is not a share between 0 and 1; write levels = { 0.05, 0.16 }", i, tostring(level)))
    end
    levels[#levels + 1] = level
  end
  table.sort(levels)
end

function detector.after_tick(ctx)
  local share = adoption(ctx)
  local highest = 0
  for i, level in ipairs(levels) do
    if share >= level then
      highest = level
      if not passed[i] then
        passed[i] = true
        ctx.emit("critical_mass", { level = level, percent = level * 100, tick = ctx.tick, date = ctx.date,
                                    adoption = share, segment = ctx.params.segment })
        ctx.log(string.format("critical mass: adoption %.1f%% passed %g%% in %s", share * 100, level * 100, ctx.date))
      end
    end
  end
  ctx.record("critical_mass_level", highest * 100)
end

return detector
