--[[ docx-tables.lua (Quarto engine, DOCX): the tables Quarto writes itself (the Markdown
tables of the text: synopsis, abbreviations, appendix; a listing given as a grid table
because it holds links) in the built-in engine's styles: cells in "Table Text", foot rows
in "Footnote" (docx.lua `style_table`). The display tables come styled already, as raw
DOCX tables (quarto/stage.lua). ]]

local docx_rules = dofile(PANDOC_SCRIPT_FILE:match("(.*[/\\])") .. "docx.lua")

return {
  { Table = docx_rules.style_table },
}
