"""The claims extractor: who says what, with which stance, and which claim a denial answers.

Attribution is read from the dependency parse, sentence by sentence:

- a reporting verb ("said", "claimed", "denied", "suggests") and its subject: the subject is the
  source, the verb the cue, its complement the content; a verb with no subject of its own takes
  the subject of the verb it hangs from ("countered these claims, saying …"), a participle the noun
  it modifies ("residents saying …"), and one whose subject the parser lost the name just before it
  ('"…," Ana Ruiz, a nurse, said'); "as X noted, …" attributes the clause it hangs from;
- "according to X", "citing X": X is the source, the rest of the sentence the content;
- "reportedly", "allegedly" with no reporting verb: a hedged (alleged) claim by the clause's
  subject, or by no one in particular;
- quotations: a sentence inside quotation marks with no cue of its own takes the source of the
  quotation it belongs to — named before it, after it, or in the following sentence;
- pronoun sources ("he said", "what they alleged") take the nearest actor before them;
- every other sentence that carries a figure is the outlet's own voice.

A denial (or counter) whose object is a report noun ("dismissed the report", "denied such claims")
`responds_to` the latest earlier claim by another source. Each figure is linked to the claim
whose content holds it. Vocabulary lives in data/claims.yaml; this module holds only the grammar.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml
from spacy.tokens import Doc, Span as SpacySpan, Token

from fogwatch.extract import Context
from fogwatch.language import Columns, columns, sentence_of, span_text, text_of, token_chars
from fogwatch.language import sentences as all_sentences
from fogwatch.model import ActorMention, ClaimMention, FigureMention, Source, Span

_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_CONTENT_DEPS = frozenset({"ccomp", "xcomp", "dobj", "prep", "attr", "oprd", "advcl", "dative", "obj", "npadvmod"})
# Verbs that report only with a clausal complement or a report-noun subject ("estimates put the
# number at …", "the video shows"); otherwise they are ordinary verbs ("put the gun down").
_WEAK_VERBS = frozenset({"put", "find", "show", "count", "record", "document", "estimate", "reveal",
                         "indicate", "describe", "observe", "mention", "detail", "update", "post",
                         "publish", "brief", "inform", "cite", "quote", "note", "add", "write",
                         "explain", "answer", "reply", "respond", "vow", "pledge", "promise",
                         "predict", "warn", "argue", "maintain", "expect", "fear", "think", "believe",
                         "assume", "appear", "seem", "hint", "imply", "charge", "blame", "acknowledge",
                         "admit", "conclude", "testify", "observe", "emphasise", "emphasize", "stress"})
# Verbs of inference rather than speech: their subject may be a thing ("the influx suggests …"),
# which leaves the claim in the outlet's voice. Every other cue's subject is a speaker.
_INFERENCE_VERBS = frozenset({"suggest", "indicate", "show", "reveal", "find", "mean", "imply", "put",
                              "estimate", "appear", "seem", "point", "prove", "signal"})
# Weak verbs whose object is a thing counted or kept, not something said ("the army recorded 20 …").
_THING_VERBS = _INFERENCE_VERBS | {"count", "record", "document", "update", "post", "publish", "cite", "quote"}
# Verbs that report only next to a quotation ('"…," he continued'); otherwise they are ordinary
# verbs ("the army continued to shell the town").
_QUOTE_VERBS = frozenset({"continue"})
# Weak verbs that report with a report-noun subject alone ("estimates put the number at …").
_REPORT_SUBJECT_VERBS = frozenset({"put", "show", "indicate", "estimate", "find", "count", "record",
                                   "document", "reveal"})
_OPEN_QUOTES = "“\"«‘"
_CLOSE_QUOTES = "”\"»’"


@dataclass(frozen=True)
class ClaimLexicon:
    verb_stance: dict[str, str]
    report_nouns: frozenset[str]
    answered_nouns: frozenset[str]
    adverb_stance: dict[str, str]
    phrases: tuple[tuple[tuple[str, ...], str], ...]
    anonymous_heads: frozenset[str]
    pronouns: frozenset[str]
    publish_verbs: frozenset[str]
    attitude_stance: dict[str, str]
    colon_labels: frozenset[str]
    adjective_stance: dict[str, str]
    speaker_nouns: frozenset[str]

    cue_openers: frozenset[str] = frozenset()  # first words of cue phrases ("according", "citing")
    # lemmas that can make a verb a cue: a token with neither opens no attribution
    cue_lemmas: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def lexicon() -> ClaimLexicon:
    data = yaml.safe_load((files("fogwatch") / "data" / "claims.yaml").read_text(encoding="utf-8"))
    lex = ClaimLexicon(
        verb_stance={verb: stance for stance, verbs in data["verbs"].items() for verb in verbs},
        report_nouns=frozenset(data["report_nouns"]),
        answered_nouns=frozenset(data["answered_nouns"]),
        adverb_stance={adv: stance for stance, advs in data["adverbs"].items() for adv in advs},
        phrases=tuple((tuple(p["words"]), p["stance"]) for p in data["phrases"]),
        anonymous_heads=frozenset(data["anonymous_heads"]),
        pronouns=frozenset(data["pronouns"]),
        publish_verbs=frozenset(data["publish_verbs"]),
        attitude_stance={verb: stance for stance, verbs in data["attitude_verbs"].items() for verb in verbs},
        colon_labels=frozenset(data["colon_labels"]),
        adjective_stance={adj: stance for stance, adjs in data["attitude_adjectives"].items() for adj in adjs},
        speaker_nouns=frozenset(data["speaker_nouns"]),
    )
    return replace(lex, cue_openers=frozenset(words[0] for words, _ in lex.phrases),
                   cue_lemmas=frozenset(lex.verb_stance) | lex.publish_verbs | frozenset(lex.attitude_stance) | {"be"})


@dataclass
class _Found:
    """One attribution inside a sentence, before its source is resolved."""

    cue_start: int  # token indices
    cue_end: int
    source_tokens: tuple[int, int] | None  # token span of the source phrase
    content: tuple[int, int]  # token span of the content
    stance: str
    answers: tuple[int, int] | None = None  # its object is a report noun ("the RSF account"): the span
    weak: bool = False  # an agentless passive ("were reported killed"): dropped if others exist


def extract_claims(doc: Doc, ctx: Context) -> list[ClaimMention]:
    lex = lexicon()
    actors: list[ActorMention] = sorted(ctx.facts.get("actors", []), key=lambda a: a.start)
    figures: list[FigureMention] = ctx.facts.get("figures", [])
    claims: list[ClaimMention] = []
    quote_source: Source | None = None  # the source of the quotation we are inside, if known
    inside = False  # inside a quotation at the start of the sentence
    lead_in: Source | None = None  # a sentence ending "… described it:" introduces a quotation
    sentences = all_sentences(doc)
    actor_tokens = _actor_tokens(doc, actors)
    covered = 0  # token index up to which an earlier cue's content runs on into later sentences
    for index, sent in enumerate(sentences):
        if inside and _new_paragraph(doc, sent) and span_text(sent).lstrip()[:1] not in _OPEN_QUOTES:
            inside, quote_source = False, None  # a paragraph that does not reopen the quotation ends it
        # "TAPPER:" took this sentence as its words: their cues are his (and need not be looked for)
        found = [] if covered > sent.start else _attributions(sent, lex, inside, actor_tokens)
        if any(not f.weak for f in found):
            found = [f for f in found if not f.weak]
        made: list[ClaimMention] = []
        for f in found:  # a denial may answer a claim earlier in its own sentence
            made.append(_claim(doc, sent, f, actors, claims + made, lex, ctx))
            covered = max(covered, f.content[1] if f.content[1] > sent.end else 0)
        text = span_text(sent).strip()
        if not made and covered <= sent.start:
            source = None
            if inside or text[:1] in _OPEN_QUOTES:
                source = quote_source or lead_in or _next_sentence_source(
                    sentences, index, actors, claims, lex, doc, _inside_after(text, inside))
            if source is not None:
                made.append(_whole_sentence_claim(sent, source, "assert"))
            elif _has_figure(sent, figures):
                made.append(_whole_sentence_claim(sent, _outlet(ctx), "assert"))
        named = [c.source for c in made if c.source.kind != "outlet"]
        was_inside = inside
        inside = _inside_after(text, inside)
        if inside:
            quote_source = (named[-1] if named and not was_inside else quote_source) or lead_in
        else:
            quote_source = None
        lead_in = named[-1] if named and text.endswith(":") else (lead_in if inside else None)
        claims.extend(made)
    _link_figures(figures, claims, doc, ctx)
    return claims


# -- finding attributions in one sentence ----------------------------------------------------------

def _actor_tokens(doc: Doc, actors: list[ActorMention]) -> frozenset[int]:
    """Indices of the tokens inside an actor mention: such a token heading a subject is a speaker."""
    out: set[int] = set()
    for actor in actors:
        span = doc.char_span(actor.start, actor.end, alignment_mode="expand")
        if span is not None:
            out.update(range(span.start, span.end))
    return frozenset(out)


@dataclass(frozen=True)
class _Candidates:
    """Per Doc (in `doc.user_data`, dropped by `language.release`): the indices of the tokens that
    can open an attribution (a cue phrase's first word or a cue verb's lemma) and of the hedging
    adverbs, found in one pass over the Doc rather than one per sentence (and per re-reading)."""

    lex: ClaimLexicon
    cues: list[int]
    adverbs: list[int]


_CANDIDATES = "fogwatch_claims_candidates"


def _candidates(doc: Doc, cols: Columns, lex: ClaimLexicon) -> _Candidates:
    cached = doc.user_data.get(_CANDIDATES)
    if cached is None or cached.lex is not lex:
        lowers, lemmas = cols.lower, cols.lemma
        openers, cue_lemmas, adverb_words = lex.cue_openers, lex.cue_lemmas, lex.adverb_stance
        cues = [i for i in range(len(lowers)) if lowers[i] in openers or lemmas[i] in cue_lemmas]
        adverbs = [i for i in range(len(lowers)) if lowers[i] in adverb_words]
        cached = doc.user_data[_CANDIDATES] = _Candidates(lex, cues, adverbs)
    return cached


def _within(indices: list[int], sent: SpacySpan) -> list[int]:
    """The sorted indices that fall inside the sentence."""
    return indices[bisect_left(indices, sent.start):bisect_left(indices, sent.end)]


def _attributions(sent: SpacySpan, lex: ClaimLexicon, inside: bool = False,
                  actor_tokens: frozenset[int] = frozenset()) -> list[_Found]:
    """The sentence's attributions. A cue inside quotation marks (`inside`: the sentence starts
    inside one) is the quoted speaker's own words ("“I think they lied,” he said"), part of the
    quotation's claim rather than a new one."""
    found: list[_Found] = []
    doc = sent.doc
    cols = columns(doc)
    lemmas, tokens = cols.lemma, cols.tokens
    # most words are no cue: only the candidates get their Token read
    for i in _within(_candidates(doc, cols, lex).cues, sent):
        token = tokens[i]
        phrase = _phrase_cue(token, lex)
        if phrase is not None:
            found.append(phrase)
            continue
        lowered = lemmas[i]  # token.lemma_.lower()
        stance = lex.verb_stance.get(lowered)
        if stance is None and lowered in lex.publish_verbs and _publishes_report(token, lex):
            stance = "assert"
        if stance is None and lowered in lex.attitude_stance and _speaker_subject(token, lex, actor_tokens) \
                and any(c.dep_ in _CONTENT_DEPS for c in token.children):
            stance = lex.attitude_stance[lowered]
        if stance is None and lowered == "be" and token.lemma_ == "be" and _speaker_subject(token, lex, actor_tokens):
            stance = _adjective_stance(token, lex)
        if stance is None or token.pos_ not in ("VERB", "AUX") or token.dep_ in ("amod", "compound"):
            continue
        if _in_quotation(token, sent, inside):
            continue
        if token.lemma_.lower() in _QUOTE_VERBS and not (_introduces_quotation(token, sent) or _after_quotation(token)):
            continue
        subject = _subject(token)
        own_subject = subject is not None and subject.head == token
        lemma = token.lemma_.lower()
        attitude = lemma in lex.attitude_stance and (
            lemma not in lex.verb_stance or _speaker_subject(token, lex, actor_tokens))
        if lemma in _WEAK_VERBS and lemma not in _THING_VERBS and _speaker_subject(token, lex, actor_tokens) \
                and any(c.dep_ in _CONTENT_DEPS for c in token.children):
            attitude = True  # "He described the field as 'all very good'": a speaker needs no clause
        if not attitude and lemma in _WEAK_VERBS and not _has_clause(token) and not _introduces_quotation(token, sent) \
                and not _as_clause(token) and not _follows_quotation(subject, token, sent) and not (
            lemma in _REPORT_SUBJECT_VERBS and subject is not None and subject.lemma_.lower() in lex.report_nouns
        ):
            continue
        if subject is not None and len(subject) == 1 and subject.pos_ in ("ADJ", "VERB") and subject.dep_ == "nsubj" \
                and not subject.ent_type_:
            continue  # "Conflicting reports are …" misparsed with "reports" as the verb
        nested = any(f.content[0] <= token.i < f.content[1] for f in found if f.source_tokens)
        if nested and attitude and lemma not in lex.verb_stance:
            continue  # "vowed to fight until the forces agreed to …": part of what is reported
        hedged = next((lex.adverb_stance[c.lower_] for c in token.children
                       if c.dep_ == "advmod" and c.lower_ in lex.adverb_stance), None)
        if hedged is not None and stance == "assert":
            stance = hedged  # "have reportedly urged": the outlet hedges what the source did
        # a pronoun speaker of a relative or adverbial clause is a new attribution ("…, which he
        # described as a disaster", "…, though he added that …"), not the enclosing one's words
        own_clause = own_subject and token.dep_ in ("relcl", "advcl") and subject.lower_ in _PERSONAL_SPEAKERS \
            and lex.verb_stance.get(lemma) in ("assert", "allege", "deny") and lemma not in _WEAK_VERBS
        if nested and not own_clause and (not own_subject or subject.lower_ in lex.answered_nouns
                                          or subject.lower_ in lex.pronouns):
            parent = next(f for f in reversed(found) if f.source_tokens and f.content[0] <= token.i < f.content[1])
            if stance == "deny" and token.dep_ == "conj" and token.head.lemma_.lower() not in lex.verb_stance:
                # "repeated that no aircraft had flown … and rejected the RSF account": the parser hangs
                # the second main verb on the reported clause; the denial is the reporter's own.
                found.append(_Found(token.i, token.i + 1, parent.source_tokens,
                                    _content(token, sent, exclude=parent.source_tokens), stance,
                                    answers=_answers(token, lex)))
                continue
            # "countered these claims, saying …", "released a video showing what they alleged …":
            # part of the enclosing attribution, which takes a stronger stance from it.
            if parent.stance == "assert" and stance in ("allege", "deny"):
                parent.stance = stance
            continue
        passive = subject is not None and subject.dep_ == "nsubjpass" or any(c.dep_ == "auxpass" for c in token.children)
        agent = _passive_agent(token)
        source_span: tuple[int, int] | None
        if passive:
            source_span = _subtree(agent) if agent is not None else None
        else:
            source_span = _subtree(subject) if subject is not None else None
            if lemma in lex.verb_stance and (subject is None or not own_subject and _in_quotation(subject, sent, inside)):
                # '"…," Jane Doe, a local teacher, said': the parser lost the subject after a quotation
                # (or took one inside it): the name just before the verb
                source_span = _name_before(token, sent) or source_span
        if source_span is not None and source_span[0] < token.i < source_span[1]:
            source_span = _cut_before(sent.doc, source_span[0], token.i)  # "residents saying …": the noun only
        content = _content(token, sent, exclude=source_span)
        found.append(_Found(token.i, token.i + 1, source_span, content, stance,
                            answers=_answers(token, lex), weak=source_span is None))
    colon = _colon_cue(sent, lex)
    if colon is not None:
        # "TAPPER: And obviously, I think …": the named speaker's words, cues and all
        return [colon]
    if not found:
        found.extend(_adverb_cues(sent, lex))
    return found


