--[[ sap-floats.lua (Quarto engine, at: post-quarto): SAP numbers on Quarto's floats.

Each table, figure and listing stays the float Quarto made of its cell (FloatRefTarget: its
caption, its id, its place in the lists of tables and figures, its subfigures); only its
number changes: Quarto counts floats 1, 2, 3..., a CSR shows the SAP number encoded in the
label (tbl-t14-3-1 -> Table 14.3.1; tbl-l16-2-7-1 -> Listing 16.2.7.1, a Listing float).
- HTML and DOCX: Quarto writes the caption prefix ("Table 14.3.1 ", crossref title-delim "")
  from the float's crossref order, set here to the SAP number;
- typst: the template numbers no floats (`figure(numbering: none)`), so the SAP number is put
  at the head of the caption, which the lists of tables and figures show too.
- DOCX: the caption also gets the hidden SEQ field the built-in engine writes (docx.lua
  `seq_field`: `SEQ Table` for tables and listings, `SEQ Figure`), after the number, so
  Word's lists of tables and figures find it.
Subfloats (parent_id) keep Quarto's own (a), (b) numbering.
HTML: the images of a display get alt text naming it and what it shows ("Figure 14.2.1
Relapse-free proportion ..."), as the built-in engine's html.lua writes it.
A listing becomes a float of Quarto's Listing category (its type), so that Quarto names it
"Listing" and the typst lists find it (kind quarto-float-lst); Quarto notes in its log that
its label (tbl-...) is not a lst- label, which changes nothing.
]]

package.path = PANDOC_SCRIPT_FILE:match("(.*[/\\])") .. "?.lua;" .. package.path
local sapnum = require("sapnum")
local docx_rules = dofile(PANDOC_SCRIPT_FILE:match("(.*[/\\])") .. "docx.lua")

return {
  FloatRefTarget = function(float)
    if float.parent_id then return nil end
    local name = sapnum.display_name(float.identifier or "")
    if not name then return nil end
    local kind, number = name:match("^(%a+) (.+)$")
    if kind == "Listing" then float.type = "Listing" end
    if quarto.doc.is_format("typst") then
      if float.caption_long == nil then float.caption_long = pandoc.Plain({}) end
      local prefix = pandoc.Inlines({ pandoc.Str(name), pandoc.Space() })
      float.caption_long.content = prefix .. float.caption_long.content
    else
      float.order = { section = nil, order = number }
    end
    if quarto.doc.is_format("docx") then
      if float.caption_long == nil then float.caption_long = pandoc.Plain({}) end
      local seq = docx_rules.seq_field(kind)
      if seq then float.caption_long.content:insert(1, seq) end
    end
    if quarto.doc.is_format("html") and float.content then
      local text = name .. " " .. pandoc.utils.stringify(float.caption_long or {})
      float.content = float.content:walk({ Image = function(img)
        img.attributes["fig-alt"] = text
        img.attributes.alt = text
        return img
      end })
    end
    return float
  end,
}
