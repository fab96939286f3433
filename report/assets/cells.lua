--[[ cells.lua: Quarto cell options and outputs for the built-in engine (stage 1, per notebook).

Reads what pandoc's ipynb reader gives (`--ipynb-output=all`): a Div.cell.code holding
the source CodeBlock and one Div.output per output. Applies the Quarto cell options the
CSR uses, written as `#| key: value` lines at the top of the source:
  include: false  -> the cell produces nothing
  echo            -> the source is shown only with `echo: true` (the report's default is false)
  output: false   -> outputs dropped
  label, tbl-cap, fig-cap -> captioned, identified table / figure ("Table 14.3.1 <caption>");
                     a figure is everything the cell shows (image and notes), one caption
  classes         -> classes of the wrapping Div (e.g. `landscape` for a wide listing)
Outputs: the richest mime type wins (image > text/html > text/markdown > text/plain);
stream outputs are dropped; an error output stops the build. great-tables HTML becomes
a native pandoc Table (cell text stays verbatim: the HTML reader yields plain Str).
]]

local stringify = pandoc.utils.stringify

package.path = PANDOC_SCRIPT_FILE:match("(.*[/\\])") .. "?.lua;" .. package.path
local sapnum = require("sapnum")
local display_name = sapnum.display_name
local native_table = require("gt_tables").native_table

local function parse_options(code)
  local opts = {}
  for line in (code .. "\n"):gmatch("([^\n]*)\n") do
    local key, value = line:match("^#|%s*([%w%-_]+)%s*:%s*(.-)%s*$")
    if not key then break end
    value = value:gsub('^"(.*)"$', "%1"):gsub("^'(.*)'$", "%1")
    opts[key] = value
  end
  return opts
end

--- The blocks of the richest representation in one output Div.
local function best_output(div)
  local image, html, markdown, plain
  for _, b in ipairs(div.content) do
    if b.t == "RawBlock" and b.format == "html" then html = html or b.text
    elseif b.t == "RawBlock" and b.format == "markdown" then markdown = markdown or b.text
    elseif b.t == "CodeBlock" then plain = plain or b.text
    elseif b.t == "Para" or b.t == "Plain" then
      b:walk({ Image = function(img) image = image or img end })
    end
  end
  if image then return { kind = "image", image = image } end
  if html then return { kind = "html", html = html } end
  if markdown then
    return { kind = "blocks", blocks = pandoc.read(markdown, "markdown-smart").blocks }
  end
  if plain then return { kind = "blocks", blocks = { pandoc.CodeBlock(plain) } } end
  return nil
end

local function caption_inlines(label, text)
  local name = display_name(label)
  local inl = pandoc.Inlines({})
  if name then inl:insert(pandoc.Strong(pandoc.Inlines(name))) ; inl:insert(pandoc.Space()) end
  if text and text ~= "" then inl:extend(pandoc.read(text, "markdown-smart").blocks[1].content) end
  return inl
end

local function code_cell(div)
  local opts, out = {}, pandoc.Blocks({})
  local source = div.content[1]
  if source and source.t == "CodeBlock" then opts = parse_options(source.text) end
  if opts.include == "false" then return {} end
  if opts.echo == "true" and source then out:insert(source) end
  local label = opts.label or ""
  for _, b in ipairs(div.content) do
    if b.t == "Div" and b.classes:includes("output") then
      if b.classes:includes("error") then
        error("notebook cell " .. (label ~= "" and label or div.identifier) ..
              " has an error output: " .. stringify(b))
      end
      local best = (not b.classes:includes("stream")) and opts.output ~= "false" and best_output(b)
      if best and best.kind == "image" then
        local img = best.image
        img.caption = {}
        img.attr = pandoc.Attr()
        out:insert(pandoc.Para({ img }))
      elseif best and best.kind == "html" then
        local t = native_table(best.html)
        if t then
          if label:match("^tbl%-") then
            t.attr = pandoc.Attr(label, {}, { { "display", display_name(label) or "" } })
            t.caption = { long = { pandoc.Plain(caption_inlines(label, opts["tbl-cap"])) } }
          end
          out:insert(t)
        else
          out:extend(pandoc.read(best.html, "html").blocks)
        end
      elseif best and best.kind == "blocks" then
        out:extend(best.blocks)
      end
    end
  end
  -- A figure cell is one figure: its image and the notes under it, with one caption.
  if label:match("^fig%-") and #out > 0 then
    local has_image = false
    out:walk({ Image = function() has_image = true end })
    if has_image then
      out = pandoc.Blocks({ pandoc.Figure(out, { pandoc.Plain(caption_inlines(label, opts["fig-cap"])) },
                                          pandoc.Attr(label, {}, { { "display", display_name(label) or "" } })) })
    end
  end
  if opts.classes then
    local classes = {}
    for c in opts.classes:gmatch("[^%s,%[%]]+") do table.insert(classes, c) end
    return { pandoc.Div(out, pandoc.Attr("", classes)) }
  end
  return out
end

function Div(div)
  if div.classes:includes("cell") and div.classes:includes("code") then return code_cell(div) end
  if div.classes:includes("cell") and div.classes:includes("markdown") then return div.content end
  if div.classes:includes("cell") and div.classes:includes("raw") then return div.content end
end
