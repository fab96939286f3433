--[[ typst.lua: typst-only layout of the built-in engine.
- A Div with class `landscape` (cell option `classes: landscape`) is set on flipped A4 pages.
- The footnotes of a table (its foot rows) are set as notes after the table, not as a table
  footer: a footer that does not fit under the last rows would be carried onto the next page
  alone under the repeated column header. ]]

local function foot_notes(tbl)
  local rows = tbl.foot and tbl.foot.rows or {}
  if #rows == 0 then return nil end
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

function Table(tbl)
  return foot_notes(tbl)
end

function Div(div)
  if div.classes:includes("landscape") then
    local out = pandoc.Blocks({ pandoc.RawBlock("typst", "#page(flipped: true)[") })
    out:extend(div.content)
    out:insert(pandoc.RawBlock("typst", "]"))
    return out
  end
end
