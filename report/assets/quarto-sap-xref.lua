--[[ quarto-sap-xref.lua (at: pre-quarto): SAP display numbers in the Quarto engine (Quarto >= 1.4).

Listed twice in _quarto.yml:
  - at: pre-quarto   cross-references @tbl-/@fig-/@sec- become links whose text is the SAP
                     number ("Table 14.3.1") or the section's number, before Quarto's crossref
                     step sees them (so Quarto never writes sequential "Table 1");
  - at: post-quarto  each table/figure float (FloatRefTarget) is replaced by a Div carrying
                     its id and a caption "Table 14.3.1 <caption>".
UNVERIFIED: written from the Quarto 1.4 Lua API documentation without a Quarto binary.
]]

local stringify = pandoc.utils.stringify
package.path = PANDOC_SCRIPT_FILE:match("(.*[/\\])") .. "?.lua;" .. package.path
local sapnum = require("sapnum")
local display_name = sapnum.display_name

local sections = {}

local function resolve(cite)
  local out = pandoc.Inlines({})
  for i, c in ipairs(cite.citations) do
    local id = c.id
    local text = display_name(id) or sections[id]
    if not sapnum.is_xref(id) or not text then
      return nil
    end
    if i > 1 then out:insert(pandoc.Str(",")) ; out:insert(pandoc.Space()) end
    out:insert(pandoc.Link(pandoc.Inlines(text), "#" .. id))
  end
  return out
end

return {
  Pandoc = function(doc)
    doc.blocks:walk({
      Header = function(h)
        if h.identifier ~= "" then
          sections[h.identifier] = sapnum.section_name(stringify(h.content))
        end
      end,
    })
    return doc:walk({ Cite = resolve })
  end,
}
