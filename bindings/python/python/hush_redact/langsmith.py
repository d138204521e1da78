"""LangSmith: an anonymizer that scrubs run inputs, outputs, metadata and
errors before the client uploads them::

    from langsmith import Client
    from hush_redact.langsmith import anonymizer

    client = Client(anonymizer=anonymizer())

The client hands the anonymizer each payload as ``json.loads`` gives it;
it is scrubbed with :meth:`Scrubber.scrub_json` (values under sensitive
keys, argv arrays, command lines, and every string by the rules). A value
JSON cannot hold exactly (an integer beyond 64 bits, NaN, an object of
another type) is turned into its ``str`` and scrubbed as text.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional

from ._native import Scrubber

__all__ = ["anonymizer", "jsonable"]

_I64_MIN = -(2**63)
_U64_MAX = 2**64 - 1


def jsonable(value: Any) -> Any:
    """``value`` in the shape :meth:`Scrubber.scrub_json` takes: tuples as
    lists, and every leaf it could not take as its ``str``."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        return value if _I64_MIN <= value <= _U64_MAX else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return str(value)


def anonymizer(scrubber: Optional[Scrubber] = None) -> Callable[[Any], Any]:
    """A function for ``langsmith.Client(anonymizer=...)``: takes a payload,
    returns a scrubbed copy."""
    s = scrubber if scrubber is not None else Scrubber()

    def anonymize(payload: Any) -> Any:
        return s.scrub_json(jsonable(payload))

    return anonymize
