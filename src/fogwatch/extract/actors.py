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
One pass over the tokens builds the phrases; each phrase looks only at its own few tokens.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from fogwatch.extract import Context
from fogwatch.language import columns
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

    head: Token
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
    cols = columns(doc)
    tokens = cols.tokens  # spaCy builds a Token object per `doc[i]`: build each once
    ents = _entities(doc, tokens, lex)
    roots = {id(e): doc[e.start:e.end].root.i for e in {id(e): e for e in ents if e is not None}.values()}
    pos = cols.pos
    phrases = {i: _phrase(tokens, tokens[i], ents, lex) for i in range(len(tokens))
               if (ents[i] is not None or pos[i] in _HEAD_POS) and _is_head(tokens[i], ents, roots)}
    for phrase in reversed(phrases.values()):  # complements first: they lie to the right
        _absorb(phrase, phrases, lex)
    _titled_persons_country(doc, ents, phrases)
    mentions: list[ActorMention] = []
    for phrase in phrases.values():
        if not phrase.consumed:
            mentions.extend(_mentions(doc, phrase, lex))
    return _without_overlaps(mentions)


# -- entities -------------------------------------------------------------------------------------

def _entities(doc: Doc, tokens: list[Token], lex: Lexicon) -> list[_Ent | None]:
    """Per token, the actor-relevant entity it belongs to (None elsewhere)."""
    at: list[_Ent | None] = [None] * len(doc)
    for span in doc.ents:
        if span.label_ not in _ENTITY_LABELS or span.text.endswith("-"):
            continue  # "pro-" cut off by the NER is the prefix of the next word, not a name
        found = _classify(span.text, span.label_, span.ent_id_, lex)
        if found is not None:
            _mark(at, _Ent(span.start, span.end, *found))
        elif span.label_ in ("ORG", "NORP"):
            kind = "unknown_org" if span.label_ == "ORG" else "norp"
            _split_unknown(doc, tokens, span.start, span.end, at, lex, kind)
    return at


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


def _split_unknown(doc: Doc, tokens: list[Token], start: int, end: int, at: list[_Ent | None], lex: Lexicon,
                   kind: str) -> None:
    """An organisation or people the lexicon does not know: its country forms become entities of
    their own ("the Syrian Foreign Ministry"), and the rest one entity of `kind` unless its head is a
    cue noun (then the phrase is read like any other)."""
    i = start
    while i < end:
        for n in (2, 1):
            form = lex.country_form(doc[i:i + n].text) if i + n <= end else None
            if form is not None and form[1] != "capital":
                _mark(at, _Ent(i, i + n, "country" if form[1] == "name" else form[1], form[0]))
                i += n
                break
        else:
            i += 1
    root = tokens[doc[start:end].root.i]
    if at[root.i] is None and lex.head_cue([root.lower_]) is None and lex.head_cue([root.lemma_.lower()]) is None:
        _mark(at, _Ent(start, end, kind))


# -- noun phrases ---------------------------------------------------------------------------------

def _is_modifier(token: Token) -> bool:
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    if token.dep_ in _MODIFIER_DEPS:
        return True
    # "Turkish" in "Turkish-backed": attached to the participle that modifies the head.
    return token.dep_ == "npadvmod" and token.i < token.head.i and token.head.pos_ in ("ADJ", "VERB")


_HEAD_POS = frozenset({"NOUN", "PROPN", "ADJ", "NUM", "X"})  # what a head outside an entity can be


def _is_head(token: Token, ents: list[_Ent | None], roots: dict[int, int]) -> bool:
    """Whether a token opens a noun phrase: a nominal that modifies nothing, or an entity's root
    (`roots`: each entity's root token, by the entity's id)."""
    ent = ents[token.i]
    if ent is not None:
        return roots[id(ent)] == token.i and not _is_modifier(token)
    if _is_modifier(token):
        return False
    return token.pos_ in ("NOUN", "PROPN") or token.pos_ in ("ADJ", "NUM", "X") and token.dep_ in _NOMINAL_DEPS