_NAME_POS = frozenset({"PROPN", "NOUN", "DET", "ADJ", "PART", "CCONJ", "ADP", "PUNCT"})


def _colon_cue(sent: SpacySpan, lex: ClaimLexicon) -> _Found | None:
    """'Hamas: hospital was not a target', 'Poll: Clinton ties Trump' — a short name before a
    colon that opens the sentence (a headline's or a lead-in's attribution). When the colon ends
    the sentence ("Ann Coulter:" split from its words), what it says is the next sentence."""
    doc = sent.doc
    cols = columns(doc)
    stop = min(sent.start + 9, sent.end)
    if ":" not in cols.lower[sent.start:stop]:  # (a colon has no case: its lower-case form is its text)
        return None  # every sentence is asked: most have no colon, and need no Token
    opening = cols.tokens[sent.start:stop]
    colon = next((t for t in opening if t.text == ":"), None)
    if colon is None or colon.i == sent.start:
        return None
    if colon.i + 1 >= sent.end:  # the name alone: its words are the next sentence
        if sent.end >= len(doc):
            return None
        content = (sent.end, sentence_of(doc[sent.end]).end)
    elif colon.i + 2 >= sent.end:
        return None
    else:
        content = (colon.i + 1, sent.end)
    name = opening[:colon.i - sent.start]
    breaks = [k for k, t in enumerate(name) if "\n" in t.text or (t.text in _DASHES and t.whitespace_)]
    if breaks:  # "(END VIDEO CLIP.)\n\nTAPPER: …", "… - Pew Research: …": the name starts after the break
        name = name[breaks[-1] + 1:]
        if not name:
            return None
    if all(t.ent_type_ in ("GPE", "LOC", "FAC") or t.is_punct for t in name):
        return None  # "Syria: shelling kills 12" names what it is about, not who says it
    # a headline capitalises every word, and the tagger then misses names ("Trump" as a noun)
    headline_name = len(name) <= 4 and all(t.is_title or t.is_upper or t.is_punct for t in name)
    if not headline_name and not any(t.pos_ == "PROPN" or t.ent_type_ in _SPEAKER_ENTS
                                     or t.lemma_.lower() in lex.report_nouns
                                     or t.lemma_.lower() in lex.anonymous_heads
                                     or t.lower_ in lex.speaker_nouns for t in name):
        return None
    if any(t.pos_ not in _NAME_POS and not (headline_name and t.pos_ not in ("VERB", "AUX", "PRON"))
           for t in name) or any(t.lower_ in lex.colon_labels for t in name) \
            or any(t.like_num or t.ent_type_ in ("DATE", "TIME") for t in name):
        return None
    return _Found(colon.i, colon.i + 1, (name[0].i, colon.i), content, "assert")


