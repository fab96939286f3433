--[[ book-parts.lua (Quarto engine; PDF and DOCX, the one-file books): the book's parts and
its appendices keep their chapters one heading level down, as in the built-in engine
(report/engine_builtin.py, join_book): part "11 Efficacy evaluation" is a level-1 heading,
its chapter "11.1 CAR-T cells in peripheral blood" level 2, that chapter's sections level 3.
Quarto makes every chapter a level-1 heading, beside its part. Which file a heading comes
from is Quarto's book file metadata (as its own typst book template, orange-book, reads it).
The HTML book has a page per chapter and is left as Quarto makes it. ]]

local function in_part(file)
  return file ~= nil and file.bookItemType == "chapter" and (tonumber(file.bookItemDepth) or 0) > 0
end

local shift = {
  Header = function(h)
    local state = quarto.doc.file_metadata()
    if state and in_part(state.file) then
      h.level = math.min(h.level + 1, 6)
      return h
    end
  end,
}

if quarto.doc.is_format("html") then return {} end
return quarto.utils.combineFilters({ quarto.utils.file_metadata_filter(), shift })