def _phrase(tokens: list[Token], head: Token, ents: list[_Ent | None], lex: Lexicon) -> _Phrase:
    ent = ents[head.i]
    start = max(_left_bound(head, head), head.i - MAX_PHRASE_TOKENS)
    start = _cut(tokens, start, head.i)
    end = head.i + 1
    if ent is not None:
        start, end = min(start, ent.start), max(end, ent.end)
    phrase = _Phrase(head, start, end, ent, _words(tokens[start:head.i + 1 if ent is None else ent.start]))
    if ent is None:
        _read_head(tokens, phrase, lex)
    elif ent.kind == "person" and (found := lex.head_cue(phrase.words)):
        phrase.cue, phrase.cue_len = found  # a title before the name: "President", "Gen."
    _collect(tokens, phrase, ents, lex)
    phrase.rebel = lex.has_rebel_marker(phrase.words)
    phrase.ethnic = any(w in lex.ethnic_markers for w in phrase.words)
    phrase.mod_sector = _modifier_sector(phrase.words[:len(phrase.words) - phrase.cue_len], lex)
    if ent is None or ent.kind in ("norp", "people"):
        phrase.located = _location(head, ents, lex)
    if phrase.located is None and phrase.ethnic:
        phrase.located = _where_it_acts(head, ents)
    return phrase


def _cut(tokens: list[Token], start: int, head: int) -> int:
    """Where a phrase really starts when its left part runs into a dateline glued to a headline, or
    back across a quotation mark it does not close ('an American" the Observatory'; a quoted
    modifier such as “enemy” tanks stays whole)."""
    quotes = [i for i in range(start, head) if tokens[i].is_quote and tokens[i].tag_ != "POS"]
    if len(quotes) % 2:
        start = quotes[-1] + 1
    for i in range(head - 1, start - 1, -1):
        if tokens[i].ent_type_ in ("DATE", "TIME"):
            return i + 1
    return start


def _left_bound(token: Token, head: Token) -> int:
    """The first token of the phrase: the head's noun-phrase dependents on the left, and theirs in
    turn (an adverb only inside a number or adjective: "at least 200", not "further east")."""
    start = token.i
    for child in token.lefts:
        dep = child.dep_
        if dep not in _PHRASE_LEFT_DEPS:
            continue
        if dep == "punct" and (token.i - child.i > 2 or child.text in (",", ";", ":")):
            continue
        if token is head and (dep == "advmod" or dep == "npadvmod" and child.nbor(1).text != "-"):
            continue  # "east" in "further east government troops"; but "Turkish" in "Turkish-backed"
        start = min(start, _left_bound(child, head))
    return start


def _words(tokens: Iterable[Token]) -> list[str]:
    """Lowercase words of a run of tokens: hyphenated words joined ("self-declared"), punctuation
    and the possessive mark left out."""
    words: list[str] = []
    glue = False
    spaced = True  # whether the previous token was followed by a space
    for token in tokens:
        if token.text == "-" and words and not spaced:
            words[-1] += "-"
            glue = True
        elif token.is_punct or token.tag_ == "POS":
            glue = False
        elif glue:
            words[-1] += token.lower_
            glue = False
        else:
            words.append(token.lower_)
        spaced = bool(token.whitespace_)
    return words


def _read_head(tokens: list[Token], phrase: _Phrase, lex: Lexicon) -> None:
    """The cue of a plain head: the longest cue phrase ending at it ("defense ministry"), or running
    on through an of-complement ("Ministry of Defense"), or an aircraft designation ("F-16")."""
    head = phrase.head
    found = lex.head_cue(phrase.words) or lex.head_cue([*phrase.words[:-1], head.lemma_.lower()])
    of_phrase = _of_phrase(tokens, head, lex)
    if of_phrase is not None:
        found, phrase.end = (of_phrase[0], 1), of_phrase[1]
    if found is not None:
        phrase.cue, phrase.cue_len = found
    elif _is_designation(head.text):
        phrase.cue, phrase.cue_len = lex.heads.get(("aircraft",)), 1


def _of_phrase(tokens: list[Token], head: Token, lex: Lexicon) -> tuple[HeadCue, int] | None:
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ == "of":
            pobj = next((c for c in child.rights if c.dep_ == "pobj"), None)
            if pobj is not None and pobj.i - head.i <= 4:
                words = (head.lower_, "of", *_words(tokens[pobj.left_edge.i:pobj.i + 1]))
                if (cue := lex.heads.get(words)) is not None:
                    return cue, pobj.i + 1
        return None
    return None


