--[[ gt_tables.lua: great-tables HTML -> a native pandoc Table, shared by cells.lua (built-in
engine) and quarto_tables.lua (Quarto engine), so both engines typeset the same table.

Cell text stays verbatim (the HTML reader yields plain Str); gt alignment classes become cell
alignments; group headings are bold and left-aligned; spanner cells keep the class
`spanner`; a listing's cell styled `white-space: nowrap` (its short phrases) gets the class
`csr-nowrap`, which the HTML keeps on one line, and one styled `min-width: <n>em` (the
column's widest word) keeps that style alone (analysis.style.listings.html_cell_css; the
PDF and DOCX writers ignore both); every other attribute is dropped. Load it from a filter's own folder with
  package.path = PANDOC_SCRIPT_FILE:match("(.*[/\\])") .. "?.lua;" .. package.path
  local gt_tables = require("gt_tables")
]]

local M = {}

local ALIGN = { gt_left = "AlignLeft", gt_right = "AlignRight", gt_center = "AlignCenter" }

local function clean_cell(cell)
  for _, cls in ipairs(cell.attr.classes) do
    if ALIGN[cls] then cell.alignment = ALIGN[cls] end
  end
  local keep = {}
  if cell.attr.classes:includes("gt_group_heading") then
    keep = { "group" }
    cell.alignment = "AlignLeft"
    cell.contents = pandoc.Blocks({ pandoc.Plain({ pandoc.Strong(pandoc.utils.blocks_to_inlines(cell.contents)) }) })
  end
  if cell.attr.classes:includes("gt_column_spanner_outer") then keep = { "spanner" } end
  local css = cell.attr.attributes.style or ""
  if css:match("white%-space:%s*nowrap") then
    keep[#keep + 1] = "csr-nowrap"
  end
  local min_width = css:match("min%-width:%s*(%d+%.?%d*em)")
  cell.attr = pandoc.Attr("", keep, min_width and { { "style", "min-width: " .. min_width } } or {})
  return cell
end

local function clean_rows(rows)
  for _, row in ipairs(rows) do
    row.attr = pandoc.Attr()
    for i, cell in ipairs(row.cells) do row.cells[i] = clean_cell(cell) end
  end
end

--- great-tables HTML -> the first native Table it contains, attributes stripped (nil if none).
function M.native_table(html)
  local found
  -- great-tables' <style> block says nothing the native table keeps; skipping it halves the parse
  html = html:gsub("<style>.-</style>", "")
  pandoc.read(html, "html").blocks:walk({
    Table = function(t) if not found then found = t end end,
  })
  if not found then return nil end
  found.attr = pandoc.Attr()
  clean_rows(found.head.rows)
  for _, body in ipairs(found.bodies) do
    body.attr = pandoc.Attr()
    clean_rows(body.head)
    clean_rows(body.body)
  end
  clean_rows(found.foot.rows)
  for _, row in ipairs(found.foot.rows) do
    for _, cell in ipairs(row.cells) do cell.alignment = "AlignLeft" end
  end
  found.head.attr, found.foot.attr = pandoc.Attr(), pandoc.Attr()
  return found
end

return M
