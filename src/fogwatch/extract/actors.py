"""The actors extractor: who acts or speaks in an article, as noun phrases with a normalised name,
a country and a sector.

It reads the dependency parse, not the surface string. Every nominal head that modifies nothing
opens a noun phrase (its noun-phrase dependents on the left, widened to cover a multi-word entity).
The phrase is an actor when its head is an organisation, a person, a people ("Armenians"), a cue
noun ("forces", "officials", "civilians"), or a country or capital in an agent role ("Turkey
dismissed", "between Armenia and Azerbaijan" — not "in Armenia"). Its country comes from the
demonyms, country names, possessors and organisations in the phrase, its sector from rebel markers,
the head, an organisation and modifier cues, in that order (`_sector`). A role phrase takes in its
"of / for / from" complement ("officials of the self-declared … government") and an actor its
possessor ("Azerbaijan's government"), so that one phrase gives one mention. A person with a
government title and no country takes the one country its sentence names (`_titled_persons_country`);
a people or an ethnic group named where it lives takes that country ("ethnic Turks in Sweden").

All vocabulary lives in data/actors/ (see fogwatch.lexicon); this module holds only the grammar.
One pass over the tokens builds the phrases; each phrase looks only at its own few tokens. The parse
is read from plain per-Doc lists (`_Sheet`), built once per call: spaCy makes a new Token object on
every `doc[i]`, `token.head` or `token.children`, which made walking the tree most of this
extractor's time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy
from spacy.attrs import DEP, ENT_TYPE, HEAD, IS_PUNCT, IS_QUOTE, ORTH, SPACY, TAG
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token

from fogwatch.extract import Context
from fogwatch.language import columns, sentences, strings_of, token_chars, tokens_text
from fogwatch.lexicon import HeadCue, Lexicon, Organisation
from fogwatch.model import ActorMention


# Left dependents that belong to a noun phrase; a clause or preposition hanging left of a head (as in
# an unpunctuated headline) does not.
_PHRASE_LEFT_DEPS = frozenset({"det", "predet", "amod", "compound", "nmod", "poss", "nummod", "quantmod",
                               "npadvmod", "case", "cc", "conj", "nn", "flat", "punct", "advmod"})
# Dependents that only modify a head, so open no phrase of their own.
_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "flat", "nn", "nummod", "quantmod", "det", "predet"})
# Labels under which an ADJ or NUM token is used as a noun ("the military said", "a Turkish F-16").
_NOMINAL_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "conj", "ROOT", "dative", "oprd"})
_ENTITY_LABELS = frozenset({"ORG", "NORP", "GPE", "LOC", "PERSON", "FAC"})
_COUNTRY_KINDS = frozenset({"country", "demonym", "people", "capital", "seat"})
_ORG_KINDS = frozenset({"org", "unknown_org"})
_ACTOR_ENT_KINDS = frozenset({"org", "unknown_org", "person", "seat", "people", "demonym", "norp"})
# Relations of a country form to the head that make the phrase that country's ("Syrian", "U.S.-led");
# the others are "backer" ("Turkish-backed", "pro-Iranian") and "ignore" ("London-based").
_OWNS = frozenset({"direct", "country"})
# Complements a role phrase takes in ("spokesman for the UN", "officials from Russia").
_ROLE_PREPS = frozenset({"of", "for", "at", "from"})
# Tokens trimmed from a mention's edges, and the parts of speech its normalised name keeps.
_EDGE_POS = frozenset({"PUNCT", "CCONJ", "SCONJ", "ADP", "PART", "SPACE"})
_NAME_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "X"})
# Longest phrase, in tokens: a left subtree beyond this is a misparse, not a noun phrase.
MAX_PHRASE_TOKENS = 12

# What `_sheet` reads in one `Doc.to_array` call (numpy, spaCy's own dependency); HEAD is relative.
_SHEET_ATTRS = [HEAD, DEP, ORTH, TAG, ENT_TYPE, IS_PUNCT, IS_QUOTE, SPACY]
_POSSESSIVE_TAG = get_string_id("POS")
_DATE_TYPE, _TIME_TYPE = get_string_id("DATE"), get_string_id("TIME")


@dataclass(frozen=True, slots=True)
class _Sheet:
    """The token attributes the grammar reads, as plain lists indexed by token (see the module
    docstring for why). Heads and children are token indices."""

    doc: Doc
    tokens: list[Token]
    text: list[str]
    lower: list[str]
    lemma: list[str]  # lowercased
    pos: list[str]
    dep: list[str]
    head: list[int]  # a root is its own head
    lefts: list[list[int]]  # children left of the token, in text order
    rights: list[list[int]]
    possessive: list[bool]  # tag POS ("'s")
    dateline: list[bool]  # inside a DATE or TIME entity
    punct: list[bool]
    quote: list[bool]
    spaced: list[bool]  # followed by whitespace

    def children(self, i: int) -> list[int]:
        return self.lefts[i] + self.rights[i]


def _sheet(doc: Doc) -> _Sheet:
    """The Doc's `_Sheet`: the shared `columns` plus what only this extractor reads."""
    cols = columns(doc)
    n = len(doc)
    if n:
        array = doc.to_array(_SHEET_ATTRS)
        head = (array[:, 0].astype(numpy.int64) + numpy.arange(n)).tolist()
        dep, orth = array[:, 1:3].T.tolist()
        flags = [array[:, 3] == _POSSESSIVE_TAG, (array[:, 4] == _DATE_TYPE) | (array[:, 4] == _TIME_TYPE),
                 *(array[:, 5:] == 1).T]
        possessive, dateline, punct, quote, spaced = (column.tolist() for column in flags)
    else:
        head, dep, orth, possessive, dateline, punct, quote, spaced = ([] for _ in range(8))
    lefts: list[list[int]] = [[] for _ in range(n)]
    rights: list[list[int]] = [[] for _ in range(n)]
    for i, h in enumerate(head):
        if i < h:
            lefts[h].append(i)
        elif i > h:
            rights[h].append(i)
    return _Sheet(doc, cols.tokens, strings_of(orth, doc), cols.lower, cols.lemma, cols.pos, strings_of(dep, doc),
                  head, lefts, rights, possessive, dateline, punct, quote, spaced)


