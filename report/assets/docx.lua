--[[ docx.lua: DOCX-only layout of the built-in engine (after crossref.lua).
- title page from the `csr-title-page` metadata (JSON of report.meta.RenderMeta), set as
  plain text so nothing in it is read as markup; after it the table of contents and the
  lists of tables (and listings) and of figures as Word TOC fields (Word fills them on
  opening: docx_post sets updateFields);
- a Div with class `landscape` becomes its own landscape A4 section;
- every display caption carries a hidden SEQ field (`SEQ Table \h`, `SEQ Figure \h`): the
  shown number stays the SAP number, and Word's lists of tables and figures find the captions;
- table cells are set in the style "Table Text", table footnotes and figure notes in
  "Footnote" (styles of report/assets/reference.docx, which a sponsor can swap for theirs).
The Quarto engine uses the same rules (returned with the filter): quarto/stage.lua styles
the cells of each table it writes as DOCX (`style_table`), quarto/sap-floats.lua puts the
SEQ field in Quarto's captions (`seq_field`) and quarto/title-page.lua the table of contents
and the lists after the title page (`toc_blocks`). ]]

local stringify = pandoc.utils.stringify

local function field(code, shown, hidden)
  -- a hidden field's runs are hidden text too: LibreOffice ignores SEQ's \h switch
  local rpr = hidden and '<w:rPr><w:vanish/></w:rPr>' or ''
  return '<w:r>' .. rpr .. '<w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>' ..
    '<w:r>' .. rpr .. '<w:instrText xml:space="preserve"> ' .. code .. ' </w:instrText></w:r>' ..
    '<w:r>' .. rpr .. '<w:fldChar w:fldCharType="separate"/></w:r>' ..
    (shown and ('<w:r><w:t xml:space="preserve">' .. shown .. '</w:t></w:r>') or '') ..
    '<w:r>' .. rpr .. '<w:fldChar w:fldCharType="end"/></w:r>'
end

--- The hidden SEQ field of a display caption of `kind` ("Table", "Listing", "Figure"): Word's
--- list of tables and listings counts `SEQ Table`, its list of figures `SEQ Figure`; nil for
--- any other caption.
local function seq_field(kind)
  local seq = (kind == "Table" or kind == "Listing") and "Table" or (kind == "Figure" and "Figure")
  if not seq then return nil end
  return pandoc.RawInline("openxml", field("SEQ " .. seq .. " \\h", nil, true))
end

local function seq_caption(caption)
  local blocks = caption.long
  if not blocks or #blocks == 0 then return nil end
  local seq = seq_field(stringify(blocks):match("^%s*(%a+) %d"))
  if not seq then return nil end
  local first = blocks[1]
  if first.content then first.content:insert(1, seq) end
  return caption
end

local ATTRS = {}   -- one Attr per style, shared by every cell

local function styled(blocks, style)
  -- pandoc sets a Plain in a table cell in its own "Compact" style: a Para takes the Div's.
  -- A loop, not a walk: a walk per cell cost seconds on a book with thousands of rows.
  local attr = ATTRS[style]
  if not attr then attr = pandoc.Attr("", {}, { { "custom-style", style } }); ATTRS[style] = attr end
  local paras = {}
  for i, b in ipairs(blocks) do
    paras[i] = b.t == "Plain" and pandoc.Para(b.content) or b
  end
  return { pandoc.Div(paras, attr) }
end

local function style_cells(rows, style)
  for _, row in ipairs(rows) do
    for _, cell in ipairs(row.cells) do cell.contents = styled(cell.contents, style) end
  end
end

