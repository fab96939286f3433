--[[ typst-literal.lua: every piece of text is a literal string in typst (typst output only).

Run last, after every other filter, by both engines (the built-in engine passes it to
pandoc's typst writer; _quarto.yml lists it post-quarto). Other formats are left alone.

Pandoc's typst writer escapes some markup characters but not all of them: a table cell
or paragraph starting with "=", "==", "-", "+", "/" or "1." is read by typst as a
heading (and a table of contents entry), a list item or a term, "-2" becomes a minus
sign, "--" a dash, "..." an ellipsis. Text in the pandoc document is text, so every Str
becomes a typst string literal, `#"...";`: typst shows a string exactly as it is (only
`\` and `"` are escaped inside it), and the `;` ends the expression, so nothing that
follows can extend it.

A word longer than LONG characters gets a zero-width space (a break opportunity, drawn as
nothing) after every CHUNK characters, so it wraps inside its table cell or the text
width instead of running over the next column.
]]

if not (FORMAT or ""):match("typst") then return {} end

local LONG, CHUNK = 30, 6
local ZWSP = "\u{200B}"

local function breakable(s)
  if utf8.len(s) == nil or utf8.len(s) <= LONG then return s end
  local out, n = {}, 0
  for _, code in utf8.codes(s) do
    out[#out + 1] = utf8.char(code)
    n = n + 1
    if n % CHUNK == 0 then out[#out + 1] = ZWSP end
  end
  if out[#out] == ZWSP then out[#out] = nil end
  return table.concat(out)
end

local function literal(s)
  s = breakable(s):gsub("\\", "\\\\"):gsub('"', '\\"')
  return '#"' .. s .. '";'
end

return {
  {
    Str = function(el) return pandoc.RawInline("typst", literal(el.text)) end,
  },
}
