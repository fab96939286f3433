--[[ sapnum.lua: SAP display and section numbers from labels and headings, shared by the
filters cells.lua and crossref.lua (built-in engine), quarto/sap-xref.lua, quarto/sap-floats.lua
and quarto/stage.lua (Quarto engine).

A filter loads it from its own folder with
  package.path = PANDOC_SCRIPT_FILE:match("(.*[/\\])") .. "?.lua;" .. package.path
  local sapnum = require("sapnum")
]]

local M = {}

local KIND = { t = "Table", f = "Figure", l = "Listing" }

--- "tbl-t14-3-1" -> "Table 14.3.1"; nil when the label does not encode a SAP number.
function M.display_name(label)
  local letter, digits = label:match("^%a+%-(%a)([%d%-]+)$")
  if not letter or not KIND[letter:lower()] then return nil end
  return KIND[letter:lower()] .. " " .. digits:gsub("%-", ".")
end

--- "12.1 Adverse events" -> "Section 12.1" (ICH E3 number); else the heading text itself.
function M.section_name(text)
  local number = text:match("^(%d+[%.%d]*)%s")
  return number and ("Section " .. number:gsub("%.$", "")) or text
end

--- true for a cross-reference to a table, figure or section (@tbl-, @fig-, @sec-).
function M.is_xref(id)
  return id:match("^tbl%-") ~= nil or id:match("^fig%-") ~= nil or id:match("^sec%-") ~= nil
end

return M
