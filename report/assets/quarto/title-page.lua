--[[ title-page.lua (Quarto engine, at: post-quarto): the CSR title-page details (ICH E3 1:
report.meta.RenderMeta.title_rows, the GCP statement, the sponsor signatory block, the
simulated-data statement) under the book's title, as the built-in engine shows them:
- HTML: at the top of the book's first page (index.html);
- DOCX: at the start of the document, then a page break, then the table of contents, the
  list of tables and listings and the list of figures as Word fields (docx.lua `toc_blocks`,
  as the built-in engine writes them; Quarto's own TOC is off for DOCX in _quarto.yml);
- typst: nothing (the csr-typst template sets the title page).
The details come verbatim from the JSON file named by metadata `csr-meta-file` (written by
report/engine_quarto.py from report.meta.RenderMeta), set as plain text, never as markup. ]]

local docx_rules = dofile(PANDOC_SCRIPT_FILE:match("(.*[/\\])") .. "docx.lua")

local function read_meta(meta)
  local path = meta["csr-meta-file"] and pandoc.utils.stringify(meta["csr-meta-file"])
  if not path then return nil end
  -- Quarto gives project paths in metadata relative to the file it renders (pandoc's folder)
  local fh = io.open(path, "r") or io.open(pandoc.path.join({ quarto.project.directory or ".", path }), "r")
  if not fh then error("title-page.lua: " .. path .. " not found") end
  local m = pandoc.json.decode(fh:read("a"), false)
  fh:close()
  return m
end

-- the study title (Quarto's title block shows the book's title and subtitle), then the
-- details of report.meta.RenderMeta.title_rows, in their order
local function rows(m)
  local out = { { "Study title", m.full_title } }
  for _, r in ipairs(m.title_rows) do table.insert(out, r) end
  return out
end

-- the GCP statement and the sponsor signatory block, one line each
local function closing_lines(m)
  local lines = {}
  if m.gcp_statement ~= "" then table.insert(lines, m.gcp_statement) end
  if #m.signatories > 0 then table.insert(lines, "Sponsor signatory block") end
  for _, s in ipairs(m.signatories) do
    table.insert(lines, s.role .. ": " .. s.name .. ". Signature and date: ____________________")
  end
  return lines
end

local STATEMENT = "This report was built from data simulated by the project's seeded simulator."

local function html_block(m)
  local body = {}
  for _, r in ipairs(rows(m)) do
    table.insert(body, { pandoc.Plain({ pandoc.Str(r[1]) }), pandoc.Plain({ pandoc.Str(r[2]) }) })
  end
  local details = pandoc.utils.from_simple_table(pandoc.SimpleTable({}, { "AlignRight", "AlignLeft" },
                                                                   { 0, 0 }, {}, body))
  local blocks = pandoc.Blocks({ details })
  for _, line in ipairs(closing_lines(m)) do blocks:insert(pandoc.Para({ pandoc.Str(line) })) end
  if m.simulated then
    blocks:insert(pandoc.Para({ pandoc.Strong({ pandoc.Str("SIMULATED DATA:") }), pandoc.Space(),
                                pandoc.Str(STATEMENT) }))
  end
  return pandoc.Div(blocks, pandoc.Attr("", { "csr-title-details" }))
end

local function docx_para(text, style)
  return pandoc.Div({ pandoc.Para({ pandoc.Str(text) }) }, pandoc.Attr("", {}, { { "custom-style", style } }))
end

local function docx_blocks(m)
  local blocks = pandoc.Blocks({})
  if m.simulated then blocks:insert(docx_para("SIMULATED DATA", "Simulated Mark")) end
  for _, r in ipairs(rows(m)) do blocks:insert(docx_para(r[1] .. ": " .. r[2], "Title Page Detail")) end
  for _, line in ipairs(closing_lines(m)) do blocks:insert(docx_para(line, "Title Page Detail")) end
  if m.simulated then blocks:insert(docx_para(STATEMENT, "Title Page Detail")) end
  blocks:insert(pandoc.RawBlock("openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'))
  blocks:extend(docx_rules.toc_blocks())
  return blocks
end

local function is_first_page()
  local input = quarto.doc.input_file or ""
  return pandoc.path.filename(input):match("^index%.") ~= nil
end

return {
  Pandoc = function(doc)
    local m = read_meta(doc.meta)
    if not m then return nil end
    if quarto.doc.is_format("html") and is_first_page() then
      doc.blocks:insert(1, html_block(m))
    elseif quarto.doc.is_format("docx") then
      doc.blocks = docx_blocks(m) .. doc.blocks
    end
    return doc
  end,
}
