"""Text as RTF: the one escaping of data text for the submission TLF package.

rtflite's own text conversion (LaTeX symbols, ``^``/``_`` as super/subscript) is
switched off by the document builder, so what is escaped here appears verbatim.
"""

from __future__ import annotations

from analysis.style.escape import display_text


def escape(text: object) -> str:
    """``text`` as RTF text: ``\\``, ``{``, ``}`` escaped, line breaks as ``\\line``,
    non-breaking space as ``\\~``, every other non-ASCII character as ``\\uN?``."""
    out: list[str] = []
    for ch in display_text(str(text)):  # bidi and control characters shown by their code
        code = ord(ch)
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\line ")
        elif ch == "\u00a0":
            out.append("\\~")
        elif code < 128:
            out.append(ch)
        elif code <= 0xFFFF:
            out.append(f"\\u{code - 65536 if code > 32767 else code}?")
        else:  # astral plane: UTF-16 surrogate pair
            hi = 0xD800 + ((code - 0x10000) >> 10)
            lo = 0xDC00 + ((code - 0x10000) & 0x3FF)
            out.append(f"\\u{hi - 65536}?\\u{lo - 65536}?")
    return "".join(out)