@dataclass(slots=True)
class _Ent:
    """An entity as the lexicon reads it."""

    start: int
    end: int
    kind: str  # org, unknown_org, seat, country, capital, demonym, people, person, norp
    iso3: str | None = None
    org: Organisation | None = None


@dataclass(slots=True)
class _Evidence:
    """A country form or organisation inside a phrase, and how it relates to the head."""

    ent: _Ent
    token: int  # its root token
    relation: str = "direct"  # direct, country, backer, ignore
    conj: bool = False  # coordinated with another modifier ("Armenian and Azerbaijani forces")


@dataclass(slots=True)
class _Phrase:
    """One noun phrase around a nominal head, and what its tokens say."""

    head: int  # its head token
    start: int
    end: int  # exclusive token index
    ent: _Ent | None  # the entity the head belongs to
    words: list[str]  # lowercase words before the head entity, or up to and with a plain head
    cue: HeadCue | None = None
    cue_len: int = 0  # words of `words` the cue covers
    countries: list[_Evidence] = field(default_factory=list)
    orgs: list[_Evidence] = field(default_factory=list)
    pp_countries: list[_Evidence] = field(default_factory=list)  # from a complement taken in
    pp_orgs: list[_Evidence] = field(default_factory=list)
    rebel: bool = False
    ethnic: bool = False
    nonstate: bool = False  # a people without a state modifies the head ("Kurdish forces")
    mod_sector: str | None = None
    located: str | None = None  # the country it is in, for a group without one ("rebels in the Ivory Coast")
    context_country: str | None = None  # the one country its sentence names, for a titled person without one
    consumed: bool = False  # part of a larger phrase

    @property
    def owners(self) -> list[_Evidence]:
        if not self.countries:  # most phrases: skip building the comprehension
            return []
        return [e for e in self.countries if e.relation in _OWNS]

    @property
    def identity(self) -> bool:
        """Whether something says whose the phrase is (a weak head needs it: "the Russian force")."""
        return bool(self.owners or self.pp_countries or self.orgs or self.pp_orgs or self.mod_sector
                    or self.rebel or self.nonstate or self.located)

    @property
    def is_person(self) -> bool:
        return self.ent is not None and self.ent.kind == "person"

    def deciding_org(self) -> Organisation | None:
        """The organisation that says who a generic or weak head is ("SOHR sources", "a spokesman for
        the UN"); a person's "of" complement only affiliates ("Paul Stronski of the Carnegie Endowment")."""
        if self.cue is not None and not (self.cue.generic or self.cue.weak):
            return None
        evidence = self.orgs if self.is_person else self.orgs + self.pp_orgs
        return next((e.ent.org for e in reversed(evidence) if e.ent.org is not None), None)


def extract_actors(doc: Doc, ctx: Context | None = None) -> list[ActorMention]:
    """The actors mentioned in `doc`, one per noun phrase, in text order."""
    lex = Lexicon.default()
    sheet = _sheet(doc)
    ents = _entities(doc, sheet, lex)
    roots = {id(e): _root(doc, e) for e in {id(e): e for e in ents if e is not None}.values()}
    pos = sheet.pos
    phrases = {i: _phrase(sheet, i, ents, roots, lex) for i in range(len(doc))
               if (ents[i] is not None or pos[i] in _HEAD_POS) and _is_head(sheet, i, ents, roots)}
    for phrase in reversed(phrases.values()):  # complements first: they lie to the right
        _absorb(sheet, phrase, phrases, lex)
    _titled_persons_country(doc, ents, phrases)
    mentions: list[ActorMention] = []
    for phrase in phrases.values():
        if not phrase.consumed:
            mentions.extend(_mentions(sheet, phrase, lex))
    return _without_overlaps(mentions)


# -- entities -------------------------------------------------------------------------------------

def _entities(doc: Doc, sheet: _Sheet, lex: Lexicon) -> list[_Ent | None]:
    """Per token, the actor-relevant entity it belongs to (None elsewhere)."""
    at: list[_Ent | None] = [None] * len(doc)
    for span in doc.ents:
        label = span.label_
        if label not in _ENTITY_LABELS:
            continue
        text = tokens_text(sheet.doc, span.start, span.end)
        if text.endswith("-"):
            continue  # "pro-" cut off by the NER is the prefix of the next word, not a name
        found = _classify(text, label, span.ent_id_, lex)
        if found is not None:
            _mark(at, _Ent(span.start, span.end, *found))
        elif label in ("ORG", "NORP"):
            kind = "unknown_org" if label == "ORG" else "norp"
            _split_unknown(doc, sheet, span.start, span.end, at, lex, kind)
    return at


def _root(doc: Doc, ent: _Ent) -> int:
    """The entity's root token (`Span.root`, which for one token is that token)."""
    return ent.start if ent.end - ent.start == 1 else doc[ent.start:ent.end].root.i


