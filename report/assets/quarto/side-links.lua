--[[ side-links.lua (Quarto engine, HTML only, at: pre-quarto): links to the files a version
publishes beside its documents (listings/<id>.html and .csv, figures/, ard/, tlf/) lead there
from the HTML book too. A chapter links them relative to the version folder
("listings/L16.2.7.1.html"), as csr.pdf and csr.docx, which sit in it, resolve them; the
book's pages sit one folder down (html/) and deeper (html/chapters/), so such a link gets
one "../" per level. A link is such a link when its target, from the page or from the project
folder, lies in a top folder of the project that holds no chapter (no notebook): where the
engine staged the notebooks' side outputs. ]]

local function exists(path)
  local fh = io.open(path, "r")
  if fh then fh:close() return true end
  return false
end

local here, project

local function setup()
  if not quarto.doc.is_format("html") or not quarto.doc.input_file or not quarto.project.directory then
    return false
  end
  project = quarto.project.directory:gsub("\\", "/")
  local input = quarto.doc.input_file:gsub("\\", "/")
  here = pandoc.path.directory(input)
  return true
end

local function depth()
  local rel = here:sub(#project + 2)
  local n = 0
  for _ in rel:gmatch("[^/]+") do n = n + 1 end
  return n
end

local side = {}  -- top folder -> whether it holds side outputs (no notebooks)

local function is_side(folder)
  if side[folder] == nil then
    local ok, names = pcall(pandoc.system.list_directory, pandoc.path.join({ project, folder }))
    side[folder] = ok and not folder:match("^[_.]") and not names:find_if(function(n)
      return n:match("%.ipynb$") or n:match("%.qmd$")
    end) and true or false
  end
  return side[folder]
end

--- "a/../b/./c" -> "b/c" (nil when it leaves the project)
local function normal(path)
  local parts = pandoc.List()
  for part in path:gmatch("[^/]+") do
    if part == ".." then
      if #parts == 0 then return nil end
      parts:remove()
    elseif part ~= "." then
      parts:insert(part)
    end
  end
  return table.concat(parts, "/")
end

local function fix(link)
  local target = link.target
  if target:match("^%a[%w+.-]*:") or target:match("^#") or target:match("^/") or target == "" then
    return nil
  end
  local path, rest = target:match("^([^#?]*)(.*)$")
  local page_dir = here:sub(#project + 2)
  for _, candidate in ipairs({ normal(page_dir .. "/" .. path), normal(path) }) do
    local top = candidate and candidate:match("^([^/]+)/")
    if top and is_side(top) and exists(pandoc.path.join({ project, candidate })) then
      link.target = string.rep("../", depth() + 1) .. candidate .. rest
      return link
    end
  end
  return nil
end

return {
  Pandoc = function(doc)
    if not setup() then return nil end
    return doc:walk({ Link = fix })
  end,
}
