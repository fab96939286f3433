--[[ crossref.lua: SAP-numbered cross-references for the built-in engine (stage 2, whole book).

@tbl-t14-3-1 -> link "Table 14.3.1", @fig-f14-2-1 -> "Figure 14.2.1",
@tbl-l16-2-7-1 -> "Listing 16.2.7.1" (the SAP display number is encoded in the label,
see cells.lua); @sec-x -> link "Section 12.1" when the heading starts with its ICH E3
number, else the heading text. An unknown label stops the build.

A display named in running text ("see Listing 16.2.7.3.") becomes a link to it too
(paragraphs only: never a caption, heading or table cell), so every reference to a
display is a hyperlink in HTML, PDF and DOCX.

A data link to an anchor the book does not hold (a listing row linking the narrative of
its event, in a book without the narratives section) stays as its text: typst refuses a
link to a missing label, and HTML and DOCX would give a dead link.
]]

package.path = PANDOC_SCRIPT_FILE:match("(.*[/\\])") .. "?.lua;" .. package.path
local sapnum = require("sapnum")

local stringify = pandoc.utils.stringify
local targets = {}

-- Every label a reference can resolve to (targets: label -> shown text) and every anchor
-- the book holds (ids), in one walk.
local ids = {}

local function collect(doc)
  local function note(el) if el.identifier and el.identifier ~= "" then ids[el.identifier] = true end end
  local function display(el)
    note(el)
    if el.identifier ~= "" and el.attributes.display then
      targets[el.identifier] = el.attributes.display
    end
  end
  doc.blocks:walk({
    Header = function(h)
      note(h)
      if h.identifier ~= "" then
        targets[h.identifier] = sapnum.section_name(stringify(h.content))
      end
    end,
    Table = display, Figure = display,
    Div = note, Span = note, CodeBlock = note, Link = note, Image = note,
  })
end

local function resolve(cite)
  local out = pandoc.Inlines({})
  for i, c in ipairs(cite.citations) do
    local id = c.id
    if sapnum.is_xref(id) then
      local text = targets[id]
      if not text then error("cross-reference to an unknown label: @" .. id) end
      if i > 1 then out:insert(pandoc.Str(",")) ; out:insert(pandoc.Space()) end
      out:insert(pandoc.Link(pandoc.Inlines(text), "#" .. id))
    else
      return nil
    end
  end
  return out
end

local function named_links(inlines, by_text)
  local out, i, changed = pandoc.Inlines({}), 1, false
  while i <= #inlines do
    local a, sp, b = inlines[i], inlines[i + 1], inlines[i + 2]
    if a.t == "Str" and (a.text == "Listing" or a.text == "Table" or a.text == "Figure")
        and sp and sp.t == "Space" and b and b.t == "Str" then
      local number, tail = b.text:match("^(%d+%.%d[%d%.]*%d)(.*)$")
      local id = number and by_text[a.text .. " " .. number]
      if id then
        out:insert(pandoc.Link(pandoc.Inlines({ pandoc.Str(a.text), pandoc.Space(),
                                                pandoc.Str(number) }), "#" .. id))
        if tail ~= "" then out:insert(pandoc.Str(tail)) end
        i, changed = i + 3, true
        goto continue
      end
    end
    out:insert(a)
    i = i + 1
    ::continue::
  end
  return changed and out or nil
end

local function strip_display(el)
  el.attributes.display = nil
  return el
end

local function unlink_missing(l)
  local id = l.target:match("^#(.+)$")
  if id and not ids[id] and not targets[id] then return l.content end
end

-- One walk (pandoc's typewise order: inlines first, so a paragraph's references are links
-- before its named displays are looked for).
function Pandoc(doc)
  collect(doc)
  local by_text = {}
  for id, text in pairs(targets) do
    if text:match("^%a+ %d") and (id:match("^tbl%-") or id:match("^fig%-")) then by_text[text] = id end
  end
  return doc:walk({
    Link = unlink_missing,
    Cite = resolve,
    Para = function(p)
      local content = named_links(p.content, by_text)
      if content then p.content = content; return p end
    end,
    Table = strip_display,
    Figure = strip_display,
  })
end
