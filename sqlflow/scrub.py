"""Secret values never leave sqlflow: one scrubber for every line it prints and every file it writes.

Two things are hidden, wherever they appear:

- **known values**: the value of every ``${NAME}`` that is a secret (its name looks secret,
  or it comes from the secrets file, ``SQLFLOW_SECRETS_FILE``) is registered here the moment
  the configuration reads it (:func:`add_secret`), and replaced by ``*****`` by value;
- **values of secret-looking keys**: ``password=...``, the secrets inside ``sasl.jaas.config``,
  ``secret_access_key=...``, ``aws.secret.access.key: ...``, ``Authorization: Bearer ...``, and
  the password in a URL (``jdbc:postgresql://user:pw@host``, ``?password=...``), whatever
  their value (a ``${NAME}`` reference, which is no secret, is left as it is).

Output leaves sqlflow in three places, and each goes through :func:`scrub`: the CLI's
standard output and error (:func:`scrubbed_output` wraps both streams for the whole
command: results, progress lines, errors, logs), the errors' own text
(:meth:`sqlflow.errors.SqlflowError.render`), and the files sqlflow writes for people or
other tools (:func:`scrub_data` for the deploy state file and Kubernetes manifests).
"""

from __future__ import annotations

import io
import logging
import re
import sys
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, TextIO

#: What a hidden value becomes.
MASK = "*****"
#: Shorter values are not hidden by value (they would mask ordinary words and numbers).
MIN_LENGTH = 4
#: Scrubbing is always on; tests switch it off to show that an output would hold a secret without it.
ACTIVE = True

_known: set[str] = set()

#: A key naming a secret: the word as a whole part of a dotted/dashed/underscored name.
_SECRET_WORD = (r"(?:password|passwd|passphrase|secret|token|credentials?|api[._-]?key|access[._-]?key"
                r"|private[._-]?key|secret[._-]?key)")
_KEY = rf"(?<![\w.\-])['\"]?(?:[\w.\-]*[._\-])?{_SECRET_WORD}(?:[._\-][\w.\-]*)?['\"]?"
_KEY_VALUE = re.compile(rf"(?i)({_KEY}\s*[=:]\s*)('[^']*'|\"[^\"]*\"|[^\s,;)&'\"]+)")
#: ``scheme://user:password@host``: the password part.
_URL_PASSWORD = re.compile(r"(?i)(\b[a-z][a-z0-9+.\-]*://[^\s/:@'\"]+:)([^\s/@'\"]+)(@)")
#: A secret inside a JAAS configuration (``sasl.jaas.config``): ``password="..."``, ``clientSecret="..."``;
#: the login module and user name stay readable.
_JAAS_PAIR = re.compile(r'(?i)(\b\w*(?:password|secret|token)\w*\s*=\s*)("[^"]*"|\'[^\']*\')')
#: ``Authorization: Bearer <token>`` / ``Basic <token>``.
_AUTH_HEADER = re.compile(r"(?i)(\b(?:bearer|basic)\s+)([A-Za-z0-9._~+/=\-]{8,})")
_REFERENCE = re.compile(r"^['\"]?\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}['\"]?$")


def add_secret(*values: str | None) -> None:
    """Register secret values: from now on they are hidden wherever sqlflow shows or writes them."""
    for v in values:
        if v and len(v) >= MIN_LENGTH:
            _known.add(v)
            stripped = v.strip()
            if stripped != v and len(stripped) >= MIN_LENGTH:
                _known.add(stripped)


def known_secrets() -> frozenset[str]:
    """The values registered so far."""
    return frozenset(_known)


def forget_secrets() -> None:
    """Drop every registered value (a test, or a process that loads another project)."""
    _known.clear()


def _mask_value(m: re.Match) -> str:
    value = m.group(2)
    if _REFERENCE.match(value):
        return m.group(0)
    quote = value[0] if value[:1] in ("'", '"') else ""
    return m.group(1) + f"{quote}{MASK}{quote}"


def scrub(text: str, secrets: Iterable[str] = (), keys: bool = True) -> str:
    """``text`` with every known secret value (and ``secrets``) hidden, and with ``keys`` the values of
    secret-looking keys too."""
    if not ACTIVE or not text:
        return text
    values = sorted({*_known, *(s for s in secrets if s and len(s) >= MIN_LENGTH)}, key=len, reverse=True)
    for s in values:
        if s in text:
            text = text.replace(s, MASK)
    if not keys:
        return text
    text = _URL_PASSWORD.sub(lambda m: m.group(1) + MASK + m.group(3), text)
    text = _JAAS_PAIR.sub(_mask_value, text)
    text = _AUTH_HEADER.sub(lambda m: m.group(1) + MASK, text)
    return _KEY_VALUE.sub(_mask_value, text)


def scrub_data(data: Any, keys: bool = True) -> Any:
    """A copy of JSON-like ``data`` (dicts, lists, strings) with every string scrubbed, so a file written
    from it stays valid while holding no secret (``keys``: as :func:`scrub`)."""
    if isinstance(data, str):
        return scrub(data, keys=keys)
    if isinstance(data, dict):
        return {scrub_data(k, keys) if isinstance(k, str) else k: scrub_data(v, keys) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [scrub_data(v, keys) for v in data]
    return data


class ScrubbingStream(io.TextIOBase):
    """A text stream that scrubs what is written to it, a line at a time, before passing it on.

    Whole lines are scrubbed (a secret split over two ``write`` calls of one line is still
    found); a partial line goes out at :meth:`flush`.
    """

    def __init__(self, target: TextIO):
        super().__init__()
        self.target = target
        self._pending = ""

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._pending += text
        cut = max(self._pending.rfind("\n"), self._pending.rfind("\r"))
        if cut >= 0:
            done, self._pending = self._pending[:cut + 1], self._pending[cut + 1:]
            self.target.write(scrub(done))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, ""
            self.target.write(scrub(pending))
        self.target.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return bool(getattr(self.target, "isatty", lambda: False)())

    def fileno(self) -> int:
        return self.target.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.target, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.target, "errors", None)


class ScrubFilter(logging.Filter):
    """A logging filter that scrubs each record's message (for handlers that write elsewhere than the
    standard streams, or were made before :func:`scrubbed_output` wrapped them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = scrub(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


def scrub_logging(logger: logging.Logger | None = None) -> None:
    """Put a :class:`ScrubFilter` on every handler of ``logger`` (default: the root logger)."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, ScrubFilter) for f in handler.filters):
            handler.addFilter(ScrubFilter())


@contextmanager
def scrubbed_output() -> Iterator[None]:
    """Route this process's standard output and error through the scrubber while the block runs."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = ScrubbingStream(out), ScrubbingStream(err)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        sys.stdout, sys.stderr = out, err


__all__ = ["MASK", "ScrubFilter", "ScrubbingStream", "add_secret", "forget_secrets", "known_secrets", "scrub", "scrub_data",
           "scrub_logging", "scrubbed_output"]
