--[[ typst.lua: typst-only layout of the built-in engine.

- A Div with class `landscape` (cell option `classes: landscape`) is set on flipped A4 pages.
  Landscape Divs that follow each other, with only text and headings between them, share one
  run of flipped pages (a listing goes on where the one before it ends, not on a new page);
  the text of the chapter before its first landscape Div joins that run when it holds no
  other display (the heading and the introduction of section 16 do not take a portrait page
  of their own).
- A display table without column widths (the summary tables) gets them: the stub (row labels) as
  wide as its labels ask, within STUB_MIN..STUB_MAX of the text width, the value columns
  sharing the rest equally. Listings come with their own widths
  (analysis.style.listings.relative_widths).
- Rows are never split across pages, and rows are kept together where a page break would
  strand them: a heading row (a row group or a variable label, no values) with the rows
  after it down to the first row with values; the first and the last MIN_ROWS rows of a
  table (no table starts or ends on a page with one row). typst keeps together the rows spanned by one
  unbreakable cell, so each table gets one more column, of no width and no inset, holding
  an empty unbreakable cell that spans each run.
- A row whose only value is a long text in the last column spans the value columns.
- The footnotes of a table (its foot rows) are set as notes after the table, not as a table
  footer: a footer that does not fit under the last rows would be carried onto the next page
  alone under the repeated column header. ]]

local stringify = pandoc.utils.stringify

local STUB_MIN, STUB_MAX = 0.22, 0.5
local STUB_CAP, VALUE_CAP = 45, 28     -- characters a column asks for at most
local MIN_ROWS = 3                     -- rows a table starts and ends with on a page, at least
local UNBREAKABLE_CHARS = 3000         -- a run with more text may still break (taller than a page)

local function cell_text(cell)
  return stringify(cell.contents)
end

