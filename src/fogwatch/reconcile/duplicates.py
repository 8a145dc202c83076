"""Near-duplicates: repeated sentences (so a repeated casualty count is counted once) and
near-duplicate articles (wire copies, so one agency story carried by five outlets is one source).

Sentences are compared exactly on their word 3-shingles through an inverted index (a corpus has
thousands of sentences, not millions); articles through MinHash LSH over word 5-shingles, so an
index of any size answers "what does this new article copy?" without comparing all pairs, and a
signature can be stored instead of the text.
"""

from __future__ import annotations

import re
import struct
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from datasketch import LeanMinHash, MinHash, MinHashLSH

from fogwatch.model import normalise_text

# -- thresholds ----------------------------------------------------------------------------------
# Sentences: word 3-shingles. The seed article's repeated casualty sentence shares its first 19 words
# and then changes its tail ("according to officials …" / "in what Azerbaijan has described …"):
# Jaccard 0.49, containment 0.67. On FA-KES (689 pairs found, 390 exact), 25 of the non-exact pairs
# read by hand were repeated leads, agency sentences carried by two outlets and boilerplate, with a few
# formulaic phrases ("were not immediately able to determine who carried out …") and short sentences
# inside unsplit paragraphs; a changed number still pairs the sentences but repeats no figure.
SENTENCE_SHINGLE = 3
SENTENCE_JACCARD = 0.45
SENTENCE_CONTAINMENT = 0.6
SENTENCE_MIN_SHARED = 8
# Sentences of fewer words ("he said.", datelines) repeat by chance and carry nothing to count once.
SENTENCE_MIN_TOKENS = 8
# A shingle found in more sentences than this ("the syrian observatory") only finds candidates that
# other, rarer shingles find too; skipping it keeps the candidate search linear.
SHINGLE_POSTINGS_CAP = 200

# Articles: word 5-shingles, 128 permutations (estimate error about ±0.035 at Jaccard 0.8).
# Jaccard 0.8 is the usual wire-copy threshold. Lightly edited copies fall below it — the demo's
# 09/10 (one paragraph of nine replaced) is at 0.75 — and outlets trim agency copy: on FA-KES the
# dailysabah copy of an AFP story is 0.39 against ahram's full one, but 99% of its shingles are
# in it. So a pair is also a copy when the shorter article's shingles are >= 80% inside the longer
# (the FA-KES pairs between 0.65 and 0.8 containment are separate stories on the same day from one
# agency; from 0.8 up, copies). LSH retrieves candidates at Jaccard >= 0.3 so that trimmed copies
# (shorter one at least ~40% of the longer) are found.
ARTICLE_SHINGLE = 5
ARTICLE_JACCARD = 0.8
ARTICLE_CONTAINMENT = 0.8
CANDIDATE_JACCARD = 0.3
NUM_PERM = 128
# Fixed so that stored signatures stay comparable: the permutation seed and datasketch's scheme.
MINHASH_SEED = 1
MINHASH_SCHEME = "affine32"
_SIGNATURE_VERSION = 1

_WORD = re.compile(r"\w+")
# A sentence ends at a line break or at . ! ? (and a closing quote or bracket) before a capital,
# digit or opening quote, unless the full stop closes an abbreviation ("U.S. officials", "Gen.").
_BOUNDARY = re.compile(r"\n+|(?P<stop>[.!?])(?P<close>[\"”’)]?)\s+(?=[\"“(A-Z0-9])")
_ABBREVIATION = re.compile(r"(?:\b[A-Z]\.)+$|\b(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|St|Sgt|No|Brig|Maj|Capt|Gov|Sen|Rep)\.$")


def tokens(text: str) -> list[str]:
    """Words of a text as duplicates are compared: normalised (model.normalise_text), lower case."""
    return _WORD.findall(normalise_text(text).lower())


