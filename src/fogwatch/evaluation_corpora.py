"""Evaluations on the research corpora in ../shared/corpora (or any data in the same formats):

- PolNeAR-style attribution (BRAT standoff with Source / Cue / Content spans): source and cue
  precision, recall and F1, with exact and overlap matching;
- FA-KES-style annotated articles: is the annotated location among the article's places, and is
  the annotated death toll (civilians + non-civilians) recovered by one of its non-denied
  `killed` figures (inside its interval, or best within 10%).

Each function takes paths, so that an unseen set in the same format is scored the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fogwatch.model import Article

Span = tuple[int, int]


@dataclass
class PRF:
    gold: int = 0
    predicted: int = 0
    matched_gold: int = 0
    matched_pred: int = 0

    def as_dict(self) -> dict[str, Any]:
        p = self.matched_pred / self.predicted if self.predicted else 0.0
        r = self.matched_gold / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"gold": self.gold, "predicted": self.predicted, "precision": round(p, 3),
                "recall": round(r, 3), "f1": round(f, 3)}


def _overlap(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _score(prf: PRF, gold: list[Span], predicted: list[Span], exact: bool) -> None:
    same = (lambda a, b: a == b) if exact else _overlap
    prf.gold += len(gold)
    prf.predicted += len(predicted)
    prf.matched_gold += sum(any(same(g, p) for p in predicted) for g in gold)
    prf.matched_pred += sum(any(same(p, g) for g in gold) for p in predicted)


# -- PolNeAR -------------------------------------------------------------------------------------

def read_brat(path: Path) -> dict[str, list[Span]]:
    """Source and Cue spans of a BRAT standoff file (discontinuous spans: first to last offset)."""
    spans: dict[str, list[Span]] = {"Source": [], "Cue": [], "Content": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].startswith("T"):
            continue
        label, _, offsets = parts[1].partition(" ")
        if label not in spans:
            continue
        numbers = [int(n) for n in re.findall(r"\d+", offsets)]
        if numbers:
            spans[label].append((min(numbers), max(numbers)))
    return spans


def polnear_documents(folder: Path) -> list[tuple[Article, dict[str, list[Span]]]]:
    """One annotation per text: several annotators' files for one text would count it twice."""
    texts = folder / "text"
    chosen: dict[str, Path] = {}
    for ann in sorted((folder / "attributions").glob("*.ann")):
        stem = re.sub(r"_[0-9a-f]{4}$", "", ann.stem)
        chosen.setdefault(stem, ann)
    docs = []
    for stem, ann in sorted(chosen.items()):
        text_path = texts / f"{stem}.txt"
        if text_path.exists():
            text = text_path.read_text(encoding="utf-8")
            docs.append((Article(text=text, source_id=stem), read_brat(ann)))
    return docs


def _strip(text: str, span: Span) -> Span:
    start, end = span
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def evaluate_polnear(folder: Path, model: str | None = None) -> dict[str, Any]:
    from fogwatch.pipeline import extract_records

    docs = polnear_documents(folder)
    scores = {f"{kind}_{mode}": PRF() for kind in ("source", "cue") for mode in ("exact", "overlap")}
    records = extract_records((a for a, _ in docs), model)
    for (article, gold), record in zip(docs, records):
        text = article.text
        sources, cues = set(), set()
        for claim in record["claims"]:
            src, cue = claim["source"], claim["cue"]
            if src.get("start") is not None and src.get("kind") != "outlet":
                sources.add(_strip(text, (src["start"], src["end"])))
            if cue and cue.get("start") is not None:
                cues.add(_strip(text, (cue["start"], cue["end"])))
        gold_sources = [_strip(text, s) for s in gold["Source"]]
        gold_cues = [_strip(text, s) for s in gold["Cue"]]
        for mode in ("exact", "overlap"):
            _score(scores[f"source_{mode}"], gold_sources, sorted(sources), mode == "exact")
            _score(scores[f"cue_{mode}"], gold_cues, sorted(cues), mode == "exact")
    return {"corpus": str(folder), "documents": len(docs), **{k: v.as_dict() for k, v in scores.items()}}


