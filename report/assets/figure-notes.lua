--[[ figure-notes.lua (typst, both engines): the notes under a figure (Div `csr-figure-notes`,
see analysis.notebook.figure_markdown) are set by the template's `csr-notes` function:
left-aligned, small type (report/assets/csr.typ, report/assets/quarto/csr-typst). ]]

function Div(div)
  if div.classes:includes("csr-figure-notes") then
    local out = pandoc.Blocks({ pandoc.RawBlock("typst", "#csr-notes[") })
    out:extend(div.content)
    out:insert(pandoc.RawBlock("typst", "]"))
    return out
  end
end