def _mark(at: list[_Ent | None], ent: _Ent) -> None:
    for i in range(ent.start, ent.end):
        if at[i] is None:
            at[i] = ent


def _classify(text: str, label: str, ident: str, lex: Lexicon) -> tuple[str, str | None, Organisation | None] | None:
    """(kind, ISO3, organisation) of an entity: the ruler's id first, then the lexicon by name."""
    if ident.startswith("org:") and (org := lex.organisations.get(ident[4:])):
        return "org", org.country, org
    if ident.startswith("seat:"):
        return "seat", ident[5:], None
    if ident.startswith("actor:"):
        form = lex.country_form(text)
        return (form[1] if form else "demonym"), ident[6:], None
    if label != "PERSON" and (org := lex.organisation(text)):
        return "org", org.country, org
    form = lex.country_form(text)
    if form is not None and not (form[1] == "capital" and label not in ("GPE", "LOC")):
        return ("country" if form[1] == "name" else form[1]), form[0], None
    if label == "PERSON" and text.split()[0] not in lex.toponym_heads:
        return "person", None, None  # but not "Deir al-Adas", a place the NER took for a person
    return None


def _split_unknown(doc: Doc, sheet: _Sheet, start: int, end: int, at: list[_Ent | None], lex: Lexicon,
                   kind: str) -> None:
    """An organisation or people the lexicon does not know: its country forms become entities of
    their own ("the Syrian Foreign Ministry"), and the rest one entity of `kind` unless its head is a
    cue noun (then the phrase is read like any other)."""
    i = start
    while i < end:
        for n in (2, 1):
            form = lex.country_form(tokens_text(sheet.doc, i, i + n)) if i + n <= end else None
            if form is not None and form[1] != "capital":
                _mark(at, _Ent(i, i + n, "country" if form[1] == "name" else form[1], form[0]))
                i += n
                break
        else:
            i += 1
    root = doc[start:end].root.i
    if at[root] is None and lex.head_cue([sheet.lower[root]]) is None and lex.head_cue([sheet.lemma[root]]) is None:
        _mark(at, _Ent(start, end, kind))


# -- noun phrases ---------------------------------------------------------------------------------

def _is_modifier(sheet: _Sheet, i: int) -> bool:
    dep, head = sheet.dep, sheet.head
    while dep[i] == "conj" and head[i] != i:
        i = head[i]
    if dep[i] in _MODIFIER_DEPS:
        return True
    # "Turkish" in "Turkish-backed": attached to the participle that modifies the head.
    return dep[i] == "npadvmod" and i < head[i] and sheet.pos[head[i]] in ("ADJ", "VERB")


_HEAD_POS = frozenset({"NOUN", "PROPN", "ADJ", "NUM", "X"})  # what a head outside an entity can be


def _is_head(sheet: _Sheet, i: int, ents: list[_Ent | None], roots: dict[int, int]) -> bool:
    """Whether a token opens a noun phrase: a nominal that modifies nothing, or an entity's root
    (`roots`: each entity's root token, by the entity's id)."""
    ent = ents[i]
    if ent is not None:
        return roots[id(ent)] == i and not _is_modifier(sheet, i)
    if _is_modifier(sheet, i):
        return False
    pos = sheet.pos[i]
    return pos in ("NOUN", "PROPN") or pos in ("ADJ", "NUM", "X") and sheet.dep[i] in _NOMINAL_DEPS


def _phrase(sheet: _Sheet, head: int, ents: list[_Ent | None], roots: dict[int, int], lex: Lexicon) -> _Phrase:
    ent = ents[head]
    start = max(_left_bound(sheet, head, head), head - MAX_PHRASE_TOKENS)
    start = _cut(sheet, start, head)
    end = head + 1
    if ent is not None:
        start, end = min(start, ent.start), max(end, ent.end)
    phrase = _Phrase(head, start, end, ent, _words(sheet, start, head + 1 if ent is None else ent.start))
    if ent is None:
        _read_head(sheet, phrase, lex)
    elif ent.kind == "person" and (found := lex.head_cue(phrase.words)):
        phrase.cue, phrase.cue_len = found  # a title before the name: "President", "Gen."
    _collect(sheet, phrase, ents, roots, lex)
    if ent is None and phrase.cue is None:
        # Neither an actor nor a complement one takes in: only the organisations and countries inside
        # it can be mentioned (`_inner_mentions`), so the rest would go unread.
        return phrase
    phrase.rebel = lex.has_rebel_marker(phrase.words)
    phrase.ethnic = not lex.ethnic_markers.isdisjoint(phrase.words)
    phrase.mod_sector = _modifier_sector(phrase.words[:len(phrase.words) - phrase.cue_len], lex)
    if ent is None or ent.kind in ("norp", "people"):
        phrase.located = _location(sheet, head, ents, lex)
    if phrase.located is None and phrase.ethnic:
        phrase.located = _where_it_acts(sheet.tokens[head], ents)
    return phrase


def _cut(sheet: _Sheet, start: int, head: int) -> int:
    """Where a phrase really starts when its left part runs into a dateline glued to a headline, or
    back across a quotation mark it does not close ('an American" the Observatory'; a quoted
    modifier such as “enemy” tanks stays whole)."""
    quote, possessive = sheet.quote, sheet.possessive
    if True in quote[start:head]:  # most phrases have none
        quotes = [i for i in range(start, head) if quote[i] and not possessive[i]]
        if len(quotes) % 2:
            start = quotes[-1] + 1
    if True in sheet.dateline[start:head]:
        for i in range(head - 1, start - 1, -1):
            if sheet.dateline[i]:
                return i + 1
    return start


