import io
import logging

from conftest import GH_LABEL, GH_TOKEN, GH_TOKEN_2
from hush_redact.logging import RedactingFilter


def make_logger(name):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s %(user_token)s"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger(name)
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream, handler


def test_message_args_and_extra_are_scrubbed():
    logger, stream, handler = make_logger("hush-test-args")
    seen = []
    handler.emit = (lambda emit: lambda record: (seen.append(record), emit(record)))(handler.emit)
    # The token is split between the format string and the argument.
    logger.info("pushing with " + GH_TOKEN[:10] + "%s", GH_TOKEN[10:], extra={"user_token": GH_TOKEN_2})
    out = stream.getvalue()
    assert out == f"INFO pushing with {GH_LABEL} {GH_LABEL}\n"
    record = seen[0]
    assert record.args is None
    assert GH_TOKEN not in repr(vars(record))


def test_tracebacks_are_scrubbed():
    logger, stream, _ = make_logger("hush-test-exc")
    try:
        raise RuntimeError(f"auth failed for {GH_TOKEN}")
    except RuntimeError:
        logger.exception("request failed", extra={"user_token": "-"})
    out = stream.getvalue()
    assert "RuntimeError: auth failed for " + GH_LABEL in out
    assert GH_TOKEN not in out


def test_a_broken_format_is_still_scrubbed():
    logger, stream, _ = make_logger("hush-test-broken")
    logger.info("%d items " + GH_TOKEN, "not-a-number", extra={"user_token": "-"})
    out = stream.getvalue()
    assert GH_TOKEN not in out
    assert GH_LABEL in out
