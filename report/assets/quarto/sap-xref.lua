--[[ sap-xref.lua (Quarto engine, at: pre-quarto): cross-references with SAP numbers.

@tbl-t14-3-1 -> "Table 14.3.1", @fig-f14-2-1 -> "Figure 14.2.1", @tbl-l16-2-7-1 -> "Listing
16.2.7.1" (the SAP number is encoded in the label, see sapnum.lua), @sec-x -> "Section 12.1"
(or the heading text). Quarto numbers floats 1, 2, 3..., which a CSR cannot use, so this filter
writes the reference itself, before Quarto's crossref step sees it, as a link to the target
on its page: within a page "#id"; in the HTML book, to another page, "<chapter source>#id",
which Quarto turns into that chapter's .html (and, in the one-file PDF and DOCX books, into
"#id"). Where every target is comes from the book index the engine writes before Quarto
runs (metadata `csr-xref-index`: {id: {page, name}}, page = the chapter's source path).
An unknown label stops the render, as in the built-in engine.
]]

package.path = PANDOC_SCRIPT_FILE:match("(.*[/\\])") .. "?.lua;" .. package.path
local sapnum = require("sapnum")

local index = {}
local here -- the source path (project-relative) of the page being rendered, HTML only

--- The relative path from folder `base` to `path` (both project-relative, "/"-separated).
local function relative(path, base)
  local p, b = pandoc.List(), pandoc.List()
  for part in path:gmatch("[^/]+") do if part ~= "." then p:insert(part) end end
  for part in base:gmatch("[^/]+") do if part ~= "." then b:insert(part) end end
  local common = 0
  while common < #b and common < #p - 1 and p[common + 1] == b[common + 1] do common = common + 1 end
  local parts = pandoc.List()
  for _ = common + 1, #b do parts:insert("..") end
  for i = common + 1, #p do parts:insert(p[i]) end
  return table.concat(parts, "/")
end

local function read_index(meta)
  local path = meta["csr-xref-index"] and pandoc.utils.stringify(meta["csr-xref-index"])
  if not path then error("sap-xref.lua: metadata csr-xref-index (the book index) is not set") end
  -- Quarto gives project paths in metadata relative to the file it renders (pandoc's folder)
  local fh = io.open(path, "r") or io.open(pandoc.path.join({ quarto.project.directory or ".", path }), "r")
  if not fh then error("sap-xref.lua: book index " .. path .. " not found") end
  index = pandoc.json.decode(fh:read("a"), false)
  fh:close()
  if quarto.doc.is_format("html") and quarto.doc.input_file and quarto.project.directory then
    local input, project = quarto.doc.input_file:gsub("\\", "/"), quarto.project.directory:gsub("\\", "/")
    here = relative(input, project)
  end
end

local function href(id)
  local target = index[id]
  if not here or target.page == here then return "#" .. id end
  return relative(target.page, pandoc.path.directory(here)) .. "#" .. id
end

local function resolve(cite)
  local out = pandoc.Inlines({})
  for i, c in ipairs(cite.citations) do
    local id = c.id
    if not sapnum.is_xref(id) then return nil end
    local target = index[id]
    local text = sapnum.display_name(id) or (target and target.name)
    if not target or not text then error("cross-reference to an unknown label: @" .. id) end
    if i > 1 then out:insert(pandoc.Str(",")) ; out:insert(pandoc.Space()) end
    out:insert(pandoc.Link(pandoc.Inlines(text), href(id), "", pandoc.Attr("", { "quarto-xref" })))
  end
  return out
end

return {
  { Meta = function(meta) read_index(meta) end },
  { Cite = resolve },
}