def _left_bound(sheet: _Sheet, token: int, head: int) -> int:
    """The first token of the phrase: the head's noun-phrase dependents on the left, and theirs in
    turn (an adverb only inside a number or adjective: "at least 200", not "further east")."""
    start = token
    for child in sheet.lefts[token]:
        dep = sheet.dep[child]
        if dep not in _PHRASE_LEFT_DEPS:
            continue
        if dep == "punct" and (token - child > 2 or sheet.text[child] in (",", ";", ":")):
            continue
        if token == head and (dep == "advmod" or dep == "npadvmod" and sheet.text[child + 1] != "-"):
            continue  # "east" in "further east government troops"; but "Turkish" in "Turkish-backed"
        start = min(start, _left_bound(sheet, child, head))
    return start


def _words(sheet: _Sheet, start: int, end: int) -> list[str]:
    """Lowercase words of tokens [start, end): hyphenated words joined ("self-declared"), punctuation
    and the possessive mark left out."""
    text, lower, punct, possessive = sheet.text, sheet.lower, sheet.punct, sheet.possessive
    words: list[str] = []
    glue = False
    spaced = True  # whether the previous token was followed by a space
    for i in range(start, end):
        if text[i] == "-" and words and not spaced:
            words[-1] += "-"
            glue = True
        elif punct[i] or possessive[i]:
            glue = False
        elif glue:
            words[-1] += lower[i]
            glue = False
        else:
            words.append(lower[i])
        spaced = sheet.spaced[i]
    return words


def _read_head(sheet: _Sheet, phrase: _Phrase, lex: Lexicon) -> None:
    """The cue of a plain head: the longest cue phrase ending at it ("defense ministry"), or running
    on through an of-complement ("Ministry of Defense"), or an aircraft designation ("F-16")."""
    head, words = phrase.head, phrase.words
    found = lex.head_cue(words)
    if found is None and not (words and words[-1] == sheet.lemma[head]):  # else the same lookup again
        found = lex.head_cue([*words[:-1], sheet.lemma[head]])
    of_phrase = _of_phrase(sheet, head, lex)
    if of_phrase is not None:
        found, phrase.end = (of_phrase[0], 1), of_phrase[1]
    if found is not None:
        phrase.cue, phrase.cue_len = found
    elif _is_designation(sheet.text[head]):
        phrase.cue, phrase.cue_len = lex.heads.get(("aircraft",)), 1


def _of_phrase(sheet: _Sheet, head: int, lex: Lexicon) -> tuple[HeadCue, int] | None:
    rights = sheet.rights[head]
    if not rights or sheet.lower[rights[0]] != "of" or sheet.dep[rights[0]] != "prep":
        return None  # only an "of" complement, as the first right dependent, runs a cue on
    pobj = next((c for c in sheet.rights[rights[0]] if sheet.dep[c] == "pobj"), None)
    if pobj is not None and pobj - head <= 4:
        words = (sheet.lower[head], "of", *_words(sheet, sheet.tokens[pobj].left_edge.i, pobj + 1))
        if (cue := lex.heads.get(words)) is not None:
            return cue, pobj + 1
    return None


def _is_designation(text: str) -> bool:
    """Aircraft and armour designations ("F-16", "SU-25", "MiG-29", "T-72"): letters, hyphen, digits."""
    letters, _, digits = text.partition("-")
    return 1 <= len(letters) <= 3 and letters[:1].isupper() and letters.isalpha() and digits[:1].isdigit()


def _modifier_sector(words: list[str], lex: Lexicon) -> str | None:
    """The sector of the modifier nearest the head ("military sources", "human rights groups")."""
    ends = lex.modifier_ends
    if ends.isdisjoint(words):
        return None  # no modifier phrase ends in any of the words: most phrases
    for i in range(len(words) - 1, -1, -1):
        if words[i] not in ends:
            continue  # no modifier phrase ends with this word
        for n in (2, 1):
            if i - n + 1 >= 0 and (sector := lex.modifier_sector(words[i - n + 1:i + 1])):
                return sector
    return None


def _collect(sheet: _Sheet, phrase: _Phrase, ents: list[_Ent | None], roots: dict[int, int], lex: Lexicon) -> None:
    """The country forms and organisations among the phrase's tokens, and how each relates to the head."""
    seen: set[int] = set()
    for i in range(phrase.start, phrase.end):
        ent = ents[i]
        if ent is None:
            if "-" in sheet.text[i][1:-1]:
                _hyphenated(sheet, i, phrase, lex)
            continue
        if ent is phrase.ent or id(ent) in seen:
            continue
        seen.add(id(ent))
        root = roots[id(ent)]
        relation = _relation(sheet, ent.start, ent.end - 1, lex)
        if ent.kind in _COUNTRY_KINDS:
            conj = sheet.dep[root] == "conj" or any(sheet.dep[c] == "conj" for c in sheet.children(root)
                                                    if c < phrase.head)
            phrase.countries.append(_Evidence(ent, root, relation, conj))
        elif ent.kind in _ORG_KINDS and relation in _OWNS and _attached(sheet, root, phrase.head):
            phrase.orgs.append(_Evidence(ent, root, relation))
        elif ent.kind == "norp" and relation == "direct":
            phrase.nonstate = True


