--[[ display-list.lua (Quarto engine, at: post-quarto, HTML only): the "List of tables,
listings and figures" on the book's first page (index.html), after the title-page details,
as the built-in engine's html.lua writes it (its `list_of_displays`): one link per table,
figure and listing, in book order, "Table 14.3.1 <caption>", to the page that holds it.
The displays come from the JSON file named by metadata `csr-displays-file`
([{id, page, caption}], written by report/quarto_stage.py from the staged notebooks); a
link names the chapter's source ("chapters/10-participants.ipynb#tbl-t14-1-3"), which
Quarto turns into that chapter's .html. ]]

local dir = PANDOC_SCRIPT_FILE:match("(.*[/\\])")
package.path = dir .. "?.lua;" .. package.path
local sapnum = require("sapnum")
local html_rules = dofile(dir .. "html.lua")

local function read_displays(meta)
  local path = meta["csr-displays-file"] and pandoc.utils.stringify(meta["csr-displays-file"])
  if not path then return nil end
  -- Quarto gives project paths in metadata relative to the file it renders (pandoc's folder)
  local fh = io.open(path, "r") or io.open(pandoc.path.join({ quarto.project.directory or ".", path }), "r")
  if not fh then error("display-list.lua: " .. path .. " not found") end
  local displays = pandoc.json.decode(fh:read("a"), false)
  fh:close()
  return displays
end

local function is_first_page()
  return pandoc.path.filename(quarto.doc.input_file or ""):match("^index%.") ~= nil
end

return {
  Pandoc = function(doc)
    if not (quarto.doc.is_format("html") and is_first_page()) then return nil end
    local displays = read_displays(doc.meta)
    if not displays or #displays == 0 then return nil end
    local entries = {}
    for _, d in ipairs(displays) do
      local name = sapnum.display_name(d.id) or d.id
      local href = (pandoc.path.filename(d.page):match("^index%.") and "" or d.page) .. "#" .. d.id
      entries[#entries + 1] = { href, name .. " " .. d.caption }
    end
    -- after the title-page details (title-page.lua), else first
    local at = 1
    for i, b in ipairs(doc.blocks) do
      if b.t == "Div" and b.classes:includes("csr-title-details") then at = i + 1 end
    end
    doc.blocks:insert(at, html_rules.list_of_displays(entries))
    return doc
  end,
}
