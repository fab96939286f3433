--[[ docx.lua: DOCX-only layout of the built-in engine.
- title page from the `csr-title-page` metadata (JSON of report.meta.RenderMeta), set as
  plain text so nothing in it is read as markup;
- a Div with class `landscape` becomes its own landscape A4 section. ]]

local PORTRAIT = '<w:p><w:pPr><w:sectPr><w:pgSz w:w="11906" w:h="16838"/>' ..
  '<w:pgMar w:top="1418" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/>' ..
  '</w:sectPr></w:pPr></w:p>'
local LANDSCAPE = '<w:p><w:pPr><w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>' ..
  '<w:pgMar w:top="1134" w:right="1418" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/>' ..
  '</w:sectPr></w:pPr></w:p>'

function Div(div)
  if div.classes:includes("landscape") then
    local out = pandoc.Blocks({ pandoc.RawBlock("openxml", PORTRAIT) })
    out:extend(div.content)
    out:insert(pandoc.RawBlock("openxml", LANDSCAPE))
    return out
  end
end

local function plain(text, style)
  return pandoc.Div({ pandoc.Para({ pandoc.Str(text) }) }, pandoc.Attr("", {}, { { "custom-style", style } }))
end

function Pandoc(doc)
  local raw = doc.meta["csr-title-page"]
  if not raw then return doc end
  local m = pandoc.json.decode(pandoc.utils.stringify(raw))
  local title = pandoc.Blocks({})
  if m.simulated then title:insert(plain("SIMULATED DATA", "Simulated Mark")) end
  for _, row in ipairs({
    { "Sponsor", m.sponsor }, { "Phase", m.phase }, { "Report version", m.version },
    { "Data cut-off", m.cutoff }, { "Data snapshot", m.snapshot_id } }) do
    title:insert(plain(row[1] .. ": " .. row[2], "Title Page Detail"))
  end
  if m.simulated then
    title:insert(plain("This report was built from data simulated by the project's seeded simulator.",
                       "Title Page Detail"))
  end
  title:insert(pandoc.RawBlock("openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'))
  doc.meta["csr-title-page"] = nil
  doc.blocks = title .. doc.blocks
  return doc
end