def _hyphenated(sheet: _Sheet, i: int, phrase: _Phrase, lex: Lexicon) -> None:
    """"U.S.-led" or "pro-Iranian" as one token: its country form and that form's relation."""
    prefix, _, suffix = sheet.text[i].rpartition("-")
    if (form := lex.country_form(prefix)) is not None:
        relation = lex.affixes.get(suffix.lower(), "direct")
    elif (form := lex.country_form(suffix)) is not None:
        relation = lex.prefixes.get(prefix.lower(), "direct")
    else:
        return
    ent = _Ent(i, i + 1, "country" if form[1] == "name" else form[1], form[0])
    phrase.countries.append(_Evidence(ent, i, relation))


def _attached(sheet: _Sheet, token: int, head: int) -> bool:
    """Whether a modifier hangs on the head itself (through conjuncts at most): "SOHR sources", not an
    organisation deep in an unpunctuated headline's compound chain."""
    while sheet.dep[token] == "conj" and sheet.head[token] != token:
        token = sheet.head[token]
    return sheet.head[token] == head


def _relation(sheet: _Sheet, first: int, last: int, lex: Lexicon) -> str:
    """How a modifier relates to the head: "Turkish-backed" and "pro-Iranian" only back it,
    "U.S.-led" leads it, "London-based" and "anti-Syrian" do not make it theirs."""
    text, lower = sheet.text, sheet.lower
    if last + 2 < len(text) and text[last + 1] == "-" and not sheet.spaced[last]:
        return lex.affixes.get(lower[last + 2], "direct")
    if first >= 2 and text[first - 1] == "-" and not sheet.spaced[first - 2]:
        return lex.prefixes.get(lower[first - 2], "direct")
    if first >= 1 and len(text[first - 1]) > 1 and text[first - 1].endswith("-"):
        return lex.prefixes.get(lower[first - 1].rstrip("-"), "direct")
    return "direct"


def _location(sheet: _Sheet, head: int, ents: list[_Ent | None], lex: Lexicon) -> str | None:
    """The country of an "in / throughout / of" complement right after the head: a country or
    capital the lexicon knows, else the country of the place the gazetteer resolved."""
    rights = sheet.rights[head]
    child = rights[0] if rights else None
    if child is None or child != head + 1 or sheet.dep[child] != "prep" \
            or sheet.lower[child] not in lex.agent_roles.location:
        return None
    pobj = next((c for c in sheet.rights[child] if sheet.dep[c] == "pobj"), None)
    if pobj is None:
        return None
    ent = ents[pobj]
    if ent is not None and ent.kind in ("country", "capital"):
        return ent.iso3
    ent_id = sheet.tokens[pobj].ent_id_
    if not ent_id.startswith("place:"):
        return None
    from fogwatch.gazetteer import Gazetteer  # the places layer, already loaded with the pipeline

    place = Gazetteer.default().get(ent_id[6:])
    return place.country if place is not None else None


def _where_it_acts(head: Token, ents: list[_Ent | None]) -> str | None:
    """The country an ethnic group acts in: "in <country>" on a participle after the head ("ethnic
    Albanian guerrillas operating in Macedonia") or on the verb it is the subject of ("ethnic Turks
    demonstrated in Sweden"). Only a country or capital named as such; none when two are."""
    verbs = [c for c in head.rights if c.dep_ == "acl"]
    if head.dep_ in ("nsubj", "nsubjpass"):
        verbs.append(head.head)
    found = set()
    for verb in verbs:
        preps = [c for c in verb.children if c.dep_ == "prep"]
        preps += [c for prep in preps for c in prep.conjuncts]  # "in Azerbaijan and in Armenia"
        for prep in preps:
            if prep.lower_ not in ("in", "inside", "within", "throughout"):
                continue
            pobjs = [c for c in prep.children if c.dep_ == "pobj"]
            for pobj in pobjs + [c for pobj in pobjs for c in pobj.conjuncts]:
                ent = ents[pobj.i]
                if ent is not None and ent.kind in ("country", "capital") and ent.iso3:
                    found.add(ent.iso3)
    return next(iter(found)) if len(found) == 1 else None


# -- complements ----------------------------------------------------------------------------------

def _absorb(sheet: _Sheet, phrase: _Phrase, phrases: dict[int, _Phrase], lex: Lexicon) -> None:
    """A role phrase takes in its complement ("officials of the self-declared … government", "Paul
    Stronski of the Carnegie Endowment", "fighters from Syria"); an actor takes in its possessor."""
    head, dep, lower = phrase.head, sheet.dep, sheet.lower
    rights = sheet.rights[head]
    prep = next((c for c in rights if dep[c] == "prep" and lower[c] in _ROLE_PREPS and c >= phrase.end),
                None) if rights else None
    if prep is not None:
        pobj = next((c for c in sheet.rights[prep] if dep[c] == "pobj"), None)
        inner = phrases.get(pobj) if pobj is not None else None
        if inner is not None and not inner.consumed and _takes(phrase, lower[prep], inner):
            _take(phrase, inner)
    if phrase.is_person and phrase.cue is None:
        _title_from_apposition(sheet, phrase, phrases)
    if _is_actor_head(phrase):
        for child in sheet.lefts[head]:
            if dep[child] == "poss" and (inner := phrases.get(child)) is not None:
                inner.consumed = True


def _takes(phrase: _Phrase, prep: str, inner: _Phrase) -> bool:
    """Whether a phrase takes in its complement: a role ("spokesman", a person) any actor after
    "of / for / at / from"; an actor noun a named one after "from" ("fighters from Syria") or any
    after "of" ("forces of the regime")."""
    role = phrase.is_person or phrase.cue is not None and (phrase.cue.generic or phrase.cue.sector == "PER")
    actor_noun = phrase.cue is not None and not phrase.cue.weak
    named = inner.ent is not None and inner.ent.kind in _ORG_KINDS | {"country", "capital", "seat"}
    if prep == "from":
        return (role or actor_noun) and named
    if not (role or actor_noun and prep == "of"):
        return False
    return named or inner.cue is not None and (not inner.cue.weak or inner.identity)


