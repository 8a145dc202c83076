"""One catalogue of the reasons fogwatch rejects input, so messages stay consistent and testable.

Each code names a kind of failure; the message template says what was wrong in words a user can
act on. Readers raise `SourceError(code, origin, **details)`; the ingest loop turns it into a
stored `Rejection`.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "E001": "cannot read file: {detail}",
    "E002": "file is empty",
    "E003": "looks like binary data, not text ({detail})",
    "E004": "too large: {size:,} bytes, over the limit of {limit:,} bytes",
    "E005": "no article text found in HTML{detail}",
    "E006": "line {line}: not valid JSON ({detail})",
    "E007": "line {line}: {detail}",
    "E008": "not a feed, or a feed with no entries ({detail})",
    "E009": "cannot fetch: {detail}",
    "E010": "HTTP {status} from server",
    "E011": "front matter is not valid ({detail})",
    "E012": "no such file or folder",
    "E013": "text is too short to be an article ({chars} characters)",
    "E014": "unsupported content type {detail}",
    "E015": "address not allowed: {detail}",
    "E016": "text is too long to be one article ({chars:,} characters, over the limit of {limit:,})",
    "E999": "unexpected error: {detail}",
}


class FogwatchError(Exception):
    """Base of every error fogwatch raises on purpose."""


class SourceError(FogwatchError):
    """An input that cannot become an article. `origin` names it: path, path:line or URL."""

    def __init__(self, code: str, origin: str, **details: object) -> None:
        self.code = code
        self.origin = origin
        self.details = details
        template = MESSAGES[code]
        details.setdefault("detail", "")
        try:
            self.reason = template.format(**details)
        except (KeyError, ValueError):
            self.reason = f"{template} {details}"
        super().__init__(f"{origin}: {self.reason}")


class StoreError(FogwatchError):
    """The database cannot be opened or is not a fogwatch database."""
