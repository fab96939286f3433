--[[ crossref.lua: SAP-numbered cross-references for the built-in engine (stage 2, whole book).

@tbl-t14-3-1 -> link "Table 14.3.1", @fig-f14-2-1 -> "Figure 14.2.1",
@tbl-l16-2-7-1 -> "Listing 16.2.7.1" (the SAP display number is encoded in the label,
see cells.lua); @sec-x -> link "Section 12.1" when the heading starts with its ICH E3
number, else the heading text. An unknown label stops the build.
]]

package.path = PANDOC_SCRIPT_FILE:match("(.*[/\\])") .. "?.lua;" .. package.path
local sapnum = require("sapnum")

local stringify = pandoc.utils.stringify
local targets = {}

local function collect(doc)
  doc.blocks:walk({
    Header = function(h)
      if h.identifier ~= "" then
        targets[h.identifier] = sapnum.section_name(stringify(h.content))
      end
    end,
    Table = function(t)
      if t.identifier ~= "" and t.attributes.display then
        targets[t.identifier] = t.attributes.display
      end
    end,
    Figure = function(f)
      if f.identifier ~= "" and f.attributes.display then
        targets[f.identifier] = f.attributes.display
      end
    end,
  })
end

local function resolve(cite)
  local out = pandoc.Inlines({})
  for i, c in ipairs(cite.citations) do
    local id = c.id
    if sapnum.is_xref(id) then
      local text = targets[id]
      if not text then error("cross-reference to an unknown label: @" .. id) end
      if i > 1 then out:insert(pandoc.Str(",")) ; out:insert(pandoc.Space()) end
      out:insert(pandoc.Link(pandoc.Inlines(text), "#" .. id))
    else
      return nil
    end
  end
  return out
end

local function strip_display(el)
  el.attributes.display = nil
  return el
end

function Pandoc(doc)
  collect(doc)
  doc = doc:walk({ Cite = resolve })
  return doc:walk({ Table = strip_display, Figure = strip_display })
end