def _take(phrase: _Phrase, inner: _Phrase) -> None:
    inner.consumed = True
    phrase.end = max(phrase.end, inner.end)
    if inner.ent is not None and inner.ent.kind in _COUNTRY_KINDS:
        phrase.pp_countries.append(_Evidence(inner.ent, inner.head))
    elif inner.ent is not None and inner.ent.kind in _ORG_KINDS:
        phrase.pp_orgs.append(_Evidence(inner.ent, inner.head))
    phrase.pp_countries.extend(inner.owners)
    phrase.pp_orgs.extend(inner.orgs)
    if inner.cue is not None and inner.cue.sector and not inner.orgs and inner.ent is None:
        # "officials of the government": the complement's sector stands for the role's.
        phrase.mod_sector = phrase.mod_sector or inner.cue.sector
    phrase.rebel = phrase.rebel or inner.rebel


def _title_from_apposition(sheet: _Sheet, person: _Phrase, phrases: dict[int, _Phrase]) -> None:
    """A person in apposition to a title takes its sector, and its country when it names one:
    "the French and Russian presidents Emmanuel Macron and Vladimir Putin", "X, an analyst at Y"."""
    dep, heads = sheet.dep, sheet.head
    anchor = person.head
    while dep[anchor] == "conj" and heads[anchor] != anchor:
        anchor = heads[anchor]
    candidates = [c for c in sheet.children(person.head) if dep[c] == "appos"]
    if dep[anchor] == "appos":
        candidates.append(heads[anchor])
    for token in candidates:
        title = phrases.get(token)
        if title is None or title.cue is None or title.ent is not None:
            continue
        person.cue = title.cue
        person.orgs.extend(title.orgs + title.pp_orgs)
        if len({e.ent.iso3 for e in title.owners}) == 1:
            person.countries.extend(title.owners)
        return


def _titled_persons_country(doc: Doc, ents: list[_Ent | None], phrases: dict[int, _Phrase]) -> None:
    """A person with a government title and no country of its own ("President Yoweri Museveni")
    takes the one country its sentence names (a country, demonym, people, capital or seat), or with
    none there the one the whole article names. No guess when several are named, nor when another
    titled person of the sentence has a country of its own ("South African leader F.W. de Klerk")."""
    titled = [p for p in phrases.values() if not p.consumed and p.is_person and p.cue is not None
              and _sector(p) == "GOV"]
    if not titled:
        return
    sent_of = [0] * len(doc)
    for n, sent in enumerate(sentences(doc)):
        for i in range(sent.start, sent.end):
            sent_of[i] = n
    named: dict[int, set[str]] = {}
    for i, ent in enumerate(ents):
        if ent is not None and ent.start == i and ent.kind in _COUNTRY_KINDS and ent.iso3:
            named.setdefault(sent_of[i], set()).add(ent.iso3)
    in_article = set().union(*named.values()) if named else set()
    with_country = {sent_of[p.head] for p in titled if _country(p) is not None}
    for phrase in titled:
        sent = sent_of[phrase.head]
        if _country(phrase) is not None or sent in with_country:
            continue
        countries = named.get(sent) or (in_article if not with_country else set())
        if len(countries) == 1:
            phrase.context_country = next(iter(countries))


# -- decisions: actor or not, sector, country, name -----------------------------------------------

def _is_actor_head(phrase: _Phrase) -> bool:
    ent, cue = phrase.ent, phrase.cue
    if ent is not None:
        return ent.kind in _ACTOR_ENT_KINDS
    return cue is not None and (not cue.weak or phrase.identity)


def _acts(sheet: _Sheet, head: int, lex: Lexicon) -> bool:
    """Whether a bare country or capital is a party to what is said, not a place: a subject, a passive
    agent, a party "between" others, "according to" it, the object of "urge", … (sector_cues.yaml)."""
    roles = lex.agent_roles
    deps, heads, lower, lemma = sheet.dep, sheet.head, sheet.lower, sheet.lemma
    token = head
    while deps[token] in ("conj", "appos") and heads[token] != token:
        token = heads[token]
    dep = deps[token]
    if dep in ("nsubj", "nsubjpass", "csubj"):
        return True
    if dep == "poss":
        return lower[heads[token]] not in lex.place_nouns
    if dep == "pobj":
        prep = heads[token]
        if deps[prep] in ("agent", "mark") or lower[prep] in roles.preps:
            return True  # "by Turkey"; "after Azerbaijan launched …" misparsed as a preposition's object
        allowed = roles.prep_governors.get(lower[prep], frozenset())
        return lower[heads[prep]] in allowed or lemma[heads[prep]] in allowed
    if dep in ("dobj", "dative"):
        verb = heads[token]
        # "urged Iran", or an object that the next clause is about: "led the U.S. to call on …"
        return lemma[verb] in roles.object_verbs or \
            any(deps[c] in ("xcomp", "ccomp") and c > token for c in sheet.children(verb))
    return False


