"""`fogwatch eval`: precision / recall / F1 per kind of fact against gold in the format of
../shared/gold/seeds.yaml.

Matching follows the gold file's header: a prediction matches a gold item when its span overlaps
the gold anchor (first occurrence unless `occurrence` says otherwise) and its attributes agree.
The gold lists are not exhaustive (not every mention of "Azerbaijan" is a gold place), so precision
is *judged* precision: of the predictions that overlap a gold anchor of the kind (or a `not_*`
anchor), how many are right. Predictions touching no gold anchor are counted as `unjudged`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from fogwatch.gazetteer import km
from fogwatch.model import Article
from fogwatch.reconcile.duplicates import sentence_spans

KINDS = ("actors", "places", "times", "figures", "claims", "events", "disputes")


@dataclass
class Score:
    gold: int = 0
    matched: int = 0  # gold items found with the right attributes
    judged: int = 0  # predictions that overlap a gold (or not_*) anchor
    correct: int = 0  # judged predictions that are right
    unjudged: int = 0
    misses: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.correct / self.judged if self.judged else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"gold": self.gold, "matched": self.matched, "judged": self.judged, "correct": self.correct,
                "unjudged": self.unjudged, "precision": round(self.precision, 3),
                "recall": round(self.recall, 3), "f1": round(self.f1, 3),
                "misses": self.misses, "errors": self.errors}


def anchor_span(text: str, anchor: str, occurrence: int = 1) -> tuple[int, int] | None:
    start = -1
    for _ in range(occurrence):
        start = text.find(anchor, start + 1)
        if start < 0:
            return None
    return start, start + len(anchor)


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def spans_of(item: dict[str, Any]) -> list[tuple[int, int]]:
    """Every span a predicted item covers: its own, and for claims its source and cue."""
    spans = []
    if item.get("start") is not None and item.get("end") is not None:
        spans.append((item["start"], item["end"]))
    for part in ("source", "cue"):
        sub = item.get(part) or {}
        if sub.get("start") is not None and sub.get("end") is not None:
            spans.append((sub["start"], sub["end"]))
    return spans


def touches(item: dict[str, Any], span: tuple[int, int]) -> bool:
    return any(overlaps(s, span) for s in spans_of(item))


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _norm(name: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (name or "").lower()).strip()


# -- attribute checks, one per kind -------------------------------------------------------------

def place_ok(pred: dict, gold: dict) -> bool:
    if gold.get("country") and pred.get("country") != gold["country"]:
        return False
    if gold.get("within_km") is not None:
        if pred.get("lat") is None or pred.get("lon") is None:
            return False
        return km(pred["lat"], pred["lon"], gold["lat"], gold["lon"]) <= gold["within_km"]
    return True


def time_ok(pred: dict, gold: dict) -> bool:
    return pred.get("from") == _iso(gold.get("from")) and pred.get("to") == _iso(gold.get("to"))


def source_ok(source: dict | None, gold: dict, text: str) -> bool:
    """A predicted claim source (or actor) against a gold source description."""
    source = source or {}
    if "kind" in gold and source.get("kind") != gold["kind"]:
        return False
    if "country" in gold and source.get("country") != gold["country"]:
        return False
    if "sector" in gold:
        allowed = {gold["sector"], *gold.get("accept_sector", [])}
        if source.get("sector") not in allowed:
            return False
    if "name" in gold and _norm(gold["name"]) not in {_norm(source.get("name")), _norm(source.get("text"))}:
        return False
    if "anchor" in gold:
        span = anchor_span(text, gold["anchor"])
        if span is None or source.get("start") is None or not overlaps((source["start"], source["end"]), span):
            return False
    return True


def interval_ok(pred: dict, gold: dict) -> bool:
    inf = float("inf")
    p_lo, p_hi = pred.get("low"), pred.get("high")
    g_lo, g_hi = gold.get("low"), gold.get("high")
    p_lo = -inf if p_lo is None else p_lo
    p_hi = inf if p_hi is None else p_hi
    g_lo = -inf if g_lo is None else g_lo
    g_hi = inf if g_hi is None else g_hi
    if not (p_lo <= g_hi and g_lo <= p_hi):
        return False
    best = pred.get("best")
    return best is None or g_lo <= best <= g_hi


# -- scoring -------------------------------------------------------------------------------------

@dataclass
class GoldArticle:
    gold: dict[str, Any]
    text: str
    record: dict[str, Any]

    def span(self, item: dict | str) -> tuple[int, int] | None:
        if isinstance(item, str):
            return anchor_span(self.text, item)
        return anchor_span(self.text, item["anchor"], item.get("occurrence", 1))


def _score_spans(score: Score, doc: GoldArticle, kind: str, preds: list[dict], check, negatives=()) -> None:
    golds = doc.gold.get(kind, []) or []
    spans = []
    for gold in golds:
        span = doc.span(gold)
        spans.append(span)
        if span is None:
            score.errors.append(f"anchor not in text: {gold['anchor']!r}")
            continue
        score.gold += 1
        if any(touches(p, span) and check(p, gold) for p in preds):
            score.matched += 1
        else:
            found = [p.get("text") for p in preds if touches(p, span)]
            score.misses.append(f"{gold['anchor']!r} (overlapping predictions: {found})")
    negative_spans = [s for s in (doc.span(n) for n in negatives) if s]
    for pred in preds:
        hit = [g for g, s in zip(golds, spans) if s and touches(pred, s)]
        if hit:
            score.judged += 1
            score.correct += any(check(pred, g) for g in hit)
        elif any(touches(pred, s) for s in negative_spans):
            score.judged += 1
            score.errors.append(f"predicted on a negative anchor: {pred.get('text')!r}")
        else:
            score.unjudged += 1


def score_actors(score: Score, doc: GoldArticle) -> None:
    """Gold actors are the claims' sources that name a country, sector or organisation (an actor
    must overlap the claim anchor) and the events' actors (one in the anchor's sentence)."""
    actors = doc.record.get("actors", [])
    for claim in doc.gold.get("claims", []) or []:
        src = {k: v for k, v in claim.get("source", {}).items() if k != "kind"}
        if not src or claim.get("source", {}).get("kind") in {"anonymous", "outlet"}:
            continue
        span = doc.span(claim)
        if span is None:
            continue
        score.gold += 1
        near = [a for a in actors if touches(a, span)]
        if any(source_ok(a, src, doc.text) for a in near):
            score.matched += 1
        else:
            score.misses.append(f"source of {claim['anchor']!r}: {src} (found {[a.get('text') for a in near]})")
        score.judged += len(near)
        score.correct += sum(source_ok(a, src, doc.text) for a in near)
    for event in doc.gold.get("events", []) or []:
        span = doc.span(event)
        if span is None:
            continue
        sentence = _sentence_span(doc.text, span)
        countries = {a.get("country") for a in actors if overlaps((a["start"], a["end"]), sentence)}
        for country in event.get("actors", []) or []:
            score.gold += 1
            accept = {country, *event.get("accept_actors", [])}
            if countries & accept:
                score.matched += 1
            else:
                score.misses.append(f"actor {country} of event {event['anchor']!r} (found {sorted(filter(None, countries))})")


def _sentence_span(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The sentence(s) around a gold anchor, split by rule rather than by the parser (gold is
    parser-independent), the same way duplicates are found."""
    around = [(s, e) for s, e in sentence_spans(text) if s < span[1] and span[0] < e] or [(0, len(text))]
    return around[0][0], around[-1][1]


