"""Scrubbing of attribute maps (OpenTelemetry attributes and the like)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._native import HushError, Scrubber


def scrub_value(scrubber: Scrubber, key: str, value: Any) -> Any:
    """``value`` as it may leave, judged under ``key`` by the library's
    structural rules (a ``password`` key hides its value) and its rules.

    Sequences come back as tuples, the form attribute values take. A value
    JSON cannot hold (an integer beyond 64 bits, NaN) is replaced whole
    under a sensitive key and otherwise kept (it holds no text)."""
    try:
        scrubbed = scrubber.scrub_json({key: value})
    except (HushError, TypeError):
        if isinstance(value, str):
            return scrubber.scrub(value)
        # Fails closed: if the key alone marks it sensitive, it goes.
        probe = scrubber.scrub_json({key: "x" * 8})
        if probe.get(key) != "x" * 8 or key not in probe:
            return "[REDACTED]"
        return value
    if key not in scrubbed:
        # The key itself held a secret: keep the value under the new key.
        (new,) = scrubbed.values()
    else:
        new = scrubbed[key]
    if isinstance(new, list):
        return tuple(new)
    return new


def scrub_attributes(scrubber: Scrubber, attributes: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A new dict of ``attributes`` with keys and values scrubbed."""
    if attributes is None:
        return None
    out: dict[str, Any] = {}
    for key, value in attributes.items():
        new_key = scrubber.scrub(key) if isinstance(key, str) else key
        out[new_key] = scrub_value(scrubber, key, value)
    return out