def _sector(phrase: _Phrase) -> str | None:
    """Rebel markers first (a self-declared ministry is REB), then an intrinsic head ("forces" MIL),
    the organisation, a sector modifier, a generic head ("officials" GOV), a person (PER)."""
    cue, ent = phrase.cue, phrase.ent
    if phrase.rebel:
        return "REB"
    if cue is not None and cue.sector and not cue.generic and not cue.weak:
        if cue.sector == "GOV" and not phrase.owners and _igo(phrase):
            return "IGO"  # the government body of an international organisation: "the UN war crimes court"
        if cue.sector == "MIL" and (phrase.ethnic or phrase.nonstate and not phrase.countries):
            return "REB"  # the forces of a people, not of a state: "ethnic Armenian forces", "Kurdish forces"
        return cue.sector
    if ent is not None and ent.org is not None:
        return ent.org.sector
    if ent is not None and ent.kind == "seat":
        return "GOV"
    if (org := phrase.deciding_org()) is not None:
        return org.sector
    if phrase.mod_sector:
        return phrase.mod_sector
    if cue is not None and cue.sector:
        return cue.sector
    return "PER" if phrase.is_person else None


def _igo(phrase: _Phrase) -> bool:
    """Whether an intergovernmental organisation modifies the head ("European Community ministers")."""
    return any(e.ent.org is not None and e.ent.org.sector == "IGO" for e in phrase.orgs)


def _country(phrase: _Phrase) -> str | None:
    """The head's own country, else that of the organisation naming a generic head ("the pro-Iranian
    Hezbollah group" is Lebanese), else the nearest demonym or country, else where the group is."""
    if phrase.located and (phrase.ethnic or phrase.ent is not None and phrase.ent.kind == "people"):
        # a people, or an ethnic group, where it lives: "Albanians of southern Serbia", "ethnic Turks in Sweden"
        return phrase.located
    if phrase.ent is not None and phrase.ent.iso3:
        return phrase.ent.iso3
    org = phrase.deciding_org()
    if org is not None and org.country and not phrase.is_person:
        return org.country
    for evidence in (phrase.owners, phrase.pp_countries):
        if evidence:
            return max(evidence, key=lambda e: e.token).ent.iso3
    orgs = phrase.orgs if phrase.is_person else phrase.orgs + phrase.pp_orgs
    return next((e.ent.iso3 for e in reversed(orgs) if e.ent.iso3), None) or phrase.located \
        or phrase.context_country


def _mentions(sheet: _Sheet, phrase: _Phrase, lex: Lexicon) -> list[ActorMention]:
    ent, head = phrase.ent, phrase.head
    if ent is not None and ent.kind in ("country", "capital"):
        if not _acts(sheet, head, lex):
            return []
        # A country owning an event acts through whoever carries it out: "Azerbaijan's offensive".
        sector = lex.event_sector([sheet.lower[sheet.head[head]]]) if sheet.dep[head] == "poss" else None
        country = lex.country(ent.iso3)
        name = country.name if ent.kind == "country" and country else _text(sheet, ent.start, ent.end)
        return [_mention(sheet, phrase.start, phrase.end, name, ent.iso3, sector or "GOV", ent.kind)]
    if not _is_actor_head(phrase):
        return _inner_mentions(sheet, phrase, lex)
    if ent is not None and sheet.dep[head] == "pobj":
        if ent.kind == "person" and sheet.lower[sheet.head[head]] in lex.person_place_preps:
            return []  # "near Tal Abyad": a place the NER took for a person
        if ent.kind == "seat" and sheet.lower[sheet.head[head]] in lex.agent_roles.locative:
            return []  # "talks at the White House": the building, not the government
    sector = _sector(phrase)
    owners = phrase.owners
    if ent is None and len({e.ent.iso3 for e in owners}) > 1 and any(e.conj for e in owners):
        return _split(sheet, phrase, owners, sector)
    kind, name = _kind_and_name(sheet, phrase, sector)
    return [_mention(sheet, phrase.start, phrase.end, name, _country(phrase), sector, kind)]


def _kind_and_name(sheet: _Sheet, phrase: _Phrase, sector: str | None) -> tuple[str, str]:
    ent = phrase.ent
    if ent is not None and ent.org is not None:
        return "organisation", ent.org.name
    if ent is not None and ent.kind in ("seat", "person", "unknown_org"):
        text = _text(sheet, ent.start, ent.end)
        text = text[4:] if text.startswith(("the ", "The ")) else text
        return {"seat": "seat", "person": "person"}.get(ent.kind, "organisation"), text
    org = phrase.deciding_org()
    if org is not None and sector == org.sector:
        return "organisation", org.name  # "SOHR sources", "BBC reports"
    return "group", _phrase_name(sheet, phrase)


def _phrase_name(sheet: _Sheet, phrase: _Phrase) -> str:
    """The phrase without determiners, numbers, possessive marks, backers and punctuation:
    "The Armenian defense ministry" → "Armenian defense ministry", "Azerbaijan's government" →
    "Azerbaijan government", "Turkish-backed Syrian mercenaries" → "Syrian mercenaries"."""
    text = sheet.text
    skip: set[int] = set()
    for evidence in phrase.countries:
        if evidence.relation in _OWNS:
            continue
        start, end = evidence.ent.start, evidence.ent.end
        skip.update(range(start, end))
        if end + 1 < len(text) and text[end] == "-":
            skip.update((end, end + 1))  # "Turkish-backed"
        if start >= 1 and text[start - 1].endswith("-"):
            skip.update((start - 1, start - 2) if text[start - 1] == "-" else (start - 1,))  # "pro-Russian"
    return _name(sheet, phrase.start, phrase.end, phrase.head, skip)