def shingles(words: list[str], size: int) -> set[str]:
    """Word n-grams; a text shorter than `size` is its own single shingle."""
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets by rule — no parser, so any stored text can be re-split the
    same way years later. Spans exclude surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group("stop") is None:
            spans.append((start, match.start()))
        elif _ABBREVIATION.search(text, max(0, match.start() - 12), match.end("stop")):
            continue
        else:
            spans.append((start, match.end("close")))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


# -- sentences -----------------------------------------------------------------------------------

@dataclass(slots=True)
class _Sentence:
    article: str
    start: int
    end: int
    text: str
    key: str  # the sentence's words joined: equal keys = identical after normalisation
    shingles: set[str]
    figures: list[dict[str, Any]]


def _sentences(record: dict[str, Any], text: str) -> list[_Sentence]:
    article = record["article"]["id"]
    figures = record.get("figures", [])
    out = []
    for start, end in sentence_spans(text):
        words = tokens(text[start:end])
        if len(words) < SENTENCE_MIN_TOKENS:
            continue
        inside = [f for f in figures if f.get("start") is not None and start <= f["start"] and f["end"] <= end]
        out.append(_Sentence(article, start, end, text[start:end], " ".join(words),
                             shingles(words, SENTENCE_SHINGLE), inside))
    return out


def _similar(a: _Sentence, b: _Sentence, shared: int) -> tuple[bool, float, float]:
    union = len(a.shingles) + len(b.shingles) - shared
    jaccard = shared / union if union else 0.0
    containment = shared / min(len(a.shingles), len(b.shingles))
    if a.key == b.key:
        return True, 1.0, 1.0
    ok = jaccard >= SENTENCE_JACCARD or (containment >= SENTENCE_CONTAINMENT and shared >= SENTENCE_MIN_SHARED)
    return ok, jaccard, containment


