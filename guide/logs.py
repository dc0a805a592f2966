"""Logs that keep no patient's answers: answer codes and state codes are masked in every log the guide configures.

The development server's, gunicorn's access and error logs, and the app's own. A code is masked
however its path is spelled (percent-encoded, doubled slashes, under /embed), and the value of
every query parameter but the plain ones, wherever a query appears in a line.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

from flask import Flask

#: Query parameters whose values carry nothing of a patient's: kept in logs. Every other value is masked.
PLAIN_PARAMETERS = {"lang", "notice", "change", "v"}
MASK = "*****"
#: A query parameter: at the start of a line, after `?`, `&`, `;` or a space (a format's `%(q)s`), `name=value`.
_QUERY_VALUE = re.compile(r"(^|[?&;\s\"'])([^=&;\s\"'#?/]*)=([^&;\s\"'#]*)")
#: An answer code's path, `/r/CODE`, once decoded: anything after `r/` up to the next space or query.
_CODE_PATH = re.compile(r"(/r/+)[^\s?&\"'#]*", re.IGNORECASE)
#: A percent-encoded character.
_ENCODED = re.compile(r"%[0-9a-f]{2}", re.IGNORECASE)


def mask(text: str) -> str:
    """Mask answer codes (`/r/CODE`, however encoded) and the value of every query parameter but the plain ones."""
    if _ENCODED.search(text):
        text = unquote(unquote(text))  # a log line is read, not followed: decoding twice shows every spelling
    text = _CODE_PATH.sub(lambda match: match.group(1) + MASK, text)

    def query_value(match: re.Match[str]) -> str:
        if match.group(2) in PLAIN_PARAMETERS:
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}={MASK}"

    return _QUERY_VALUE.sub(query_value, text)


class RedactAnswerCodes(logging.Filter):
    """Keep answer codes and state codes (which carry a patient's answers) out of a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record (message and traceback) with every code masked; keep the record."""
        message = record.getMessage()
        redacted = mask(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True


#: The logs masked: the development server's, gunicorn's (access and error), and the app's own (its name).
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def init_app(app: Flask) -> None:
    """Mask answer codes in every log the guide and its servers write."""
    for name in (*LOGGERS, app.logger.name):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactAnswerCodes) for f in logger.filters):
            logger.addFilter(RedactAnswerCodes())
