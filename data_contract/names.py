"""The one rule for names that become folder or file names: snapshot ids and report versions.

A name comes from a command line (``--snapshot``, ``--version``, ``diff V1 V2``,
``verify V``) or from a file (a manifest's ``snapshot_id``, a provenance
record), and is joined to a folder (``data/snapshots/<id>/``,
``report/<version>/``, ``_build/locks/<version>.lock``). :func:`check_name`
is called on it before any path is built from it, so a name can never leave
its folder, hide a newline or clash with a file the tools write:

- 1 to :data:`MAX_LENGTH` characters: ASCII letters, digits and ``. _ + -``;
- the first character a letter or digit (so no ``.``, ``..`` or hidden name,
  no option-like ``-x``);
- the whole string must match (``fullmatch``: a trailing newline is refused);
- not one of the caller's reserved names.

Snapshot ids and report versions share the rule and the limit, so every
snapshot id that can be frozen is also a valid default report version.
"""

from __future__ import annotations

import re
from collections.abc import Collection

MAX_LENGTH = 64
_NAME = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._+-]{{0,{MAX_LENGTH - 1}}}")
RULE = (f"1 to {MAX_LENGTH} characters: letters, digits and . _ + -, "
        "starting with a letter or digit")


class InvalidName(ValueError):
    """A name that breaks the rule of :func:`check_name`; the message says which rule."""


def check_name(value: object, kind: str, reserved: Collection[str] = ()) -> str:
    """``value`` if it is a valid ``kind`` name (see the module docstring), else
    :class:`InvalidName` naming the kind, the value (``repr``: control characters show)
    and the rule."""
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise InvalidName(f"invalid {kind} {value!r}: use {RULE}")
    if value in reserved:
        raise InvalidName(f"invalid {kind} {value!r}: reserved names are {sorted(reserved)}")
    return value
