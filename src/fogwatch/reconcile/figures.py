"""Figures per incident: who reports how many, and what a careful coder would conclude.

For each incident, category (killed, wounded, …) and subject group (people, children, soldiers, …)
this gives every *voice*'s interval and two summaries:

- UCDP-style low / best / high. UCDP keeps a low, a best and a high estimate per event; here
  low  = the lowest credible lower bound,
  high = the highest credible upper bound (an open "at least 27" raises it only to 27),
  best = the median of the voices' best values (the lower median when their number is even, so
         the best is always a figure someone reported, never an average nobody said). Vague amounts
         ("dozens") take no part in the best: they stay ranges, with their words kept.
  Credible = not itself a denial and not answered by one (a figure whose claim another source
  denies stays listed, but does not set the summary).
- ACLED's conservative count: ACLED codes the lowest reported fatality figure, so `acled` is the
  lowest best among credible voices (vague ones included, at their conservative best).

A voice is one source as counted once: a named source or another medium is one voice whichever
outlets quote it (the RSF's toll carried by three outlets is one claim, not three); the outlet's own
reporting and its anonymous sources are one voice per outlet, with wire copies and near-duplicate
articles collapsed into one outlet (`groups`: article id → duplicate-group id). Figures repeated by a
near-duplicate sentence (`repeated`, from duplicates.repeated_figures) are skipped.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import Any

from fogwatch.reconcile.disputes import disjoint
from fogwatch.reconcile.incidents import ClaimRef, EventRef, FigureRef, Incident

# Subject groups: figures are summarised only against figures that count the same people. "people",
# "civilians", "bodies" and an unnamed subject are one group (reports use them interchangeably for
# one toll); children and women are parts of a toll, and soldiers and fighters are usually the two
# sides' losses, so each is its own group. Other subjects group by their head noun.
_SUBJECT_GROUPS = {
    "people": {"", "people", "person", "persons", "civilian", "civilians", "resident", "residents", "villager",
               "villagers", "dead", "body", "bodies", "victim", "victims", "citizen", "citizens", "other",
               "others", "individual", "individuals", "worshipper", "worshippers", "patient", "patients"},
    "children": {"child", "children", "boy", "boys", "girl", "girls", "kid", "kids", "minor", "minors", "infant",
                 "infants", "baby", "babies"},
    "women": {"woman", "women"},
    "soldiers": {"soldier", "soldiers", "troop", "troops", "serviceman", "servicemen", "personnel", "officer",
                 "officers", "policeman", "policemen", "police", "guard", "guards", "conscript", "conscripts"},
    "fighters": {"fighter", "fighters", "militant", "militants", "rebel", "rebels", "jihadist", "jihadists",
                 "insurgent", "insurgents", "gunman", "gunmen", "terrorist", "terrorists", "mercenary",
                 "mercenaries", "militiaman", "militiamen", "member", "members"},
}
_GROUP_OF = {word: group for group, words in _SUBJECT_GROUPS.items() for word in words}
_CATEGORY_ORDER = ("killed", "wounded", "missing", "captured", "arrested", "displaced", "sheltered", "evacuated",
                   "deployed", "equipment_destroyed", "protesters", "other")
_ASSERTING = frozenset({"assert", "allege", "hedge"})
BEST_RULE = "best = lower median of the voices' best values (vague amounts excluded)"


def subject_group(subject: str | None) -> str:
    words = (subject or "").lower().split()
    head = words[-1] if words else ""
    if head in _GROUP_OF:
        return _GROUP_OF[head]
    return head[:-1] if head.endswith("s") and len(head) > 3 else head


@dataclass(frozen=True, slots=True)
class Voice:
    """A source as counted once (see the module docstring)."""

    key: tuple[str, ...]
    label: str  # "Rapid Support Forces", "Sahel Dispatch", "medical source (Sahel Dispatch)"
    kind: str  # outlet, named, anonymous, media
    claim: ClaimRef | None = None


def outlet_identities(events: Iterable[EventRef], groups: Mapping[str, str] | None = None) -> dict[str, str]:
    """article id → the outlet it counts as: articles of one outlet are one, and so are wire copies
    (one duplicate group) whatever outlet carried them. The label is the earliest article's outlet."""
    groups = groups or {}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    ordered = sorted({e.article_id: e for e in events}.values(), key=lambda e: (e.published or date.min, e.article_id))
    for event in ordered:
        nodes = [f"a:{event.article_id}", f"g:{groups.get(event.article_id, event.article_id)}"]
        if event.outlet:
            nodes.append(f"o:{event.outlet.lower()}")
        for node in nodes[1:]:
            a, b = find(nodes[0]), find(node)
            if a != b:
                parent[b] = a
    label: dict[str, str] = {}
    for event in ordered:
        label.setdefault(find(f"a:{event.article_id}"), event.outlet or event.article_id)
    return {e.article_id: label[find(f"a:{e.article_id}")] for e in ordered}