--- Cells in "Table Text", foot rows (the table's notes) in "Footnote".
local function style_table(tbl)
  style_cells(tbl.head.rows, "Table Text")
  for _, body in ipairs(tbl.bodies) do
    style_cells(body.head, "Table Text")
    style_cells(body.body, "Table Text")
  end
  style_cells(tbl.foot.rows, "Footnote")
  return tbl
end

local function Table(tbl)
  style_table(tbl)
  local cap = seq_caption(tbl.caption)
  if cap then tbl.caption = cap end
  return tbl
end

-- The notes of a figure follow it as paragraphs (pandoc lays a figure of several blocks out
-- as a table, image and notes side by side).
local function Figure(fig)
  local cap = seq_caption(fig.caption)
  if cap then fig.caption = cap end
  local keep, after = pandoc.Blocks({}), pandoc.Blocks({})
  for _, b in ipairs(fig.content) do
    if b.t == "Div" and b.classes:includes("csr-figure-notes") then after:insert(b) else keep:insert(b) end
  end
  if #after == 0 then return fig end
  fig.content = keep
  local out = pandoc.Blocks({ fig })
  out:extend(after)
  return out
end

local function toc_blocks()
  local function heading(text)
    return pandoc.RawBlock("openxml", '<w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr><w:r><w:t xml:space="preserve">' ..
      text .. '</w:t></w:r></w:p>')
  end
  local hint = "Update fields (F9) to fill in this list."
  return pandoc.Blocks({
    heading("Table of contents"),
    pandoc.RawBlock("openxml", '<w:p>' .. field('TOC \\o "1-3" \\h \\z \\u', hint) .. '</w:p>'),
    heading("List of tables and listings"),
    pandoc.RawBlock("openxml", '<w:p>' .. field('TOC \\h \\z \\c "Table"', hint) .. '</w:p>'),
    heading("List of figures"),
    pandoc.RawBlock("openxml", '<w:p>' .. field('TOC \\h \\z \\c "Figure"', hint) .. '</w:p>'),
    pandoc.RawBlock("openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'),
  })
end

local PORTRAIT = '<w:p><w:pPr><w:sectPr><w:pgSz w:w="11906" w:h="16838"/>' ..
  '<w:pgMar w:top="1418" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/>' ..
  '</w:sectPr></w:pPr></w:p>'
local LANDSCAPE = '<w:p><w:pPr><w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>' ..
  '<w:pgMar w:top="1134" w:right="1418" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/>' ..
  '</w:sectPr></w:pPr></w:p>'

local function Div(div)
  if div.classes:includes("csr-figure-notes") then
    div.attributes["custom-style"] = "Footnote"
    return div
  end
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

-- A landscape section directly followed by another: the portrait section between them would
-- be empty (a blank page in Word and LibreOffice), so its break is dropped.
local function no_empty_sections(blocks)
  local out = pandoc.Blocks({})
  for _, b in ipairs(blocks) do
    local prev = out[#out]
    if not (b.t == "RawBlock" and b.text == PORTRAIT and prev and prev.t == "RawBlock" and prev.text == LANDSCAPE) then
      out:insert(b)
    end
  end
  return out
end

local function Pandoc(doc)
  doc.blocks = no_empty_sections(doc.blocks)
  local raw = doc.meta["csr-title-page"]
  if not raw then return doc end
  local m = pandoc.json.decode(pandoc.utils.stringify(raw))
  local title = pandoc.Blocks({})
  if m.simulated then title:insert(plain("SIMULATED DATA", "Simulated Mark")) end
  -- the details of report.meta.RenderMeta.title_rows, the GCP statement, the signatories
  for _, row in ipairs(m.title_rows) do
    title:insert(plain(row[1] .. ": " .. row[2], "Title Page Detail"))
  end
  if m.gcp_statement ~= "" then title:insert(plain(m.gcp_statement, "Title Page Detail")) end
  if #m.signatories > 0 then title:insert(plain("Sponsor signatory block", "Title Page Detail")) end
  for _, s in ipairs(m.signatories) do
    title:insert(plain(s.role .. ": " .. s.name .. ". Signature and date: ____________________",
                       "Title Page Detail"))
  end
  if m.simulated then
    title:insert(plain("This report was built from data simulated by the project's seeded simulator.",
                       "Title Page Detail"))
  end
  title:insert(pandoc.RawBlock("openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'))
  title:extend(toc_blocks())
  doc.meta["csr-title-page"] = nil
  doc.blocks = title .. doc.blocks
  return doc
end

return {
  { Table = Table, Figure = Figure, Div = Div, Pandoc = Pandoc },
  style_table = style_table,
  seq_field = seq_field,
  toc_blocks = toc_blocks,
}