def _phrase_cue(token: Token, lex: ClaimLexicon) -> _Found | None:
    """'according to X', 'citing X' …: X (the object of the last word) is the source."""
    doc = token.doc
    lowers = columns(doc).lower
    low = lowers[token.i]
    if low not in lex.cue_openers:
        return None  # no phrase starts with this word
    for words, stance in lex.phrases:
        if low != words[0]:
            continue
        end = token.i + len(words)
        if end > sentence_of(token).end or tuple(lowers[token.i:end]) != words:
            continue
        last = doc[end - 1]
        objects = [c for c in last.children if c.dep_ in ("pobj", "dobj", "obj")]
        if not objects and last.i + 1 < sentence_of(token).end:
            objects = [c for c in doc[last.i + 1].children if c.dep_ in ("pobj", "dobj")] or \
                [t for t in doc[last.i + 1:sentence_of(token).end] if t.head.i <= last.i][:1]
        if not objects:
            return None
        source = _subtree(objects[0])
        source = (min(source[0], end), source[1])
        content = _rest_of_sentence(sentence_of(token), token.i, source[1])
        return _Found(token.i, end, source, content, stance)
    return None


def _adverb_cues(sent: SpacySpan, lex: ClaimLexicon) -> list[_Found]:
    out = []
    doc = sent.doc
    cols = columns(doc)
    for i in _within(_candidates(doc, cols, lex).adverbs, sent):  # the words in adverb_stance
        token = cols.tokens[i]
        stance = lex.adverb_stance.get(cols.lower[i])
        if stance is None or token.dep_ != "advmod":
            continue
        verb = token.head
        subject = _subject(verb)
        source = _subtree(subject) if subject is not None else None
        out.append(_Found(token.i, token.i + 1, source, _content(verb, sent, exclude=None), stance))
        break
    return out