# -- FA-KES ----------------------------------------------------------------------------------------

def place_names(places: Iterable[dict[str, Any]]) -> tuple[set[str], set[str]]:
    """The article's place names (each resolved place's name and aliases, folded as the gazetteer
    folds spellings) and the names of the first-level regions they lie in."""
    from fogwatch.gazetteer import Gazetteer, fold

    gazetteer = Gazetteer.default()
    names: set[str] = set()
    regions: set[str] = set()
    for place in places:
        if place.get("name"):
            names.add(fold(place["name"]))
            resolved = gazetteer.resolve(place["name"])
            if resolved:
                names.update(fold(alias) for alias in resolved.aliases)
        if place.get("admin1"):
            regions.add(fold(place["admin1"]))
            for candidate in gazetteer.candidates(place["admin1"]):
                if candidate.feature == "admin1":
                    regions.update(fold(alias) for alias in candidate.aliases)
    return names, regions


_REGION_WORDS = re.compile(r" (?:governorate|province|countryside|cuntryside|suburbs|region|city|district)$")


def location_found(location: str, places: Iterable[dict[str, Any]]) -> tuple[bool, bool]:
    """(among the place names, among the names or their regions): "Kobani" lies in the region
    annotated "aleppo"; "Eastern Ghouta" in Rif Dimashq, annotated "damascus"."""
    from fogwatch.gazetteer import fold

    wanted = fold(location)
    names, regions = place_names(places)
    # "Aleppo province" names the place annotated "aleppo".
    names |= {_REGION_WORDS.sub("", n) for n in names}
    by_name = wanted in names
    return by_name, by_name or any(r == wanted or r.startswith(wanted + " ") for r in regions)


def toll_recovered(toll: int, figures: Iterable[dict[str, Any]], claims: dict[str, dict[str, Any]]) -> bool:
    for figure in figures:
        if figure.get("category") != "killed":
            continue
        claim = claims.get(figure.get("claim") or "", {})
        if claim.get("stance") == "deny":
            continue
        low, high, best = figure.get("low"), figure.get("high"), figure.get("best")
        inside = (low is None or low <= toll) and (high is None or toll <= high) and (low is not None or high is not None)
        if inside or (best is not None and abs(best - toll) <= 0.1 * toll):
            return True
    return False


def evaluate_fakes(articles_path: Path, annotations_path: Path, model: str | None = None) -> dict[str, Any]:
    from fogwatch.pipeline import extract_records
    from fogwatch.sources import ReadOptions, read_sources

    annotations = {}
    for line in annotations_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            annotations[row["id"]] = row
    articles = [a for a in read_sources([str(articles_path)], ReadOptions())
                if isinstance(a, Article) and a.source_id in annotations]
    located = by_name = with_location = recovered = with_toll = 0
    missed_locations: list[str] = []
    for article, record in zip(articles, extract_records(articles, model)):
        row = annotations[article.source_id]
        location = (row.get("location") or "").strip()
        if location and location.lower() not in {"unknown", "none", "nan"}:
            with_location += 1
            name_hit, region_hit = location_found(location, record["places"])
            by_name += name_hit
            if region_hit:
                located += 1
            else:
                missed_locations.append(f"{article.source_id}: {location}")
        toll = sum(int(row.get(k) or 0) for k in ("nb_civilians", "nb_noncivilians") if str(row.get(k) or "0").isdigit())
        if toll > 0:
            with_toll += 1
            claims = {c["id"]: c for c in record["claims"]}
            recovered += toll_recovered(toll, record["figures"], claims)
    return {
        "articles": len(articles),
        "location": {"annotated": with_location, "found": located,
                     "rate": round(located / with_location, 3) if with_location else 0.0,
                     "found_by_name": by_name,
                     "rate_by_name": round(by_name / with_location, 3) if with_location else 0.0,
                     "missed": missed_locations[:30]},
        "death_toll": {"annotated": with_toll, "recovered": recovered,
                       "rate": round(recovered / with_toll, 3) if with_toll else 0.0},
    }
