--[[ quarto-sap-floats.lua (at: post-quarto): SAP display numbers in the Quarto engine (Quarto >= 1.4).

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

return {
  FloatRefTarget = function(float)
    local name = display_name(float.identifier or "")
    if not name then return nil end
    local cap = pandoc.Inlines({ pandoc.Strong(pandoc.Inlines(name)), pandoc.Space() })
    if float.caption_long then cap:extend(pandoc.utils.blocks_to_inlines({ float.caption_long })) end
    local caption = pandoc.Div({ pandoc.Para(cap) }, pandoc.Attr("", { "csr-caption" }))
    local content = float.content
    if pandoc.utils.type(content) == "Block" then content = { content } end
    local blocks = pandoc.Blocks({})
    if float.type == "Figure" then blocks:extend(content) ; blocks:insert(caption)
    else blocks:insert(caption) ; blocks:extend(content) end
    return pandoc.Div(blocks, pandoc.Attr(float.identifier, float.classes or {}))
  end,
}