local function all_rows(tbl)
  local rows = {}
  for _, row in ipairs(tbl.head.rows) do rows[#rows + 1] = row end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.head) do rows[#rows + 1] = row end
    for _, row in ipairs(body.body) do rows[#rows + 1] = row end
  end
  return rows
end

--- Column widths of a table that has none: the stub by its labels, the rest equal.
local function set_widths(tbl)
  local n = #tbl.colspecs
  if n < 2 then return end
  -- widths of their own (a listing's) are kept; equal ones (great-tables' default) are not
  local first = tbl.colspecs[1][2]
  for _, spec in ipairs(tbl.colspecs) do
    if spec[2] ~= nil and (first == nil or math.abs(spec[2] - first) > 1e-6) then return end
  end
  local want = {}
  for i = 1, n do want[i] = 1 end
  for _, row in ipairs(all_rows(tbl)) do
    local col = 1
    for _, cell in ipairs(row.cells) do
      if cell.col_span == 1 and col <= n then
        for line in (cell_text(cell) .. "\n"):gmatch("([^\n]*)\n") do
          want[col] = math.max(want[col], utf8.len(line) or #line)
        end
      end
      col = col + cell.col_span
    end
  end
  local stub = math.min(want[1], STUB_CAP)
  local value = 1
  for i = 2, n do value = math.max(value, math.min(want[i], VALUE_CAP)) end
  local share = math.max(STUB_MIN, math.min(STUB_MAX, stub / (stub + (n - 1) * value)))
  tbl.colspecs[1] = { tbl.colspecs[1][1], share }
  for i = 2, n do tbl.colspecs[i] = { tbl.colspecs[i][1], (1 - share) / (n - 1) } end
end

--- The text of each cell of a row (stringified once: a listing has thousands of rows).
local function row_texts(row)
  local texts = {}
  for i, cell in ipairs(row.cells) do texts[i] = cell_text(cell) end
  return texts
end

--- A body row with a label and no values (a row group heading or a variable heading), from
--- the texts of its cells.
local function is_heading(texts)
  if #texts == 0 or texts[1] == "" then return false end
  for i = 2, #texts do
    if texts[i] ~= "" then return false end
  end
  return true
end

local function keeper(span, unbreakable)
  local cell = pandoc.Cell({}, "AlignDefault", span, 1)
  cell.attributes["typst:inset"] = "0pt"
  if unbreakable then cell.attributes["typst:breakable"] = "false" end
  return cell
end

local function row_chars(texts)
  local n = 0
  for _, text in ipairs(texts) do n = n + #text end
  return n
end

--- A row whose one value is a long text in its last column (e.g. the maximum tolerated dose
-- in the Total column of T14.3.1) has that text across all value columns, so that it takes
-- two lines, not twenty in one narrow column.
local function widen_lone_text(row, texts, n)
  local cells = row.cells
  if #cells ~= n or n < 3 then return end
  for i = 2, n - 1 do
    if texts[i] ~= "" or cells[i].col_span ~= 1 then return end
  end
  local len = utf8.len(texts[n])
  if len == nil or len <= VALUE_CAP then return end
  local wide = pandoc.Cell(cells[n].contents, "AlignLeft", 1, n - 1)
  for i = n, 2, -1 do cells:remove(i) end
  cells:insert(wide)
end

--- Rows in runs that must stay on one page, each run spanned by one keeper cell: a row
-- group's heading (great-tables writes it as the head of its table body) and the variable
-- headings after it go with the first row of values.
local function keep_rows(tbl)
  local n = #tbl.colspecs
  for _, row in ipairs(tbl.head.rows) do row.cells:insert(keeper(1, false)) end
  local bodies = tbl.bodies
  for b, body in ipairs(bodies) do
    local rows = pandoc.List({})
    for _, row in ipairs(body.head) do rows:insert(row) end
    for _, row in ipairs(body.body) do rows:insert(row) end
    body.head = {}
    -- the texts before widening: a widened row keeps its text, so its heading test and
    -- its length are the same
    local texts = {}
    for k, row in ipairs(rows) do
      texts[k] = row_texts(row)
      widen_lone_text(row, texts[k], n)
    end
    local i = 1
    while i <= #rows do
      local j = i
      while j < #rows and is_heading(texts[j]) do j = j + 1 end
      -- a table starts with at least MIN_ROWS rows under its header and ends with as many
      if b == 1 and i == 1 then j = math.max(j, math.min(#rows, MIN_ROWS)) end
      if b == #bodies and j < #rows and j >= #rows - MIN_ROWS + 1 then j = #rows end
      local chars = 0
      for k = i, j do chars = chars + row_chars(texts[k]) end
      rows[i].cells:insert(keeper(j - i + 1, chars <= UNBREAKABLE_CHARS))
      i = j + 1
    end
    body.body = rows
  end
  tbl.bodies = bodies
  tbl.colspecs:insert({ "AlignDefault", nil })
end

--- The footnotes of a table (its foot rows) as notes after it, not as a table footer.
local function foot_notes(tbl)
  local rows = tbl.foot and tbl.foot.rows or {}
  if #rows == 0 then return tbl end
  local notes = pandoc.Blocks({})
  for _, row in ipairs(rows) do
    for _, cell in ipairs(row.cells) do
      for _, block in ipairs(cell.contents) do
        if block.t == "Plain" then notes:insert(pandoc.Para(block.content)) else notes:insert(block) end
      end
    end
  end
  tbl.foot.rows = {}
  local out = pandoc.Blocks({ tbl, pandoc.RawBlock("typst", "#csr-notes[") })
  out:extend(notes)
  out:insert(pandoc.RawBlock("typst", "]"))
  return out
end

--- The typst layout of one table (blocks: the table, then its notes); ``display``: it is a
--- display's table (widths are set only for those).
local function layout(tbl, display)
  if display then set_widths(tbl) end
  keep_rows(tbl)
  return foot_notes(tbl)
end

function Table(tbl)
  return layout(tbl, #(tbl.caption.long or {}) > 0)
end

local function is_landscape(block)
  return block.t == "Div" and block.classes:includes("landscape")
end

local function holds_display(block)
  local found = false
  if block.t == "Table" or block.t == "Figure" then return true end
  if block.t == "Div" then
    block:walk({ Table = function() found = true end, Figure = function() found = true end })
  end
  return found
end

--- One run of flipped pages for landscape Divs that follow each other with only text between.
function Blocks(blocks)
  local out = pandoc.Blocks({})
  local i, n = 1, #blocks
  while i <= n do
    if is_landscape(blocks[i]) then
      -- the chapter's text before it (back to its heading) joins the run if it holds no display
      local start = #out + 1
      for k = #out, 1, -1 do
        local b = out[k]
        if holds_display(b) or (b.t == "RawBlock" and b.format == "typst") then break end
        start = k
        if b.t == "Header" and b.level <= 2 then break end
      end
      if start <= #out and not (out[start].t == "Header") then start = #out + 1 end
      local run = pandoc.Blocks({})
      for k = start, #out do run:insert(out[k]) end
      for k = #out, start, -1 do out:remove(k) end
      local last = i
      local j = i
      while j <= n do
        if is_landscape(blocks[j]) then
          last = j
        elseif holds_display(blocks[j]) then
          break
        end
        j = j + 1
      end
      for k = i, last do
        if is_landscape(blocks[k]) then run:extend(blocks[k].content) else run:insert(blocks[k]) end
      end
      out:insert(pandoc.RawBlock("typst", "#page(flipped: true)["))
      out:extend(run)
      out:insert(pandoc.RawBlock("typst", "]"))
      i = last + 1
    else
      out:insert(blocks[i])
      i = i + 1
    end
  end
  return out
end

-- As a filter: the tables, then the landscape runs. The Quarto engine's stage.lua loads
-- this file too and calls `layout` on each great-tables table it writes as typst.
return {
  { Table = Table },
  { Blocks = Blocks },
  layout = layout,
}
