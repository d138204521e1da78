"""hush for Python: remove secrets from everything an agent emits.

``Scrubber`` holds compiled rules (the embedded defaults, your rule files)
and known secret values, and redacts strings (``scrub``), bytes
(``scrub_bytes``), JSON values (``scrub_json``) and streams (``stream``).
``find`` reports where secrets are, never what they are. Errors are
``HushError`` (a ``ValueError``) with one-line messages that never contain
a secret.

The integrations are submodules, imported on demand:
``hush_redact.logging``, ``hush_redact.otel``, ``hush_redact.langsmith``.
"""

from ._native import (
    MIN_KNOWN_SECRET_LEN,
    Finding,
    HushError,
    KnownSecrets,
    Scrubber,
    Stream,
    __version__,
)

__all__ = [
    "MIN_KNOWN_SECRET_LEN",
    "Finding",
    "HushError",
    "KnownSecrets",
    "Scrubber",
    "Stream",
    "__version__",
]