def _claims_by_id(record: dict) -> dict[str, dict]:
    return {c["id"]: c for c in record.get("claims", [])}


def score_figures(score: Score, doc: GoldArticle) -> None:
    claims = _claims_by_id(doc.record)

    def check(pred: dict, gold: dict) -> bool:
        if pred.get("category") != gold.get("category") or not interval_ok(pred, gold):
            return False
        claim = claims.get(pred.get("claim") or "", {})
        if "source" in gold and not source_ok(claim.get("source"), gold["source"], doc.text):
            return False
        return "stance" not in gold or claim.get("stance") == gold["stance"]

    optional = [g for g in doc.gold.get("figures", []) or [] if g.get("optional")]
    required = {**doc.gold, "figures": [g for g in doc.gold.get("figures", []) or [] if not g.get("optional")]}
    view = GoldArticle(required, doc.text, doc.record)
    preds = [p for p in doc.record.get("figures", [])
             if not any(touches(p, s) for s in (doc.span(o) for o in optional) if s)]
    _score_spans(score, view, "figures", preds, check, negatives=doc.gold.get("not_figures", []) or [])


def score_claims(score: Score, doc: GoldArticle) -> None:
    claims = _claims_by_id(doc.record)

    def check(pred: dict, gold: dict) -> bool:
        if not source_ok(pred.get("source"), gold.get("source", {}), doc.text):
            return False
        if pred.get("stance") not in {gold.get("stance"), *gold.get("accept_stance", [])}:
            return False
        if gold.get("responds_to"):
            target = claims.get(pred.get("responds_to") or "")
            span = doc.span(gold["responds_to"])
            return bool(target and span and touches(target, span))
        return True

    _score_spans(score, doc, "claims", doc.record.get("claims", []), check)