def _name(sheet: _Sheet, start: int, end: int, head: int,
          skip: set[int] = frozenset()) -> str:  # type: ignore[assignment]
    """The content words of tokens [start, end): nouns, adjectives and participles, hyphenated words
    kept whole, the head always, and a preposition only after the head ("Ministry of Defense")."""
    text, pos = sheet.text, sheet.pos
    parts: list[str] = []
    glue = False
    spaced = True
    for i in range(start, end):
        was_spaced, spaced = spaced, sheet.spaced[i]
        if i in skip:
            continue
        if text[i] == "-" and parts and not was_spaced:
            parts[-1] += "-"
            glue = True
            continue
        keep = i == head or pos[i] in _NAME_POS or pos[i] == "ADP" and i > head
        if keep and not sheet.possessive[i]:
            if glue:
                parts[-1] += text[i]
            else:
                parts.append(text[i])
        glue = False
    return " ".join(parts) or _text(sheet, start, end)


def _inner_mentions(sheet: _Sheet, phrase: _Phrase, lex: Lexicon) -> list[ActorMention]:
    """Actors inside a phrase that is not one: an organisation ("the UN convoy"), an actor phrase
    that modifies the head ("Israeli army bulldozers", "the Syrian government offensive"), or the
    country of an event ("Russian airstrikes", "U.S. raids", "Palestinian riots")."""
    if not phrase.orgs and (phrase.ent is not None or not phrase.countries):
        return []  # nothing inside: most phrases
    found = [_mention(sheet, e.ent.start, e.ent.end, e.ent.org.name, e.ent.org.country, e.ent.org.sector,
                      "organisation") for e in phrase.orgs if e.ent.org is not None]
    if phrase.ent is not None:
        return found
    states = [e for e in phrase.owners if e.ent.kind in ("country", "demonym")]
    if not states:
        return found
    modifier = _cue_modifier(sheet, phrase, lex)
    if modifier is not None and (before := [e for e in states if e.token < modifier[0]]):
        end, cue = modifier
        sector = "REB" if lex.has_rebel_marker(_words(sheet, phrase.start, end)) else cue.sector
        owner = max(before, key=lambda e: e.token)
        found.append(_mention(sheet, phrase.start, end, _name(sheet, before[0].ent.start, end, end - 1),
                              owner.ent.iso3, sector, "group"))
    elif (sector := lex.event_sector(phrase.words)) is not None:
        for evidence in states:
            country = lex.country(evidence.ent.iso3)
            name = country.name if country else _text(sheet, evidence.ent.start, evidence.ent.end)
            found.append(_mention(sheet, evidence.ent.start, evidence.ent.end, name, evidence.ent.iso3, sector,
                                  "country"))
    return found


def _cue_modifier(sheet: _Sheet, phrase: _Phrase, lex: Lexicon) -> tuple[int, HeadCue] | None:
    """The last modifier of the head that is itself an actor noun ("army" in "Israeli army
    bulldozers"), as (end token index, cue)."""
    for i in range(phrase.head - 1, phrase.start - 1, -1):
        if sheet.dep[i] in ("compound", "amod", "nmod") and (cue := lex.heads.get((sheet.lower[i],))) is not None \
                and cue.sector and not (cue.weak or cue.generic):
            return i + 1, cue
    return None


def _split(sheet: _Sheet, phrase: _Phrase, owners: list[_Evidence], sector: str | None) -> list[ActorMention]:
    """"Armenian and Azerbaijani forces": one mention per country, each with its own span (the first
    from the phrase's start, the last to its end)."""
    owners = sorted(owners, key=lambda e: e.token)
    head_words = _text(sheet, phrase.head - max(phrase.cue_len, 1) + 1, phrase.head + 1)
    found = []
    for n, evidence in enumerate(owners):
        start = phrase.start if n == 0 else evidence.ent.start
        end = phrase.end if n == len(owners) - 1 else evidence.ent.end
        name = f"{_text(sheet, evidence.ent.start, evidence.ent.end)} {head_words}"
        found.append(_mention(sheet, start, end, name, evidence.ent.iso3, sector, "group"))
    return found


# -- mentions -------------------------------------------------------------------------------------

def _text(sheet: _Sheet, start: int, end: int) -> str:
    return " ".join(tokens_text(sheet.doc, start, end).split())


def _mention(sheet: _Sheet, start: int, end: int, name: str, country: str | None, sector: str | None,
             kind: str) -> ActorMention:
    """A mention over tokens [start, end), its edges trimmed of punctuation, conjunctions, quotes
    and datelines."""
    pos, quote = sheet.pos, sheet.quote
    while start < end - 1 and (pos[start] in _EDGE_POS or quote[start] or sheet.dateline[start]):
        start += 1
    while end - 1 > start and (pos[end - 1] in _EDGE_POS or quote[end - 1]):
        end -= 1
    if start >= end:  # never for the spans above; spaCy's own offsets for an empty one
        span = sheet.doc[start:end]
        return ActorMention(text=span.text, start=span.start_char, end=span.end_char, name=name,
                            country=country, sector=sector, kind=kind)  # type: ignore[arg-type]
    first, last = token_chars(sheet.doc, start, end)
    return ActorMention(text=tokens_text(sheet.doc, start, end), start=first, end=last, name=name,
                        country=country, sector=sector, kind=kind)  # type: ignore[arg-type]


def _without_overlaps(mentions: list[ActorMention]) -> list[ActorMention]:
    """One mention per stretch of text: the longest wins when two overlap."""
    kept: list[ActorMention] = []
    for mention in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if kept and mention.start < kept[-1].end:
            if mention.end - mention.start > kept[-1].end - kept[-1].start:
                kept[-1] = mention
            continue
        kept.append(mention)
    return kept