def _subject(verb: Token) -> Token | None:
    """The verb's subject, or that of the verb it is coordinated with or hangs from."""
    current: Token | None = verb
    for _ in range(4):
        if current is None:
            return None
        subjects = [c for c in current.children if c.dep_ in _SUBJECTS]
        if subjects:  # two when a dateline is parsed as one ("LONDON (Reuters) - Trump said"): the nearest
            before = [c for c in subjects if c.i < current.i]
            return before[-1] if before else subjects[0]
        if current.dep_ == "acl" and current.tag_ == "VBG" and current.head.pos_ in ("NOUN", "PROPN") \
                and current.head.i < current.i:
            # "residents saying the water …", "a poll finding that …": the noun the present participle
            # modifies ("the facts reported by …", a past participle, modifies what is said instead)
            return current.head
        if current.dep_ in ("conj", "advcl", "xcomp", "acl") and current.head != current:
            current = current.head
        else:
            return None
    return None


def _passive_agent(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            return objects[0] if objects else None
    return None


def _introduces_quotation(verb: Token, sent: SpacySpan) -> bool:
    """'… described the situation: "…"' — a colon after the verb opens a quotation (or the
    sentence ends on the colon and the quotation follows)."""
    if sent.text.rstrip().endswith(":"):
        return True
    doc = verb.doc
    for token in doc[verb.i + 1:sent.end - 1]:
        if token.text == ":" and doc[token.i + 1].text[:1] in _OPEN_QUOTES:
            return True
    return False


def _name_before(verb: Token, sent: SpacySpan) -> tuple[int, int] | None:
    """The noun phrase just before a subjectless verb of speech, back to a closing quotation mark,
    a comma, a dash or the sentence start, with the name it is in apposition to: '"…," Jane Doe,
    a local teacher, said' → 'Jane Doe, a local teacher'; '"…," Jane Doe, 58, said' → 'Jane Doe, 58';
    'On Tuesday, former mayor John Smith said' → 'former mayor John Smith'."""
    doc = verb.doc

    def segment(end: int) -> tuple[int, int]:
        while end > sent.start and (doc[end - 1].is_space or doc[end - 1].text == ","):
            end -= 1
        start = end
        while start > sent.start and not (doc[start - 1].is_punct or doc[start - 1].is_space):
            start -= 1
        return start, end

    start, end = segment(verb.i)
    if start > sent.start and doc[start - 1].text == "," and doc[start].tag_ in ("VBG", "VBN"):
        # an aside about the speaker ("Ana Ruiz, wearing a straw hat, said"): the name before it
        aside_end = end
        start, end = segment(start)
        if end - start > 8 or any(t.pos_ in ("VERB", "AUX", "SCONJ", "PRON") for t in doc[start:end]) \
                or doc[end - 1].pos_ not in ("PROPN", "NOUN"):
            return None
        return start, aside_end
    phrase = doc[start:end]
    if not 1 <= len(phrase) <= 8 or any(t.pos_ in ("VERB", "AUX", "SCONJ", "PRON") for t in phrase):
        return None
    age = all(t.like_num for t in phrase)
    if phrase[-1].pos_ not in ("PROPN", "NOUN") and not age:
        return None
    if start > sent.start and doc[start - 1].text == ",":
        first, before = segment(start)
        name = doc[first:before]
        if 1 <= len(name) <= 4 and all(t.pos_ == "PROPN" for t in name) and \
                (first == sent.start or doc[first - 1].text[:1] in _CLOSE_QUOTES or doc[first - 1].text == ","):
            return first, end
    return None if age else (start, end)


def _as_clause(verb: Token) -> bool:
    """'As the newspaper noted, …', 'as one analyst put it': a speaker's verb in an "as" clause
    attributes the clause it hangs from."""
    return verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)