def _is_designation(text: str) -> bool:
    """Aircraft and armour designations ("F-16", "SU-25", "MiG-29", "T-72"): letters, hyphen, digits."""
    letters, _, digits = text.partition("-")
    return 1 <= len(letters) <= 3 and letters[:1].isupper() and letters.isalpha() and digits[:1].isdigit()


def _modifier_sector(words: list[str], lex: Lexicon) -> str | None:
    """The sector of the modifier nearest the head ("military sources", "human rights groups")."""
    for i in range(len(words) - 1, -1, -1):
        for n in (2, 1):
            if i - n + 1 >= 0 and (sector := lex.modifier_sector(words[i - n + 1:i + 1])):
                return sector
    return None


def _collect(tokens: list[Token], phrase: _Phrase, ents: list[_Ent | None], lex: Lexicon) -> None:
    """The country forms and organisations among the phrase's tokens, and how each relates to the head."""
    seen: set[int] = set()
    for i in range(phrase.start, phrase.end):
        ent = ents[i]
        if ent is None:
            if "-" in tokens[i].text[1:-1]:
                _hyphenated(tokens[i], phrase, lex)
            continue
        if ent is phrase.ent or id(ent) in seen:
            continue
        seen.add(id(ent))
        root = phrase.head.doc[ent.start:ent.end].root
        relation = _relation(tokens, ent.start, ent.end - 1, lex)
        if ent.kind in _COUNTRY_KINDS:
            conj = root.dep_ == "conj" or any(c.dep_ == "conj" for c in root.children if c.i < phrase.head.i)
            phrase.countries.append(_Evidence(ent, root.i, relation, conj))
        elif ent.kind in _ORG_KINDS and relation in _OWNS and _attached(root, phrase.head):
            phrase.orgs.append(_Evidence(ent, root.i, relation))
        elif ent.kind == "norp" and relation == "direct":
            phrase.nonstate = True


def _hyphenated(token: Token, phrase: _Phrase, lex: Lexicon) -> None:
    """"U.S.-led" or "pro-Iranian" as one token: its country form and that form's relation."""
    prefix, _, suffix = token.text.rpartition("-")
    if (form := lex.country_form(prefix)) is not None:
        relation = lex.affixes.get(suffix.lower(), "direct")
    elif (form := lex.country_form(suffix)) is not None:
        relation = lex.prefixes.get(prefix.lower(), "direct")
    else:
        return
    ent = _Ent(token.i, token.i + 1, "country" if form[1] == "name" else form[1], form[0])
    phrase.countries.append(_Evidence(ent, token.i, relation))


