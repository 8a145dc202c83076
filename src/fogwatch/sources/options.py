"""Limits and settings shared by every reader, passed as one object."""

from __future__ import annotations

import os
from dataclasses import dataclass

from fogwatch import __version__

USER_AGENT = f"fogwatch/{__version__} (+https://github.com/fogwatch/fogwatch; conflict-news research)"


@dataclass(frozen=True, slots=True)
class ReadOptions:
    # 5 MB is ~50 times the longest report in the evaluation corpora; larger files are almost
    # always dumps or binaries mislabelled as text.
    max_bytes: int = 5_000_000
    # Shorter than a headline plus one sentence: nothing an extractor could use.
    min_chars: int = 20
    timeout: float = 15.0
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    # Follow a feed entry's link when the feed only carries a summary.
    fetch_links: bool = True
    # Private, loopback and link-local addresses are refused unless allowed (SSRF guard).
    allow_private: bool = False

    @classmethod
    def from_env(cls, **overrides: object) -> "ReadOptions":
        env_private = os.environ.get("FOGWATCH_ALLOW_PRIVATE", "").lower() in {"1", "true", "yes"}
        values: dict[str, object] = {"allow_private": env_private}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