def _follows_quotation(subject: Token | None, verb: Token, sent: SpacySpan) -> bool:
    """'"…," the senator wrote.': a closing quotation mark just before the verb's subject (with at
    most a comma between) — in its sentence, or ending the one before when the sentence is no more
    than the subject and the verb ('"…." The senator wrote.')."""
    if subject is None or subject.i > verb.i:
        return False
    doc = subject.doc
    for token in reversed(doc[max(subject.left_edge.i - 3, 0):subject.left_edge.i]):
        if _closing_mark(token):
            return token.i >= sent.start or all(t.is_punct or t.is_space for t in doc[verb.i + 1:sent.end])
        if not (token.is_space or token.text in ",."):
            return False
    return False


def _new_paragraph(doc: Doc, sent: SpacySpan) -> bool:
    before = text_of(doc)[max(sent.start_char - 4, 0):sent.start_char]
    return sent.start_char == 0 or "\n" in before


def _after_quotation(verb: Token) -> bool:
    """'"…," he continued': a closing quotation mark just before the verb's subject."""
    doc = verb.doc
    return any(_closing_mark(token) for token in doc[max(verb.i - 4, 0):verb.i])


def _closing_mark(token: Token) -> bool:
    """A closing quotation mark ('’' is far more often an apostrophe)."""
    return token.text[:1] in _CLOSE_QUOTES and token.text != "’"


def _in_quotation(token: Token, sent: SpacySpan, inside: bool = False) -> bool:
    """Whether a token stands inside quotation marks in its sentence ("I saw the smoke," he said):
    an attitude there belongs to the quoted speaker's words, not to a new attribution."""
    before = text_of(token.doc)[sent.start_char:token.idx]
    return _inside_after(before, inside)


_SPEAKER_ENTS = frozenset({"PERSON", "ORG", "NORP", "GPE"})


def _adjective_stance(verb: Token, lex: ClaimLexicon) -> str | None:
    """'X is optimistic that …': the stance of an attitude adjective complementing 'be'."""
    for child in verb.children:
        if child.dep_ == "acomp" and child.lower_ in lex.adjective_stance:
            return lex.adjective_stance[child.lower_]
    return None


def _speaker_subject(verb: Token, lex: ClaimLexicon, actor_tokens: frozenset[int] = frozenset()) -> bool:
    """Whether the verb's subject can hold a view: a personal pronoun, a person, an organisation,
    a people or a state, a group of people, an actor. In the passive the agent is the subject
    ("opposed by the U.S.")."""
    subject = _passive_agent(verb) or _subject(verb)
    if subject is None:
        return False
    if subject.lower_ in lex.pronouns and subject.lower_ not in ("it", "which"):
        return True
    if subject.ent_type_ in _SPEAKER_ENTS or subject.i in actor_tokens:
        return True
    if subject.pos_ == "PROPN" and not subject.ent_type_:
        return True
    if subject.lower_ in lex.speaker_nouns or subject.lemma_.lower() in lex.speaker_nouns:
        return True
    return subject.lemma_.lower() in lex.anonymous_heads and subject.lower_ not in lex.report_nouns


