"""``logging``: a filter that scrubs every record before a handler writes it.

Attach it to the handlers (a logger's own filters do not see the records
of its children)::

    import logging
    from hush_redact.logging import RedactingFilter

    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())

The filter formats the message with its arguments (``msg % args``), scrubs
the result and stores it as the record's message, with no arguments left:
a secret split between the format string and an argument is found, and no
handler can read an argument unscrubbed. It also scrubs the formatted
traceback (``exc_text``), ``stack_info`` and string attributes passed with
``extra=``.
"""

from __future__ import annotations

import logging as _logging
from typing import Optional

from ._native import Scrubber

__all__ = ["RedactingFilter"]

# What every LogRecord has; anything else came in through ``extra=``.
_STANDARD = frozenset(vars(_logging.LogRecord("", 0, "", 0, "", (), None)).keys()) | {"message", "asctime"}


class RedactingFilter(_logging.Filter):
    """Scrubs the message, arguments, traceback and extra attributes of
    every record; never drops a record."""

    def __init__(self, scrubber: Optional[Scrubber] = None, name: str = "") -> None:
        super().__init__(name)
        self.scrubber = scrubber if scrubber is not None else Scrubber()

    def filter(self, record: _logging.LogRecord) -> bool:
        scrub = self.scrubber.scrub
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format must not bypass scrubbing
            message = f"{record.msg!s} % {record.args!r}"
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = _logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
            # The traceback is now text; the exception object would let a
            # formatter render it again, unscrubbed.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, scrub(value))
        return True