def voice_of(claim: ClaimRef | None, event: EventRef, outlets: Mapping[str, str]) -> Voice:
    """The voice of a claim in an event's article; `outlets` from `outlet_identities`."""
    outlet = outlets.get(event.article_id) or event.outlet or event.article_id
    source = claim.source if claim else None
    if source is None or (source.kind or "outlet") == "outlet":
        return Voice(("outlet", outlet.lower()), outlet, "outlet", claim)
    name = (source.name or "").strip()
    if source.kind in {"named", "media"} and name:
        return Voice(("named", name.lower()), name, source.kind, claim)
    name = name or "unnamed source"
    return Voice(("anonymous", outlet.lower(), name.lower()), f"{name} ({outlet})", source.kind or "anonymous", claim)


@dataclass(slots=True)
class SourceFigure:
    """One voice's figure for a category and subject group: the latest it gave (tolls rise)."""

    source: str
    kind: str
    voice: tuple[str, ...]
    low: int | None
    high: int | None
    best: int | None
    qualifier: str | None
    text: str | None  # the figure's own words ("dozens of people"): vague amounts keep them
    subject: str | None
    stance: str | None
    credible: bool
    published: date | None
    outlets: list[str] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)  # (article id, figure id) backing it

    @property
    def vague(self) -> bool:
        return self.qualifier == "vague"

    def interval(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high}


@dataclass(slots=True)
class FigureSummary:
    incident: str
    category: str
    subject: str
    sources: list[SourceFigure]
    low: int | None
    best: int | None
    high: int | None
    acled: int | None
    backing: dict[str, list[str]]  # low / best / high / acled → the voices that gave that value
    disputes: list[tuple[str, str]]  # pairs of voices whose intervals cannot both be true
    credible: bool  # False: every figure was denied, and the summary is of them anyway
    rule: str = BEST_RULE


def source_figures(incident: Incident, groups: Mapping[str, str] | None = None,
                   repeated: Collection[tuple[str, str]] = ()) -> dict[tuple[str, str], list[SourceFigure]]:
    """(category, subject group) → one SourceFigure per voice: the figure from its latest article
    (the highest of them when one article gives two), backed by every report of that same interval."""
    outlets = outlet_identities(incident.events, groups)
    given: dict[tuple[str, str, tuple[str, ...]], list[tuple[FigureRef, EventRef, Voice]]] = {}
    for event in incident.events:
        for figure in event.figures:
            if (event.article_id, figure.id) in repeated or (figure.claim and figure.claim.stance == "deny"):
                continue
            voice = voice_of(figure.claim, event, outlets)
            given.setdefault((figure.category, subject_group(figure.subject), voice.key), []).append((figure, event, voice))
    out: dict[tuple[str, str], list[SourceFigure]] = {}
    for key, entries in given.items():
        figure, event, voice = max(entries, key=lambda x: (x[1].published or date.min,
                                                          x[0].best if x[0].best is not None else -1))
        same = [(f, e) for f, e, _ in entries if (f.low, f.high) == (figure.low, figure.high)]
        out.setdefault(key[:2], []).append(SourceFigure(
            source=voice.label, kind=voice.kind, voice=voice.key, low=figure.low, high=figure.high,
            best=figure.best, qualifier=figure.qualifier, text=figure.text, subject=figure.subject,
            stance=figure.claim.stance if figure.claim else "assert",
            # denied in one article, denied: the voice's figure does not set the summary
            credible=not any(f.denied for f, _ in same) and (figure.claim is None or figure.claim.stance in _ASSERTING),
            published=event.published,
            outlets=list(dict.fromkeys(e.outlet for _, e, _ in entries if e.outlet)),
            figures=[(e.article_id, f.id) for f, e in same]))
    return out


def _summary(incident: Incident, category: str, subject: str, sources: list[SourceFigure]) -> FigureSummary:
    sources.sort(key=lambda s: (s.best is None, s.best or 0, s.source))
    credible = [s for s in sources if s.credible]
    basis = credible or sources
    lows = [s.low for s in basis if s.low is not None]
    highs = [v for v in (s.high if s.high is not None else s.best for s in basis) if v is not None]
    bests = sorted(s.best for s in basis if s.best is not None and not s.vague)
    low = min(lows) if lows else None
    high = max(highs) if highs else None
    best = bests[(len(bests) - 1) // 2] if bests else None
    conservative = [s.best for s in basis if s.best is not None]
    acled = min(conservative) if conservative else None
    backing = {
        "low": [s.source for s in basis if low is not None and s.low == low],
        "best": [s.source for s in basis if best is not None and s.best == best and not s.vague],
        "high": [s.source for s in basis if high is not None and (s.high if s.high is not None else s.best) == high],
        "acled": [s.source for s in basis if acled is not None and s.best == acled],
    }
    disputes = [(a.source, b.source) for a, b in combinations(sources, 2) if disjoint(a.interval(), b.interval())]
    return FigureSummary(incident.id, category, subject, sources, low, best, high, acled, backing, disputes,
                         credible=bool(credible))


def summarise_figures(incident: Incident, groups: Mapping[str, str] | None = None,
                      repeated: Collection[tuple[str, str]] = ()) -> list[FigureSummary]:
    """One summary per category and subject group of the incident's figures (see module docstring)."""
    by_key = source_figures(incident, groups, repeated)
    order = {c: i for i, c in enumerate(_CATEGORY_ORDER)}
    keys = sorted(by_key, key=lambda k: (order.get(k[0], len(order)), k[1]))
    return [_summary(incident, category, subject, by_key[(category, subject)]) for category, subject in keys]
