--[[ stage.lua: what the Quarto engine prepares with pandoc before Quarto runs
(`pandoc lua stage.lua IN.json OUT.json`, called by report/quarto_stage.py).

IN.json:  {"formats": [...], "tables": {key: great-tables HTML},
           "markdown": {page: [Markdown cell sources]}, "reference_doc": path of reference.docx}
OUT.json: {"tables": {key: {format (html, pdf, docx): Markdown}},
           "sections": {identifier: {"name", "page"}}}

- Each great-tables HTML becomes the native pandoc Table the built-in engine makes of it
  (gt_tables.lua), then, per output format, the Markdown a notebook output gives Quarto: the
  table as pandoc writes it for that format (HTML, typst, DOCX's <w:tbl>: what the built-in
  engine's pandoc writes), in a raw block, with the built-in engine's rules for that format:
  date cells kept on one line in HTML (html.lua `nowrap_dates`), cells in "Table Text" and
  notes in "Footnote" in DOCX (docx.lua `style_table`). Quarto passes a raw block through untouched, so
  its filters do not walk every cell of every table, and its HTML-table processing (which
  for typst runs one Deno process per table) is not needed. A DOCX table with links is
  given as a Markdown grid table instead (its links would need relationships of their own).
- Every heading with a section identifier (#sec-...) is named as cross-references show it
  ("Section 12.1", see sapnum.lua) and placed on its page, for links across the HTML pages.
]]

-- gt_tables.lua and sapnum.lua live one folder up, in report/assets/
package.path = pandoc.path.directory(arg[0]) .. "/../?.lua;" .. package.path
local gt_tables = require("gt_tables")
local sapnum = require("sapnum")

local GRID = "markdown+grid_tables-simple_tables-multiline_tables-pipe_tables"
local MARK = "csr-stage-table-"

local function read_file(path)
  local fh = assert(io.open(path, "rb"))
  local text = fh:read("a")
  fh:close()
  return text
end

local function raw(format, text)
  local fence = "````````"
  return fence .. "{=" .. format .. "}\n" .. text .. "\n" .. fence .. "\n"
end

local function has_link(t)
  local found = false
  pandoc.Blocks({ t }):walk({ Link = function() found = true end })
  return found
end

local here = pandoc.path.directory(arg[0])
local html_rules = dofile(here .. "/../html.lua")
local docx_rules = dofile(here .. "/../docx.lua")

--- DOCX: every table written by pandoc's DOCX writer in one document, each table's <w:tbl>
--- cut out after the paragraph that names it. A table with links stays a grid table (its
--- links would need relationships of their own).
local function docx_tables(keys, tables, input)
  local out, blocks = {}, pandoc.Blocks({})
  for i, key in ipairs(keys) do
    if has_link(tables[key]) then
      out[key] = pandoc.write(pandoc.Pandoc({ tables[key] }), GRID)
    else
      blocks:insert(pandoc.Para({ pandoc.Str(MARK .. i) }))
      blocks:insert(docx_rules.style_table(tables[key]:clone()))
    end
  end
  if #blocks == 0 then return out end
  local xml
  local opts = { reference_doc = input.reference_doc }
  for _, entry in ipairs(pandoc.zip.Archive(pandoc.write(pandoc.Pandoc(blocks), "docx", opts)).entries) do
    if entry.path == "word/document.xml" then xml = entry:contents() end
  end
  for i, key in ipairs(keys) do
    if not out[key] then
      local _, mark = xml:find(">" .. MARK .. i .. "<", 1, true)
      local first = xml:find("<w:tbl>", mark, true)
      local _, last = xml:find("</w:tbl>", first, true)
      out[key] = raw("openxml", xml:sub(first, last))
    end
  end
  return out
end

-- typst: the built-in engine's table layout (column widths, rows kept together, notes after
-- the table; report/assets/typst.lua) on a copy of the table
local typst_layout = dofile(here .. "/../typst.lua").layout

local WRITE = {
  html = function(t) return raw("html", pandoc.write(pandoc.Pandoc({ html_rules.nowrap_dates(t:clone()) }), "html")) end,
  pdf = function(t) return raw("typst", pandoc.write(pandoc.Pandoc(typst_layout(t:clone(), true)), "typst")) end,
}

local input = pandoc.json.decode(read_file(arg[1]), false)
local out = { tables = {}, sections = {} }
local tables, keys = {}, pandoc.List()
for key, html in pairs(input.tables or {}) do
  tables[key] = gt_tables.native_table(html)
  if tables[key] then keys:insert(key) ; out.tables[key] = {} end
end
table.sort(keys)
for _, format in ipairs(input.formats or {}) do
  if format == "docx" then
    for key, md in pairs(docx_tables(keys, tables, input)) do out.tables[key].docx = md end
  else
    for _, key in ipairs(keys) do out.tables[key][format] = WRITE[format](tables[key]) end
  end
end
for page, sources in pairs(input.markdown or {}) do
  for _, src in ipairs(sources) do
    pandoc.read(src, "markdown"):walk({
      Header = function(h)
        if sapnum.is_xref(h.identifier) then
          out.sections[h.identifier] = { name = sapnum.section_name(pandoc.utils.stringify(h.content)),
                                         page = page }
        end
      end,
    })
  end
end
local fh = assert(io.open(arg[2], "wb"))
fh:write(pandoc.json.encode(out))
fh:close()