def score_events(score: Score, doc: GoldArticle) -> None:
    actors = {a["id"]: a for a in doc.record.get("actors", [])}

    def check(pred: dict, gold: dict) -> bool:
        if pred.get("type") not in {gold.get("type"), *gold.get("accept", [])}:
            return False
        if pred.get("negated") or pred.get("hypothetical"):
            return False
        countries = {actors.get(a, {}).get("country") for a in pred.get("actors", [])}
        # At least one gold actor (or an accepted alternative) among the event's actors.
        accepted = set(gold.get("actors", []) or []) | set(gold.get("accept_actors", []) or [])
        return not accepted or bool(countries & accepted)

    factual = [e for e in doc.record.get("events", []) if not (e.get("hypothetical") or e.get("negated"))]
    negatives = [n["anchor"] for n in doc.gold.get("not_events", []) or []]
    scored = [e for e in doc.record.get("events", [])
              if e in factual or not any(touches(e, s) for s in (doc.span(n) for n in negatives) if s)]
    _score_spans(score, doc, "events", scored, check, negatives=negatives)


SCORERS = {"actors": score_actors, "figures": score_figures, "claims": score_claims, "events": score_events}


def score_disputes(score: Score, gold_disputes: list[dict], disputes: list[dict], texts: dict[str, str],
                   ids: dict[str, str]) -> None:
    """A gold dispute is found when one predicted dispute has a side overlapping each anchor."""
    for gold in gold_disputes:
        score.gold += 1
        text = texts.get(gold["article"], "")
        span_a, span_b = anchor_span(text, gold["a"]), anchor_span(text, gold["b"])
        article_id = ids.get(gold["article"])

        def side_hits(side: dict, span) -> bool:
            return side.get("article") == article_id and span is not None and overlaps((side["start"], side["end"]), span)

        if any(any(side_hits(s, span_a) for s in d["sides"]) and any(side_hits(s, span_b) for s in d["sides"])
               for d in disputes):
            score.matched += 1
        else:
            score.misses.append(f"{gold['kind']}: {gold['a']!r} vs {gold['b']!r}")
    # Judged precision: disputes in the gold articles, right when they are a gold dispute.
    gold_articles = {ids.get(g["article"]) for g in gold_disputes}
    judged = [d for d in disputes if d["sides"][0]["article"] in gold_articles]
    score.judged = len(judged)
    for dispute in judged:
        text = {v: texts[k] for k, v in ids.items()}.get(dispute["sides"][0]["article"], "")
        hit = False
        for gold in gold_disputes:
            span_a, span_b = anchor_span(text, gold["a"]), anchor_span(text, gold["b"])
            sides = [(s["start"], s["end"]) for s in dispute["sides"]]
            if span_a and span_b and any(overlaps(s, span_a) for s in sides) and any(overlaps(s, span_b) for s in sides):
                hit = True
        score.correct += hit
        if not hit:
            score.errors.append(f"dispute not in gold: {[s['text'] for s in dispute['sides']]}")


def load_gold(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def default_articles_path(gold_path: Path) -> Path:
    """Gold in shared/gold/ describes articles in shared/seeds/seeds.jsonl."""
    return gold_path.resolve().parent.parent / "seeds" / "seeds.jsonl"


def evaluate(gold_path: Path, articles: Iterable[Article], model: str | None = None) -> dict[str, Any]:
    from fogwatch.pipeline import extract_records

    gold = load_gold(gold_path)
    wanted = {g["id"]: g for g in gold.get("articles", [])}
    chosen = [a for a in articles if (a.source_id or a.id) in wanted]
    records = list(extract_records(chosen, model))
    scores = {kind: Score() for kind in KINDS}
    texts, ids = {}, {}
    for article, record in zip(chosen, records):
        key = article.source_id or article.id
        texts[key], ids[key] = article.text, article.id
        doc = GoldArticle(wanted[key], article.text, record)
        _score_spans(scores["places"], doc, "places", record.get("places", []), place_ok)
        _score_spans(scores["times"], doc, "times", record.get("times", []), time_ok)
        for kind, scorer in SCORERS.items():
            scorer(scores[kind], doc)
    missing = sorted(set(wanted) - set(texts))
    from fogwatch.reconcile.disputes import find_disputes

    disputes = find_disputes(records)
    score_disputes(scores["disputes"], gold.get("disputes", []) or [], disputes, texts, ids)
    return {"gold": str(gold_path), "articles": len(chosen), "missing_articles": missing,
            "kinds": {k: s.as_dict() for k, s in scores.items()}}
