"""Errors of the report engines."""


class EngineError(RuntimeError):
    """A typesetting engine failed; the message carries pandoc/typst/quarto diagnostics."""
