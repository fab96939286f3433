--[[ html.lua: HTML-only furniture of the built-in engine (run before crossref.lua, which
drops the `display` attributes this filter reads).
- A "List of tables, listings and figures" after the title: one link per SAP display, in
  the order of the report, with its caption.
- Every image of a display has alt text naming the display and what it shows (its
  caption: "Figure 14.2.1 Relapse-free proportion after infusion (Kaplan-Meier)").
- A table cell holding a date (ISO 8601, as the listings print them) or a one-word
  identifier with a hyphen (a participant, "NCT06561009-01-0001") gets the class
  `csr-nowrap` (report/assets/csr.css keeps it on one line).
The Quarto engine uses the same rules (`list_of_displays`, `nowrap_dates`, returned with
the filter): quarto/display-list.lua on the book's first page, quarto/stage.lua on each
table it writes as HTML. ]]

local stringify = pandoc.utils.stringify

local function caption_text(el)
  return (stringify(el.caption.long or {}):gsub("%s+", " "):gsub("^ ", ""):gsub(" $", ""))
end

local IDENTIFIER_MAX = 24   -- characters of a one-word identifier kept on one line

--- A date ("2025-10-01") or a one-word identifier with a hyphen ("NCT06561009-01-0001"):
--- a browser would break it at a hyphen.
local function unbreakable(text)
  if text:match("^%s*%d%d%d%d%-%d%d%-%d%d[T%d:]*%s*$") then return true end
  local word = text:match("^%s*(%w%S*)%s*$")
  return word ~= nil and word:find("%w%-%w") ~= nil and utf8.len(word) ~= nil
    and utf8.len(word) <= IDENTIFIER_MAX
end

local function nowrap_dates(tbl)
  local function mark(cell)
    if not cell.attr.classes:includes("csr-nowrap") and unbreakable(stringify(cell.contents)) then
      cell.attr.classes:insert("csr-nowrap")
    end
  end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      for _, cell in ipairs(row.cells) do mark(cell) end
    end
  end
  return tbl
end

--- The "List of tables, listings and figures": `entries` = { {href, caption text}, ... } in
--- report order.
local function list_of_displays(entries)
  local items = {}
  for _, e in ipairs(entries) do
    items[#items + 1] = { pandoc.Plain({ pandoc.Link(pandoc.Inlines({ pandoc.Str(e[2]) }), e[1]) }) }
  end
  return pandoc.Div({
    pandoc.Header(2, pandoc.Inlines({ pandoc.Str("List of tables, listings and figures") }),
                  pandoc.Attr("csr-list-of-displays-title", { "unnumbered", "unlisted" })),
    pandoc.BulletList(items) }, pandoc.Attr("csr-list-of-displays", {}, { { "role", "navigation" },
                                                                          { "aria-labelledby", "csr-list-of-displays-title" } }))
end

local function Pandoc(doc)
  if not (FORMAT or ""):match("html") then return nil end
  local entries = {}
  doc.blocks = doc.blocks:walk({
    Figure = function(f)
      if f.attributes.display and f.identifier ~= "" then
        local text = caption_text(f)
        entries[#entries + 1] = { f.identifier, text }
        f = f:walk({ Image = function(img)
          img.caption = pandoc.Inlines({ pandoc.Str(text) })
          img.attributes.alt = nil
          return img
        end })
        return f
      end
    end,
  })
  doc.blocks = doc.blocks:walk({
    Table = function(t)
      if t.attributes.display and t.identifier ~= "" then
        entries[#entries + 1] = { t.identifier, caption_text(t) }
      end
      return nowrap_dates(t)
    end,
  })
  if #entries == 0 then return doc end
  -- report order: the position of each display's id in the document
  local order, n = {}, 0
  doc.blocks:walk({
    Figure = function(f) n = n + 1; order[f.identifier] = order[f.identifier] or n end,
    Table = function(t) n = n + 1; order[t.identifier] = order[t.identifier] or n end,
  })
  table.sort(entries, function(a, b) return (order[a[1]] or 0) < (order[b[1]] or 0) end)
  local links = {}
  for _, e in ipairs(entries) do links[#links + 1] = { "#" .. e[1], e[2] } end
  doc.blocks:insert(1, list_of_displays(links))
  return doc
end

return {
  { Pandoc = Pandoc },
  list_of_displays = list_of_displays,
  nowrap_dates = nowrap_dates,
}