def _attached(token: Token, head: Token) -> bool:
    """Whether a modifier hangs on the head itself (through conjuncts at most): "SOHR sources", not an
    organisation deep in an unpunctuated headline's compound chain."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token.head.i == head.i


def _relation(doc: list[Token], first: int, last: int, lex: Lexicon) -> str:
    """How a modifier relates to the head: "Turkish-backed" and "pro-Iranian" only back it,
    "U.S.-led" leads it, "London-based" and "anti-Syrian" do not make it theirs."""
    if last + 2 < len(doc) and doc[last + 1].text == "-" and not doc[last].whitespace_:
        return lex.affixes.get(doc[last + 2].lower_, "direct")
    if first >= 2 and doc[first - 1].text == "-" and not doc[first - 2].whitespace_:
        return lex.prefixes.get(doc[first - 2].lower_, "direct")
    if first >= 1 and len(doc[first - 1].text) > 1 and doc[first - 1].text.endswith("-"):
        return lex.prefixes.get(doc[first - 1].lower_.rstrip("-"), "direct")
    return "direct"


def _location(head: Token, ents: list[_Ent | None], lex: Lexicon) -> str | None:
    """The country of an "in / throughout / of" complement right after the head: a country or
    capital the lexicon knows, else the country of the place the gazetteer resolved."""
    child = next(head.rights, None)
    if child is None or child.i != head.i + 1 or child.dep_ != "prep" or child.lower_ not in lex.agent_roles.location:
        return None
    pobj = next((c for c in child.rights if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    ent = ents[pobj.i]
    if ent is not None and ent.kind in ("country", "capital"):
        return ent.iso3
    if not pobj.ent_id_.startswith("place:"):
        return None
    from fogwatch.gazetteer import Gazetteer  # the places layer, already loaded with the pipeline

    place = Gazetteer.default().get(pobj.ent_id_[6:])
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

def _absorb(phrase: _Phrase, phrases: dict[int, _Phrase], lex: Lexicon) -> None:
    """A role phrase takes in its complement ("officials of the self-declared … government", "Paul
    Stronski of the Carnegie Endowment", "fighters from Syria"); an actor takes in its possessor."""
    head = phrase.head
    prep = next((c for c in head.rights if c.dep_ == "prep" and c.lower_ in _ROLE_PREPS and c.i >= phrase.end), None)
    if prep is not None:
        pobj = next((c for c in prep.rights if c.dep_ == "pobj"), None)
        inner = phrases.get(pobj.i) if pobj is not None else None
        if inner is not None and not inner.consumed and _takes(phrase, prep.lower_, inner):
            _take(phrase, inner)
    if phrase.is_person and phrase.cue is None:
        _title_from_apposition(phrase, phrases)
    if _is_actor_head(phrase):
        for child in head.lefts:
            if child.dep_ == "poss" and (inner := phrases.get(child.i)) is not None:
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
        phrase.pp_countries.append(_Evidence(inner.ent, inner.head.i))
    elif inner.ent is not None and inner.ent.kind in _ORG_KINDS:
        phrase.pp_orgs.append(_Evidence(inner.ent, inner.head.i))
    phrase.pp_countries.extend(inner.owners)
    phrase.pp_orgs.extend(inner.orgs)
    if inner.cue is not None and inner.cue.sector and not inner.orgs and inner.ent is None:
        # "officials of the government": the complement's sector stands for the role's.
        phrase.mod_sector = phrase.mod_sector or inner.cue.sector
    phrase.rebel = phrase.rebel or inner.rebel


def _title_from_apposition(person: _Phrase, phrases: dict[int, _Phrase]) -> None:
    """A person in apposition to a title takes its sector, and its country when it names one:
    "the French and Russian presidents Emmanuel Macron and Vladimir Putin", "X, an analyst at Y"."""
    anchor = person.head
    while anchor.dep_ == "conj" and anchor.head.i != anchor.i:
        anchor = anchor.head
    candidates = [c for c in person.head.children if c.dep_ == "appos"]
    if anchor.dep_ == "appos":
        candidates.append(anchor.head)
    for token in candidates:
        title = phrases.get(token.i)
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
    for n, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            sent_of[i] = n
    named: dict[int, set[str]] = {}
    for i, ent in enumerate(ents):
        if ent is not None and ent.start == i and ent.kind in _COUNTRY_KINDS and ent.iso3:
            named.setdefault(sent_of[i], set()).add(ent.iso3)
    in_article = set().union(*named.values()) if named else set()
    with_country = {sent_of[p.head.i] for p in titled if _country(p) is not None}
    for phrase in titled:
        sent = sent_of[phrase.head.i]
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


def _acts(head: Token, lex: Lexicon) -> bool:
    """Whether a bare country or capital is a party to what is said, not a place: a subject, a passive
    agent, a party "between" others, "according to" it, the object of "urge", … (sector_cues.yaml)."""
    roles = lex.agent_roles
    token = head
    while token.dep_ in ("conj", "appos") and token.head.i != token.i:
        token = token.head
    dep = token.dep_
    if dep in ("nsubj", "nsubjpass", "csubj"):
        return True
    if dep == "poss":
        return token.head.lower_ not in lex.place_nouns
    if dep == "pobj":
        prep = token.head
        if prep.dep_ in ("agent", "mark") or prep.lower_ in roles.preps:
            return True  # "by Turkey"; "after Azerbaijan launched …" misparsed as a preposition's object
        allowed = roles.prep_governors.get(prep.lower_, frozenset())
        return prep.head.lower_ in allowed or prep.head.lemma_.lower() in allowed
    if dep in ("dobj", "dative"):
        verb = token.head
        # "urged Iran", or an object that the next clause is about: "led the U.S. to call on …"
        return verb.lemma_.lower() in roles.object_verbs or \
            any(c.dep_ in ("xcomp", "ccomp") and c.i > token.i for c in verb.children)
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


def _mentions(doc: Doc, phrase: _Phrase, lex: Lexicon) -> list[ActorMention]:
    ent, head = phrase.ent, phrase.head
    if ent is not None and ent.kind in ("country", "capital"):
        if not _acts(head, lex):
            return []
        # A country owning an event acts through whoever carries it out: "Azerbaijan's offensive".
        sector = lex.event_sector([head.head.lower_]) if head.dep_ == "poss" else None
        country = lex.country(ent.iso3)
        name = country.name if ent.kind == "country" and country else _text(doc, ent.start, ent.end)
        return [_mention(doc, phrase.start, phrase.end, name, ent.iso3, sector or "GOV", ent.kind)]
    if not _is_actor_head(phrase):
        return _inner_mentions(doc, phrase, lex)
    if ent is not None and head.dep_ == "pobj":
        if ent.kind == "person" and head.head.lower_ in lex.person_place_preps:
            return []  # "near Tal Abyad": a place the NER took for a person
        if ent.kind == "seat" and head.head.lower_ in lex.agent_roles.locative:
            return []  # "talks at the White House": the building, not the government
    sector = _sector(phrase)
    owners = phrase.owners
    if ent is None and len({e.ent.iso3 for e in owners}) > 1 and any(e.conj for e in owners):
        return _split(doc, phrase, owners, sector)
    kind, name = _kind_and_name(doc, phrase, sector)
    return [_mention(doc, phrase.start, phrase.end, name, _country(phrase), sector, kind)]


def _kind_and_name(doc: Doc, phrase: _Phrase, sector: str | None) -> tuple[str, str]:
    ent = phrase.ent
    if ent is not None and ent.org is not None:
        return "organisation", ent.org.name
    if ent is not None and ent.kind in ("seat", "person", "unknown_org"):
        text = _text(doc, ent.start, ent.end)
        text = text[4:] if text.startswith(("the ", "The ")) else text
        return {"seat": "seat", "person": "person"}.get(ent.kind, "organisation"), text
    org = phrase.deciding_org()
    if org is not None and sector == org.sector:
        return "organisation", org.name  # "SOHR sources", "BBC reports"
    return "group", _phrase_name(doc, phrase)


def _phrase_name(doc: Doc, phrase: _Phrase) -> str:
    """The phrase without determiners, numbers, possessive marks, backers and punctuation:
    "The Armenian defense ministry" → "Armenian defense ministry", "Azerbaijan's government" →
    "Azerbaijan government", "Turkish-backed Syrian mercenaries" → "Syrian mercenaries"."""
    skip: set[int] = set()
    for evidence in phrase.countries:
        if evidence.relation in _OWNS:
            continue
        start, end = evidence.ent.start, evidence.ent.end
        skip.update(range(start, end))
        if end + 1 < len(doc) and doc[end].text == "-":
            skip.update((end, end + 1))  # "Turkish-backed"
        if start >= 1 and doc[start - 1].text.endswith("-"):
            skip.update((start - 1, start - 2) if doc[start - 1].text == "-" else (start - 1,))  # "pro-Russian"
    return _name(doc, phrase.start, phrase.end, phrase.head.i, skip)


def _name(doc: Doc, start: int, end: int, head: int, skip: set[int] = frozenset()) -> str:  # type: ignore[assignment]
    """The content words of tokens [start, end): nouns, adjectives and participles, hyphenated words
    kept whole, the head always, and a preposition only after the head ("Ministry of Defense")."""
    parts: list[str] = []
    glue = False
    spaced = True
    for token in doc[start:end]:
        was_spaced, spaced = spaced, bool(token.whitespace_)
        if token.i in skip:
            continue
        if token.text == "-" and parts and not was_spaced:
            parts[-1] += "-"
            glue = True
            continue
        keep = token.i == head or token.pos_ in _NAME_POS or token.pos_ == "ADP" and token.i > head
        if keep and token.tag_ != "POS":
            if glue:
                parts[-1] += token.text
            else:
                parts.append(token.text)
        glue = False
    return " ".join(parts) or _text(doc, start, end)


def _inner_mentions(doc: Doc, phrase: _Phrase, lex: Lexicon) -> list[ActorMention]:
    """Actors inside a phrase that is not one: an organisation ("the UN convoy"), an actor phrase
    that modifies the head ("Israeli army bulldozers", "the Syrian government offensive"), or the
    country of an event ("Russian airstrikes", "U.S. raids", "Palestinian riots")."""
    found = [_mention(doc, e.ent.start, e.ent.end, e.ent.org.name, e.ent.org.country, e.ent.org.sector,
                      "organisation") for e in phrase.orgs if e.ent.org is not None]
    states = [e for e in phrase.owners if e.ent.kind in ("country", "demonym")]
    if phrase.ent is not None or not states:
        return found
    modifier = _cue_modifier(doc, phrase, lex)
    if modifier is not None and (before := [e for e in states if e.token < modifier[0]]):
        end, cue = modifier
        sector = "REB" if lex.has_rebel_marker(_words(doc[phrase.start:end])) else cue.sector
        owner = max(before, key=lambda e: e.token)
        found.append(_mention(doc, phrase.start, end, _name(doc, before[0].ent.start, end, end - 1),
                              owner.ent.iso3, sector, "group"))
    elif (sector := lex.event_sector(phrase.words)) is not None:
        for evidence in states:
            country = lex.country(evidence.ent.iso3)
            name = country.name if country else _text(doc, evidence.ent.start, evidence.ent.end)
            found.append(_mention(doc, evidence.ent.start, evidence.ent.end, name, evidence.ent.iso3, sector,
                                  "country"))
    return found


def _cue_modifier(doc: Doc, phrase: _Phrase, lex: Lexicon) -> tuple[int, HeadCue] | None:
    """The last modifier of the head that is itself an actor noun ("army" in "Israeli army
    bulldozers"), as (end token index, cue)."""
    for i in range(phrase.head.i - 1, phrase.start - 1, -1):
        if doc[i].dep_ in ("compound", "amod", "nmod") and (cue := lex.heads.get((doc[i].lower_,))) is not None \
                and cue.sector and not (cue.weak or cue.generic):
            return i + 1, cue
    return None


def _split(doc: Doc, phrase: _Phrase, owners: list[_Evidence], sector: str | None) -> list[ActorMention]:
    """"Armenian and Azerbaijani forces": one mention per country, each with its own span (the first
    from the phrase's start, the last to its end)."""
    owners = sorted(owners, key=lambda e: e.token)
    head_words = _text(doc, phrase.head.i - max(phrase.cue_len, 1) + 1, phrase.head.i + 1)
    found = []
    for n, evidence in enumerate(owners):
        start = phrase.start if n == 0 else evidence.ent.start
        end = phrase.end if n == len(owners) - 1 else evidence.ent.end
        name = f"{_text(doc, evidence.ent.start, evidence.ent.end)} {head_words}"
        found.append(_mention(doc, start, end, name, evidence.ent.iso3, sector, "group"))
    return found


# -- mentions -------------------------------------------------------------------------------------

def _text(doc: Doc, start: int, end: int) -> str:
    return " ".join(doc[start:end].text.split())


def _mention(doc: Doc, start: int, end: int, name: str, country: str | None, sector: str | None,
             kind: str) -> ActorMention:
    """A mention over tokens [start, end), its edges trimmed of punctuation, conjunctions, quotes
    and datelines."""
    while start < end - 1 and (doc[start].pos_ in _EDGE_POS or doc[start].is_quote
                               or doc[start].ent_type_ in ("DATE", "TIME")):
        start += 1
    while end - 1 > start and (doc[end - 1].pos_ in _EDGE_POS or doc[end - 1].is_quote):
        end -= 1
    span = doc[start:end]
    return ActorMention(text=span.text, start=span.start_char, end=span.end_char, name=name,
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