def _same_figures(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Figures of the second sentence that repeat one of the first: same category and interval.
    Each figure of the first is used once, so "2 killed … 2 killed" against one "2 killed" pairs once."""
    free = list(first)
    out = []
    for fig in second:
        for cand in free:
            if (cand.get("category"), cand.get("low"), cand.get("high")) == (fig.get("category"), fig.get("low"), fig.get("high")):
                out.append({"first": cand["id"], "second": fig["id"], "category": fig.get("category")})
                free.remove(cand)
                break
    return out


def _place(s: _Sentence) -> dict[str, Any]:
    return {"article": s.article, "start": s.start, "end": s.end, "text": s.text}


def _read(records_and_texts: Iterable[tuple[dict[str, Any], str]]) -> list[_Sentence]:
    sentences: list[_Sentence] = []
    seen: set[str] = set()
    for record, text in records_and_texts:
        if record["article"]["id"] in seen:
            continue  # an article given twice (a wire copy carried word for word) is read once
        seen.add(record["article"]["id"])
        sentences.extend(_sentences(record, text))
    return sentences


def _pairs(sentences: list[_Sentence], figures_only: bool
           ) -> Iterator[tuple[_Sentence, _Sentence, bool, float, float]]:
    """(first, second, exact, jaccard, containment) for every near-duplicate pair, the second in
    input order and its firsts in input order."""
    postings: dict[str, list[int]] = defaultdict(list)
    for index, sentence in enumerate(sentences):
        candidates: set[int] = set()
        for shingle in sentence.shingles:
            earlier = postings[shingle]
            if len(earlier) <= SHINGLE_POSTINGS_CAP:
                candidates.update(earlier)
            earlier.append(index)
        if figures_only and not sentence.figures:
            continue
        for other in sorted(candidates):
            first = sentences[other]
            shared = len(first.shingles & sentence.shingles)
            ok, jaccard, containment = _similar(first, sentence, shared)
            if ok:
                yield first, sentence, first.key == sentence.key, jaccard, containment


def duplicate_sentences(records_and_texts: Iterable[tuple[dict[str, Any], str]]) -> list[dict[str, Any]]:
    """Near-duplicate sentences within and across articles, in input order: the "first" of a pair
    is the one met first (pass articles oldest first). Each pair says which figures of the second
    repeat figures of the first (`figures`: [{first, second, category}]) so they are counted once;
    `repeated_figures()` turns the list into the set to skip.

    An article given twice (the same id: a wire copy carried word for word) is read once."""
    return [{"first": _place(first), "second": _place(second), "exact": exact,
             "jaccard": round(jaccard, 3), "containment": round(containment, 3),
             "figures": _same_figures(first.figures, second.figures)}
            for first, second, exact, jaccard, containment in _pairs(_read(records_and_texts), False)]


def repeated_figures_in(records_and_texts: Iterable[tuple[dict[str, Any], str]]) -> set[tuple[str, str]]:
    """`repeated_figures(duplicate_sentences(...))` without building the pairs: only sentences that
    carry a figure are compared, and a sentence stops being compared once all its figures are
    found repeated. A batch of wire copies repeats a sentence hundreds of times; the pairs of those
    were a quadratic heap (a gigabyte for 2,000 recombined articles)."""
    out: set[tuple[str, str]] = set()
    done: set[int] = set()
    for first, second, *_ in _pairs(_read(records_and_texts), True):
        if id(second) in done:
            continue
        for pair in _same_figures(first.figures, second.figures):
            out.add((second.article, pair["second"]))
        if all((second.article, f["id"]) in out for f in second.figures):
            done.add(id(second))
    return out


def repeated_figures(duplicates: Iterable[dict[str, Any]]) -> set[tuple[str, str]]:
    """(article id, figure id) of every figure that repeats an earlier one: skip these when counting."""
    return {(d["second"]["article"], f["second"]) for d in duplicates for f in d["figures"]}


# -- articles ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Sketch:
    """What an article's duplicate check needs: its MinHash and how many shingles it has (the size
    turns an estimated Jaccard into the containment that finds trimmed copies)."""

    minhash: LeanMinHash
    size: int


def sketch(text: str, num_perm: int = NUM_PERM) -> Sketch:
    words = shingles(tokens(text), ARTICLE_SHINGLE)
    minhash = MinHash(num_perm=num_perm, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
    minhash.update_batch([w.encode("utf-8") for w in sorted(words)])
    return Sketch(LeanMinHash(minhash), len(words))


def signature(text: str, num_perm: int = NUM_PERM) -> bytes:
    """A storable signature of an article's text (version, shingle count, datasketch LeanMinHash
    bytes, little-endian): store it and rebuild an index with `ArticleIndex.add_sketch`."""
    return sketch_bytes(sketch(text, num_perm))


def sketch_bytes(item: Sketch) -> bytes:
    buf = bytearray(item.minhash.bytesize("<"))
    item.minhash.serialize(buf, "<")
    return struct.pack("<BI", _SIGNATURE_VERSION, item.size) + bytes(buf)


def from_signature(data: bytes) -> Sketch:
    version, size = struct.unpack_from("<BI", data, 0)
    if version != _SIGNATURE_VERSION:
        raise ValueError(f"article signature version {version} is not {_SIGNATURE_VERSION}: rebuild it from the text")
    return Sketch(LeanMinHash.deserialize(data[5:], "<"), size)


def _copies(a: Sketch, b: Sketch, threshold: float, containment: float) -> bool:
    if not a.size or not b.size:
        return False
    jaccard = a.minhash.jaccard(b.minhash)
    if jaccard >= threshold:
        return True
    shared = jaccard / (1.0 + jaccard) * (a.size + b.size)
    return shared / min(a.size, b.size) >= containment


class ArticleIndex:
    """Incremental near-duplicate index. `add` compares a new article only with LSH candidates and
    returns the ids it copies; groups are the connected components of "copies", represented by
    their earliest-added member (the group id). Nothing is persisted: rebuild from (id, text) pairs
    or from stored signatures, in the same order, to get the same groups."""

    def __init__(self, threshold: float = ARTICLE_JACCARD, num_perm: int = NUM_PERM,
                 containment: float = ARTICLE_CONTAINMENT) -> None:
        self.threshold = threshold
        self.containment = containment
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=min(CANDIDATE_JACCARD, threshold), num_perm=num_perm)
        self._sketches: dict[str, Sketch] = {}
        self._rank: dict[str, int] = {}
        self._parent: dict[str, str] = {}

    @classmethod
    def build(cls, items: Iterable[tuple[str, str]], **options: Any) -> ArticleIndex:
        index = cls(**options)
        for article_id, text in items:
            index.add(article_id, text)
        return index

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._rank

    def __len__(self) -> int:
        return len(self._rank)

    def add(self, article_id: str, text: str) -> list[str]:
        """Index an article; returns the ids of indexed articles it is a near-duplicate of."""
        if article_id in self._rank:
            return self.duplicates_of(article_id)
        return self.add_sketch(article_id, sketch(text, self.num_perm))

    def add_sketch(self, article_id: str, item: Sketch) -> list[str]:
        if article_id in self._rank:
            return self.duplicates_of(article_id)
        found = self._matches(item, exclude=article_id)
        self._rank[article_id] = len(self._rank)
        self._parent[article_id] = article_id
        self._sketches[article_id] = item
        if item.size:
            self._lsh.insert(article_id, item.minhash, check_duplication=False)
        for other in found:
            self._union(article_id, other)
        return found

    def duplicates_of(self, article_id: str) -> list[str]:
        """Indexed articles that this one directly copies (or is copied by)."""
        return self._matches(self._sketches[article_id], exclude=article_id)

    def _matches(self, item: Sketch, exclude: str) -> list[str]:
        if not item.size:
            return []
        found = [other for other in self._lsh.query(item.minhash)
                 if other != exclude and _copies(item, self._sketches[other], self.threshold, self.containment)]
        return sorted(found, key=self._rank.__getitem__)

    def _find(self, article_id: str) -> str:
        root = article_id
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[article_id] != root:
            self._parent[article_id], article_id = root, self._parent[article_id]
        return root

    def _union(self, a: str, b: str) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            keep, drop = sorted((ra, rb), key=self._rank.__getitem__)
            self._parent[drop] = keep

    def group_of(self, article_id: str) -> str:
        """The group id (earliest-added member) of an indexed article; itself when it copies nothing."""
        return self._find(article_id)

    def group_map(self) -> dict[str, str]:
        """article id → group id for every indexed article: the input figures.py and grades.py take."""
        return {article_id: self._find(article_id) for article_id in self._rank}

    def groups(self) -> list[list[str]]:
        """Groups of two or more near-duplicates, members in insertion order, groups by first member."""
        members: dict[str, list[str]] = defaultdict(list)
        for article_id in sorted(self._rank, key=self._rank.__getitem__):
            members[self._find(article_id)].append(article_id)
        return [m for m in members.values() if len(m) > 1]


def near_duplicate_articles(items: Iterable[tuple[str, str]], threshold: float = ARTICLE_JACCARD,
                            num_perm: int = NUM_PERM, containment: float = ARTICLE_CONTAINMENT) -> list[list[str]]:
    """Groups of article ids that are near-duplicates (wire copies, lightly edited or trimmed):
    MinHash LSH over word 5-shingles; see the thresholds above for how a pair qualifies."""
    return ArticleIndex.build(items, threshold=threshold, num_perm=num_perm, containment=containment).groups()


def group_map_of(groups: Iterable[Iterable[str]]) -> Mapping[str, str]:
    """article id → group id (first member) from a list of groups; ids in no group map to nothing
    (callers use `.get(id, id)`)."""
    return {member: members[0] for members in map(list, groups) for member in members}