def _publishes_report(verb: Token, lex: ClaimLexicon) -> bool:
    """'released a video', 'issued a statement': a publishing verb whose object is a report noun."""
    return any(c.dep_ in ("dobj", "obj") and c.lemma_.lower() in lex.report_nouns for c in verb.children)


def _has_clause(verb: Token) -> bool:
    return any(c.dep_ in ("ccomp", "xcomp") for c in verb.children) or verb.dep_ in ("parataxis",)


def _answers(verb: Token, lex: ClaimLexicon) -> tuple[int, int] | None:
    """The token span of the verb's object when it is a report noun: 'dismissed the report',
    'denied such claims', 'rejected the RSF account'."""
    for child in verb.children:
        if child.dep_ in ("dobj", "obj") and child.lower_ in lex.answered_nouns:
            return _subtree(child)
        if child.dep_ in ("ccomp", "xcomp", "advcl", "dobj"):
            # "countered these claims saying …", parsed with "claims" as the subject of "saying"
            for grand in child.children:
                if grand.dep_ == "nsubj" and grand.lower_ in lex.answered_nouns and grand.i < child.i:
                    return grand.left_edge.i, grand.i + 1
        if child.dep_ == "prep":
            for grand in child.children:
                if grand.dep_ == "pobj" and grand.lower_ in lex.answered_nouns:
                    return _subtree(grand)
    return None


def _cut_before(doc: Doc, start: int, cut: int) -> tuple[int, int]:
    """The tokens from `start` up to `cut`, without the punctuation before the cut."""
    end = cut
    while end > start + 1 and doc[end - 1].is_punct:
        end -= 1
    return start, end


def _subtree(token: Token) -> tuple[int, int]:
    return token.left_edge.i, token.right_edge.i + 1


def _content(verb: Token, sent: SpacySpan, exclude: tuple[int, int] | None) -> tuple[int, int]:
    """The token span of what the verb reports: its complements, or else the rest of the sentence."""
    parts = [c for c in verb.children if c.dep_ in _CONTENT_DEPS]
    if verb.dep_ in ("ROOT",) and not any(c.dep_ in ("ccomp", "xcomp", "dobj") for c in verb.children):
        # "…, the ministry said." with the clause parsed as a sibling: the rest of the sentence.
        return _rest_of_sentence(sent, exclude[0] if exclude else verb.i, exclude[1] if exclude else verb.i + 1)
    if not parts:
        if verb.dep_ in ("parataxis", "ccomp") and verb.head.i != verb.i:
            head = verb.head
            return _subtree(head) if not (head.left_edge.i <= verb.i < head.right_edge.i + 1) else \
                _rest_of_sentence(sent, exclude[0] if exclude else verb.i, verb.i + 1)
        return _rest_of_sentence(sent, exclude[0] if exclude else verb.i, verb.i + 1)
    start = min(p.left_edge.i for p in parts)
    end = max(p.right_edge.i for p in parts) + 1
    return start, end


def _rest_of_sentence(sent: SpacySpan, cut_start: int, cut_end: int) -> tuple[int, int]:
    """The longer side of the sentence around a cut (the attribution phrase)."""
    before = (sent.start, cut_start)
    after = (cut_end, sent.end)
    return before if before[1] - before[0] >= after[1] - after[0] else after


# -- resolving sources -----------------------------------------------------------------------------

def _claim(doc: Doc, sent: SpacySpan, found: _Found, actors: list[ActorMention],
           earlier: list[ClaimMention], lex: ClaimLexicon, ctx: Context) -> ClaimMention:
    cue_lemma = columns(doc).lemma[found.cue_end - 1]  # lemma_.lower()
    speaking = found.cue_end - found.cue_start > 1 or cue_lemma not in _INFERENCE_VERBS
    source = _resolve_source(doc, found.source_tokens, actors, earlier, lex, speaking)
    if source.kind == "outlet":  # the subject is no speaker ("the influx … suggests"): the outlet hedges
        source = _outlet(ctx)
    start, end = _char_span(doc, *found.content)
    cue_start, cue_end = token_chars(doc, found.cue_start, found.cue_end)  # a cue has a word or more
    claim = ClaimMention(
        text=text_of(doc)[start:end], start=start, end=end, source=source,
        cue=Span(text_of(doc)[cue_start:cue_end], cue_start, cue_end), stance=found.stance,  # type: ignore[arg-type]
        sentence_start=sent.start_char, sentence_end=sent.end_char,
    )
    if found.answers or found.stance == "deny":
        named_in_object = [a for a in actors if found.answers and doc[found.answers[0]].idx <= a.start
                           and a.end <= doc[found.answers[1] - 1].idx + len(doc[found.answers[1] - 1])]
        claim.responds_to = _answered(claim, earlier, explicit=found.answers is not None, named=named_in_object)
    return claim


