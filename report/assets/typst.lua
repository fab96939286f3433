--[[ typst.lua: typst-only layout of the built-in engine.
A Div with class `landscape` (cell option `classes: landscape`) is set on flipped A4 pages. ]]

function Div(div)
  if div.classes:includes("landscape") then
    local out = pandoc.Blocks({ pandoc.RawBlock("typst", "#page(flipped: true)[") })
    out:extend(div.content)
    out:insert(pandoc.RawBlock("typst", "]"))
    return out
  end
end
