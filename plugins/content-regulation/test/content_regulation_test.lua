-- Tests of content-regulation: each rule from its own date; labelling
-- coverage builds up over the compliance period.
---@type uptake.Tests
local tests = {}

tests["regulation from its date, labelling builds up from its own"] = function(t)
  local r = t.run{ ticks = 12, plugins = { { "content-regulation", regulation = 0.7, regulation_from = "2023Q3",
                                             labelling = 0.6, labelling_from = "2024Q1", compliance_ticks = 3 } } }
  t.expect(r.lever("regulation", 1), "regulation before"):equals(0)
  t.expect(r.lever("regulation", 2), "regulation from 2023Q3"):equals(0.7)
  t.expect(r.lever("labelling", 3), "labelling before"):equals(0)
  t.expect(r.lever("labelling", 4), "labelling, first quarter"):near(0.2)
  t.expect(r.lever("labelling", 5), "labelling, second quarter"):near(0.4)
  t.expect(r.lever("labelling", 6), "labelling, complied"):near(0.6)
  t.expect(r.lever("labelling", 11), "labelling stays"):near(0.6)
end

tests["defaults follow the Chinese rules' dates"] = function(t)
  local r = t.run{ ticks = 12, plugins = { "content-regulation" } }
  t.expect(r.lever("regulation", 1), "2023Q2"):equals(0)
  t.expect(r.lever("regulation", 2), "2023Q3"):equals(0.5)
  t.expect(r.lever("labelling", 9), "2025Q2"):equals(0)
  t.expect(r.lever("labelling", 10), "2025Q3"):near(0.4)
end

return tests
