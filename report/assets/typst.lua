--[[ typst.lua: typst-only layout of the built-in engine.
- A Div with class `landscape` (cell option `classes: landscape`) is set on flipped A4 pages.
- The notes under a figure (Div `csr-figure-notes`, see analysis.notebook.figure_markdown)
  are set by the template's `csr-notes` function: left-aligned, small type. ]]

function Div(div)
  if div.classes:includes("landscape") then
    local out = pandoc.Blocks({ pandoc.RawBlock("typst", "#page(flipped: true)[") })
    out:extend(div.content)
    out:insert(pandoc.RawBlock("typst", "]"))
    return out
  end
  if div.classes:includes("csr-figure-notes") then
    local out = pandoc.Blocks({ pandoc.RawBlock("typst", "#csr-notes[") })
    out:extend(div.content)
    out:insert(pandoc.RawBlock("typst", "]"))
    return out
  end
end