def _resolve_source(doc: Doc, tokens: tuple[int, int] | None, actors: list[ActorMention],
                    earlier: list[ClaimMention], lex: ClaimLexicon, speaking: bool = False) -> Source:
    """The source of a cue's subject (or object, for "according to X"). `speaking`: the cue is a
    verb of speech, so any noun phrase it has is the speaker, known to us or not."""
    if tokens is None:
        return Source("anonymous")
    span = doc[_after_dateline(doc, *tokens):tokens[1]]
    start, end = span.start_char, span.end_char
    head = span.root
    if head.lower_ in lex.pronouns and len(span) == 1:
        # The pronoun stays the source's span; who it is comes from its antecedent.
        antecedent = _antecedent(actors, start, head)
        if antecedent is not None:
            return _from_actor(antecedent, start, end, span_text(span))
        for claim in reversed(earlier):
            if claim.source.kind in ("named", "media", "anonymous") and claim.source.text:
                named = claim.source
                return Source(named.kind, span_text(span), start, end, name=named.name, country=named.country,
                              sector=named.sector)
        return Source("anonymous", span_text(span), start, end)
    inside = [a for a in actors if a.start < end and start < a.end]
    on_head = [a for a in inside if a.start <= head.idx < a.end]
    speaker_head = head.lemma_.lower() in lex.anonymous_heads or head.lower_ in lex.report_nouns \
        or head.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or head.lower_ in lex.speaker_nouns
    candidates = on_head or (inside if speaker_head else [])
    known = [a for a in candidates if a.country or a.sector not in (None, "UNK") or a.kind in ("organisation", "person")]
    text = span_text(span).strip(" ,;:")
    if known:
        best = max(known, key=lambda a: (a.end - a.start))
        s, e = start, start + len(text)
        if e - s > 120:  # a clause parsed as the subject: keep the actor's own span
            text, s, e = best.text, best.start, best.end
        return _from_actor(best, s, e, text)
    if speaker_head or (speaking and head.pos_ in ("PROPN", "NOUN", "PRON", "NUM", "ADJ", "DET")):
        kind = "named" if head.ent_type_ in ("PERSON", "ORG") or head.pos_ == "PROPN" else "anonymous"
        return Source(kind, text, start, start + len(text), name=text if kind == "named" else None)  # type: ignore[arg-type]
    return Source("outlet")


_DASHES = frozenset({"-", "--", "—", "–"})


def _after_dateline(doc: Doc, start: int, end: int) -> int:
    """'LONDON (Reuters) - Donald Trump said': the parser folds a wire dateline into the subject;
    the source starts after its dash."""
    if _DASHES.isdisjoint(columns(doc).lower[start:min(end - 1, start + 8)]):
        return start  # no dash (dashes have no case: the lower-case form is the text); list slicing
        # clamps the bounds as Doc slicing does
    for token in doc[start:min(end - 1, start + 8)]:
        if token.text in _DASHES and token.whitespace_ and token.i > start:
            # only a dateline: a capitalised place or a wire's name in brackets before the dash, not
            # an aside ("Opposition leaders — and, above all, the chairman — insisted")
            before = doc[start:token.i]
            if any(t.text == "(" or (t.is_upper and t.is_alpha and len(t) > 1) for t in before):
                return token.i + 1
            return start
    return start


_IDENTIFIED_KINDS = frozenset({"organisation", "person", "country", "capital", "seat"})


def _from_actor(actor: ActorMention, start: int, end: int, text: str) -> Source:
    """A source from an actor: media, named (a state, an organisation, a person), or anonymous
    ("a resident", "officials" — someone of no stated country or organisation)."""
    if actor.sector == "MED":
        kind = "media"
    elif actor.country or actor.kind in _IDENTIFIED_KINDS:
        kind = "named"
    else:
        kind = "anonymous"
    return Source(kind, text, start, end, name=actor.name or actor.text, country=actor.country,
                  sector=actor.sector)  # type: ignore[arg-type]


def _antecedent(actors: list[ActorMention], before: int, pronoun: Token) -> ActorMention | None:
    """The nearest actor before a pronoun, in its sentence or the one before (a light coreference);
    for a relative pronoun ("the minister, who said …"), the noun its clause hangs from."""
    if pronoun.lower_ in ("who", "which", "that") and pronoun.head.dep_ == "relcl":
        noun = pronoun.head.head
        for actor in actors:
            if actor.start <= noun.idx < actor.end:
                return actor
        return None
    sent = sentence_of(pronoun)
    window_start = sent.start_char
    previous = sent.start - 1
    if previous >= 0:
        window_start = sentence_of(pronoun.doc[previous]).start_char
    candidates = [a for a in actors if window_start <= a.start and a.end <= before
                  and (a.country or a.name) and a.sector != "CVL"]
    if pronoun.lower_ in _PERSONAL:
        # "he", "she", "I" stand for a person (or, loosely, a spokesperson's office), never a thing
        candidates = [a for a in candidates if a.kind == "person" or a.sector == "PER"]
    return candidates[-1] if candidates else None


_PERSONAL = frozenset({"he", "she", "i"})
_PERSONAL_SPEAKERS = frozenset({"he", "she", "i", "we", "they"})


def _same_source(a: Source, b: Source) -> bool:
    if a.kind == "outlet" or b.kind == "outlet":
        return a.kind == b.kind
    if a.name and b.name and a.name.lower() == b.name.lower():
        return True
    return bool(a.country and a.country == b.country and a.sector == b.sector)


