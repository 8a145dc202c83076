"""Disputes: where sources contradict each other.

- `assert_deny`: a denial that answers a claim (`responds_to`) — the claim and the denial are the
  two sides.
- `figure`: two figures of the same category, claimed by different sources about the same thing,
  whose intervals cannot both be true. "The same thing" inside one article: one claim answers the
  other, or both figures stand in one sentence, or they count the same subject. A gap within the
  rounding tolerance is no dispute ("about 850" vs "nearly 900").
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations
from typing import Any

# Exact counts closer than this share of the smaller one are treated as agreeing: reporters round,
# and 100 against 105 is not a contradiction worth an analyst's time.
ROUNDING_TOLERANCE = 0.10
# Figures of these categories describe stocks that can legitimately differ within a report
# (people sheltered at two sites); they are compared only when one claim answers the other.
_LOOSE_CATEGORIES = frozenset({"other", "sheltered"})


def _interval(figure: dict[str, Any]) -> tuple[float, float]:
    low = figure.get("low")
    high = figure.get("high")
    return (float(low) if low is not None else float("-inf"), float(high) if high is not None else float("inf"))


def disjoint(a: dict[str, Any], b: dict[str, Any], tolerance: float = ROUNDING_TOLERANCE) -> bool:
    """Whether two figures' intervals cannot both hold. Two exact counts may differ by the
    rounding tolerance; an interval ("about 850", "thousands") already carries its uncertainty."""
    (a_lo, a_hi), (b_lo, b_hi) = _interval(a), _interval(b)
    if not (a_lo == a_hi and b_lo == b_hi):
        tolerance = 0.0
    if a_hi < b_lo:
        gap, scale = b_lo - a_hi, max(abs(a_hi), 1.0)
    elif b_hi < a_lo:
        gap, scale = a_lo - b_hi, max(abs(b_hi), 1.0)
    else:
        return False
    return gap > tolerance * scale


def _source_key(source: dict[str, Any]) -> tuple:
    if source.get("kind") == "outlet":
        return ("outlet",)
    name = (source.get("name") or source.get("text") or "").lower()
    return (source.get("kind"), name, source.get("country"), source.get("sector"))


def _side(record: dict[str, Any], claim: dict[str, Any], figure: dict[str, Any] | None = None) -> dict[str, Any]:
    source = claim.get("source") or {}
    span = figure or claim
    side = {
        "article": record["article"]["id"],
        "claim": claim["id"],
        "start": span["start"],
        "end": span["end"],
        "text": span.get("text"),
        "source": {k: source.get(k) for k in ("name", "text", "country", "sector", "kind")},
        "stance": claim.get("stance"),
        "outlet": record["article"].get("outlet"),
        "published": record["article"].get("published"),
    }
    if figure is not None:
        side["figure"] = {k: figure.get(k) for k in ("low", "high", "best", "qualifier")}
        side["figure"]["id"] = figure["id"]
    return side


def disputes_in_record(record: dict[str, Any]) -> list[dict[str, Any]]:
    claims = {c["id"]: c for c in record.get("claims", [])}
    out: list[dict[str, Any]] = []
    for claim in record.get("claims", []):
        answered = claims.get(claim.get("responds_to") or "")
        if claim.get("stance") == "deny" and answered is not None:
            out.append({"kind": "assert_deny", "about": answered.get("text"), "category": None,
                        "sides": [_side(record, answered), _side(record, claim)]})
    figures = [f for f in record.get("figures", []) if f.get("claim") in claims]
    # Figures one event carries: "killing 12, the ministry said, while medics counted 30".
    same_event = {(x, y) for e in record.get("events", []) if not (e.get("negated") or e.get("hypothetical"))
                  for x in e.get("figures", []) for y in e.get("figures", []) if x != y}
    for a, b in combinations(figures, 2):
        if a["category"] != b["category"]:
            continue
        ca, cb = claims[a["claim"]], claims[b["claim"]]
        if _source_key(ca["source"]) == _source_key(cb["source"]) or "deny" in (ca["stance"], cb["stance"]):
            continue
        answers = ca.get("responds_to") == cb["id"] or cb.get("responds_to") == ca["id"]
        if a["category"] in _LOOSE_CATEGORIES and not answers:
            continue
        if not (answers or (a["id"], b["id"]) in same_event):
            continue
        if disjoint(a, b):
            out.append({"kind": "figure", "about": b.get("subject") or a.get("subject"), "category": a["category"],
                        "sides": [_side(record, ca, a), _side(record, cb, b)]})
    return out


def find_disputes(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Disputes within each record, numbered d1, d2, …"""
    out = []
    for record in records:
        out.extend(disputes_in_record(record))
    for number, dispute in enumerate(out, start=1):
        dispute["id"] = f"d{number}"
    return [{"id": d["id"], **{k: v for k, v in d.items() if k != "id"}} for d in out]