def _answered(claim: ClaimMention, earlier: list[ClaimMention], explicit: bool,
              named: list[ActorMention] = ()) -> ClaimMention | None:
    """The claim a denial answers. Naming whose account it is ("rejected the RSF account") picks
    that source's latest claim; naming a report ("dismissed the report") the latest claim by
    another source; naming nothing, the latest such claim only if they share content words."""
    candidates = [c for c in earlier if c.stance in ("assert", "allege", "hedge") and c.source.kind != "outlet"
                  and not _same_source(c.source, claim.source)]
    if not candidates:
        return None
    for actor in named:
        by_actor = [c for c in candidates if _source_is(c.source, actor)]
        if by_actor:
            return by_actor[-1]
    if explicit:
        return candidates[-1]
    shared = _content_words(claim.text) & _content_words(candidates[-1].text)
    return candidates[-1] if len(shared) >= 2 else None


def _source_is(source: Source, actor: ActorMention) -> bool:
    if actor.name and source.name and actor.name.lower() == source.name.lower():
        return True
    return bool(actor.country and source.country == actor.country and source.sector == actor.sector)


_STOP = frozenset("that this with from have were been their there which would about after into they them "
                  "said says also than then when what while where more most over such only some".split())


def _content_words(text: str) -> set[str]:
    return {w for w in (t.strip(".,;:!?\"“”'’()").lower() for t in text.split()) if len(w) > 3 and w not in _STOP}


# -- quotations and the outlet's voice ---------------------------------------------------------------

def _quoted(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and (stripped[0] in _OPEN_QUOTES or stripped[-1] in _CLOSE_QUOTES)


_QUOTE_MARKS = re.compile('[“«”»"]')


def _inside_after(text: str, inside: bool) -> bool:
    """Whether a quotation is still open after this sentence. Curly and angle quotes say which
    way they go; a straight double quote toggles. Single quotes are left alone (apostrophes)."""
    for mark in _QUOTE_MARKS.finditer(text):  # no other character changes anything
        i = mark.start()
        char = text[i]
        if char in "“«":
            inside = True
        elif char in "”»":
            inside = False
        elif char == '"':
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if (before.isspace() or before in "([—–-") and not after.isspace():
                inside = True  # an opening mark, also one re-opening a quotation at a new paragraph
            elif after.isspace() or after in ".,;:!?)":
                inside = False
            else:
                inside = not inside
    return inside


def _next_sentence_source(sentences: list[SpacySpan], index: int, actors: list[ActorMention],
                          earlier: list[ClaimMention], lex: ClaimLexicon, doc: Doc, open_after: bool) -> Source | None:
    """A quotation attributed in the next sentence ('"…," SOHR sources added.' split in two);
    `open_after`: the quotation runs on into it, whose cues inside the marks are not its speaker's."""
    if index + 1 >= len(sentences):
        return None
    following = sentences[index + 1]
    if len(following) > 12:
        return None
    for found in _attributions(following, lex, open_after):
        if found.source_tokens is not None:
            source = _resolve_source(doc, found.source_tokens, actors, earlier, lex)
            return None if source.kind == "outlet" else source
    return None


def _whole_sentence_claim(sent: SpacySpan, source: Source, stance: str) -> ClaimMention:
    text = span_text(sent).rstrip()
    return ClaimMention(text=text, start=sent.start_char, end=sent.start_char + len(text), source=source,
                        stance=stance, sentence_start=sent.start_char, sentence_end=sent.end_char)  # type: ignore[arg-type]


def _outlet(ctx: Context) -> Source:
    return Source("outlet", ctx.article.outlet, None, None, name=ctx.article.outlet, sector="MED")


def _has_figure(sent: SpacySpan, figures: list[FigureMention]) -> bool:
    return any(sent.start_char <= f.start < sent.end_char for f in figures)


def _char_span(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """The character span of doc[start:end] without leading punctuation."""
    if 0 <= start < end <= len(doc):
        start_char, end_char = token_chars(doc, start, end)
        text = text_of(doc)[start_char:end_char]  # the Span's text, without building the Span
    else:
        span = doc[start:end]
        text, start_char, end_char = span.text, span.start_char, span.end_char
    lead = len(text) - len(text.lstrip(" ,;:—–-"))
    return start_char + lead, end_char


_KIND_RANK = {"named": 0, "media": 1, "anonymous": 2, "outlet": 3}


def _link_figures(figures: list[FigureMention], claims: list[ClaimMention], doc: Doc, ctx: Context) -> None:
    """Each figure to the claim whose content holds it; else its sentence's claim; else the outlet."""
    for figure in figures:
        holding = [c for c in claims if c.start <= figure.start and figure.end <= c.end + 1]
        same_sentence = [c for c in claims if c.sentence_start <= figure.start < c.sentence_end]
        pool = holding or same_sentence
        if pool:
            figure.claim = min(pool, key=lambda c: (_KIND_RANK[c.source.kind], c.end - c.start))
        else:
            sent = doc.char_span(figure.start, figure.end, alignment_mode="expand")
            if sent is not None:
                claim = _whole_sentence_claim(sentence_of(sent.root), _outlet(ctx), "assert")
                claims.append(claim)
                figure.claim = claim
    claims.sort(key=lambda c: (c.start, c.end))


def as_dict(claim: ClaimMention) -> dict[str, Any]:
    """The claim's fields in the record, without ids (the record builder assigns them)."""
    s = claim.source
    return {
        "text": claim.text, "start": claim.start, "end": claim.end,
        "source": {"text": s.text, "start": s.start, "end": s.end, "name": s.name, "country": s.country,
                   "sector": s.sector, "kind": s.kind},
        "cue": {"text": claim.cue.text, "start": claim.cue.start, "end": claim.cue.end} if claim.cue else None,
        "stance": claim.stance,
    }
