"""The events extractor: who did what to whom, coded in PLOVER types and modes and ACLED types.

Transparent rules over the dependency parse and the event lexicon (data/events.yaml):

- **Triggers.** A verb or noun in the lexicon names an event; a *frame* reads it in context first
  ("shoot down", "send troops", "air strike" vs "hunger strike", "cease-fire", "lift the curfew").
  A support verb hands its subject to the noun event it governs ("Azerbaijan launched a large
  military operation"); a noun event that is the subject, object or "in"-phrase of a verb event of
  the same type is one event with it ("killed in U.S. air strikes").
- **Parties.** Subject → actor, object → target, passive "by X" → actor, "between A and B" → both,
  "against / on X" → target, a possessor or demonym in front of a noun ("Azerbaijan's military
  offensive", "Russian airstrikes") → actor, coordination ("Iran and Georgia have called") → all.
  A verb with no subject of its own takes its controller's ("urged Iran to withdraw": Iran; "vowed
  to continue fighting": the vower), a relative clause its noun. Pronouns take the nearest actor
  before them; "they" the coordinated actors of the sentence before. Fights and meetings are
  symmetric (the object is a party too); movers are actors ("fighters have been brought in").
- **Modality.** `negated`: a negation, "no" or "nobody", or a denying governor ("denied
  attacking", "refused to deploy", "rather than stand down"). `hypothetical`: a modal, a condition,
  a purpose, a word of possibility, or a governor of intent or request ("threatened to shell",
  "called for a ceasefire", "a possible move to oust"). Reported speech keeps its own modality.
- **Stated intentions are events.** "X promised / vowed / offered to …", "X will …", "X said it
  would …", "X is ready to …", "X plans to …": the statement happened, and PLOVER codes it by what
  it announces (a threat, a promise, a concession, a refusal). "X said Y must …" is a request.
- **Links.** The place of the clause (preferring one after "in / near / at"), its time, its
  figures, the claim that carries it; `historical` when its time ends more than 30 days before
  the article was published.
- **ACLED.** From the trigger, its mode, and context: whom an attack targets (civilians,
  protesters, armed men), who takes territory (a state or not), whether police stepped into a
  protest. Events that did not happen, and kinds ACLED does not code, get none.

All vocabulary lives in data/events.yaml; this module holds only the grammar.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml
from spacy.attrs import LEMMA, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token

from fogwatch.extract import Context
from fogwatch.language import columns, sentences, text_of, token_chars
from fogwatch.model import ActorMention, ClaimMention, EventMention, FigureMention, PlaceMention, TimeMention

HISTORICAL_DAYS = 30
# Longest clause an event span may cover, in tokens (a misparse can hang a paragraph on one verb).
MAX_CLAUSE_TOKENS = 60

_SUBJ = frozenset({"nsubj", "csubj"})
_OBJ = frozenset({"dobj", "obj", "dative", "iobj"})
_NOMINAL_ROLES = frozenset({"nsubj", "nsubjpass", "dobj", "obj", "pobj", "attr", "appos", "conj", "ROOT", "oprd",
                            "dative", "npadvmod", "compound"})
_CLAUSAL = frozenset({"xcomp", "ccomp", "advcl", "conj", "acl", "pcomp", "relcl", "parataxis", "csubj"})
_PARTICLE_DEPS = frozenset({"prt", "prep", "agent", "advmod", "dative", "acomp"})
_SKIP_ENTS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "WORK_OF_ART", "LAW", "PRODUCT", "LANGUAGE",
                        "DATE", "TIME", "MONEY", "QUANTITY", "PERCENT", "ORDINAL", "CARDINAL"})
_PERSONAL = {"it": "s", "he": "s", "she": "s", "its": "s", "his": "s", "her": "s", "him": "s",
             "they": "p", "them": "p", "their": "p", "we": "p", "our": "p", "us": "p", "themselves": "p",
             "itself": "s", "himself": "s", "herself": "s"}
_RELATIVE = frozenset({"who", "which", "that", "whom", "whose"})
_PLACE_PREPS = frozenset({"in", "near", "at", "around", "outside", "inside", "across", "on", "into", "throughout",
                          "within", "from", "over", "along", "off"})
_TIME_PREPS = frozenset({"on", "in", "at", "since", "during", "by", "until", "from", "as", "over", "before", "after"})
_STRONG_PLACE_PREPS = frozenset({"in", "near", "at", "around", "outside", "inside", "throughout", "within"})
_PLACE_RANK = {"city": 0, "town": 0, "village": 0, "neighbourhood": 0, "district": 1, "camp": 0, "mountain": 1,
               "enclave": 2, "region": 3, "admin1": 3, "state": 3, "country": 5}


# -- the lexicon ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Sense:
    """One reading of a trigger. `type` None: the word is not an event in this context."""

    type: str | None
    mode: str | None = None
    acled: str | None = None
    symmetric: bool = False
    parties: str | None = None
    complement: str | None = None


@dataclass(frozen=True, slots=True)
class Frame:
    sense: Sense
    particle: frozenset[str] | None = None
    object: frozenset[str] | None = None
    modifier: frozenset[str] | None = None
    governor: frozenset[str] | None = None
    subject: frozenset[str] | None = None
    adverb: frozenset[str] | None = None


class _Loader(yaml.SafeLoader):
    """YAML without YAML 1.1's yes/no/on/off booleans: "call on", "set off" and "no" are words here."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


_LEMMA_FIXES: dict[str, str] = {}


def _lemma(token: Token) -> str:
    """The token's lowercase lemma, with the lemmatizer's known slips mended ("staged" → "stag")."""
    lemma = token.lemma_.lower()
    if lemma in _LEMMA_FIXES and token.pos_ == "VERB":  # few lemmas have a fix: look at the tag only then
        return _LEMMA_FIXES[lemma]
    return lemma


def _words(values: Any) -> frozenset[str]:
    if values is None:
        return frozenset()
    if isinstance(values, str):
        values = [values]
    return frozenset(str(v).lower() for v in values)


class EventLexicon:
    """data/events.yaml, read once."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.acled: dict[str, Any] = data["acled"]
        self.acled_by_mode: dict[str, str] = data["acled_by_mode"]
        self.acled_by_type: dict[str, str | None] = data["acled_by_type"]
        self.verbs: dict[str, Sense] = {}
        self.nouns: dict[str, Sense] = {}
        self.verb_frames: dict[str, list[Frame]] = {}
        self.noun_frames: dict[str, list[Frame]] = {}
        for type_name, block in data["types"].items():
            for lemma, options in (block.get("verbs") or {}).items():
                self.verbs.setdefault(str(lemma).lower(), self._sense(type_name, options or {}))
            for lemma, options in (block.get("nouns") or {}).items():
                self.nouns.setdefault(str(lemma).lower(), self._sense(type_name, options or {}))
            for spec in block.get("frames") or []:
                frame = Frame(self._sense(type_name, spec), *(
                    _words(spec[k]) if k in spec else None
                    for k in ("particle", "object", "modifier", "governor", "subject", "adverb")))
                is_verb = "verb" in spec
                for lemma in _words(spec["verb"] if is_verb else spec["noun"]):
                    (self.verb_frames if is_verb else self.noun_frames).setdefault(lemma, []).append(frame)
        for key in ("hostile", "concessive", "commitment_verbs", "intent_adjectives", "intent_verbs",
                    "not_intentions", "hypothetical_governors", "realised_governors", "negating_governors",
                    "negating_words", "conditional_marks", "inheriting_marks", "modals", "future_modals",
                    "deontic_modals", "hypothetical_adjectives", "hypothetical_adverbs", "negative_determiners",
                    "light_verbs", "occurrence_verbs", "object_control", "speech_verbs", "mover_types",
                    "participation_verbs", "stative_passives", "not_event_heads", "rioter_words",
                    "of_actor_types", "civilian_words", "protester_words", "state_sectors", "hazards"):
            setattr(self, key, frozenset(str(v) for v in data[key]) if key in ("hostile", "concessive",
                    "mover_types", "of_actor_types", "state_sectors") else _words(data[key]))
        self.commitments: dict[str, str] = data["commitments"]
        _LEMMA_FIXES.update({str(k): str(v) for k, v in (data.get("lemma_fixes") or {}).items()})
        self.intentions: dict[str, str] = data["intentions"]
        self.intervention_cues: tuple[str, ...] = tuple(str(c).lower() for c in data["intervention_cues"])
        self.weapons: dict[str, str] = {}
        for mode, words in data["weapons"].items():
            for word in words:
                self.weapons.setdefault(str(word).lower(), mode)
        self.trigger_words = frozenset(self.verbs) | frozenset(self.nouns) | frozenset(self.verb_frames) | \
            frozenset(self.noun_frames) | self.commitment_verbs
        fixes = {k for k, v in _LEMMA_FIXES.items() if v in self.trigger_words}
        self.trigger_ids = frozenset(get_string_id(w) for w in self.trigger_words | fixes)
        self.future_ids = frozenset(get_string_id(w) for w in self.future_modals)
        self.deontic_ids = frozenset(get_string_id(w) for w in self.deontic_modals)
        self.intent_ids = frozenset(get_string_id(w) for w in self.intent_verbs | self.intent_adjectives |
                                    self.stative_passives)
        self.candidate_ids = self.trigger_ids | self.future_ids | self.deontic_ids | self.intent_ids

    @staticmethod
    def _sense(type_name: str, options: dict[str, Any]) -> Sense:
        kind = options.get("type", type_name)
        return Sense(None if kind in (None, "none") else str(kind), options.get("mode"),
                     None if options.get("acled") is None else str(options["acled"]),
                     bool(options.get("symmetric")), options.get("parties"), options.get("complement"))

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> "EventLexicon":
        text = files("fogwatch.data").joinpath("events.yaml").read_text(encoding="utf-8")
        return cls(yaml.load(text, Loader=_Loader))  # noqa: S506 - a SafeLoader

    def acled_pair(self, key: str | None) -> Any:
        return None if key is None else self.acled.get(key)


# -- internal state -------------------------------------------------------------------------------

@dataclass(slots=True)
class _Event:
    token: Token  # the trigger's head word
    sense: Sense
    first: int  # trigger tokens [first, last]
    last: int
    actors: list[ActorMention] = field(default_factory=list)
    targets: list[ActorMention] = field(default_factory=list)
    target_heads: list[Token] = field(default_factory=list)
    clause: tuple[int, int] = (0, 0)  # token span [start, end)
    context: tuple[int, int] = (0, 0)  # where its place, time and figures are looked for
    negated: bool = False
    hypothetical: bool = False
    conditional: bool = False
    mode: str | None = None
    acled_key: str | None = None
    merged: bool = False
    derived: bool = False
    parts: list[int] = field(default_factory=list)  # noun events merged into this one
    anchors: set[int] | None = None  # cache of _anchors

    @property
    def type(self) -> str:
        return self.sense.type or ""


def _active_participle(verb: Token) -> bool:
    """A participle the parser hung on a noun that is really the main verb ("Palestinian youths
    resorted to …" parsed as a noun phrase) or that has an object of its own."""
    if any(c.dep_ in ("dobj", "obj") for c in verb.children):
        return True
    root = verb.head
    while root.head.i != root.i and root.dep_ not in ("ROOT",):
        if root.pos_ in ("VERB", "AUX"):
            return False
        root = root.head
    return root.pos_ in ("NOUN", "PROPN")  # the sentence has no verb but this one


class _Parse:
    """The parse of one article with the facts other extractors found, indexed by token."""

    def __init__(self, doc: Doc, ctx: Context, lex: EventLexicon) -> None:
        self.doc = doc
        self.lex = lex
        self.ctx = ctx
        self.tokens = columns(doc).tokens  # built once per Doc, shared with the other extractors
        self.text = text_of(doc)
        # Token attributes as plain lists, read once: a Token object costs more than its hash.
        ids = doc.to_array([LEMMA, LOWER]).T.tolist() if len(doc) else [[], []]
        self.lemma_ids, self.lower_ids = ids
        self.starts = columns(doc).idx  # character offset of each token
        self.sents = sentences(doc)
        self.sent_starts: list[int] = doc.user_data["fogwatch_sent_starts"]
        facts = ctx.facts
        self.mentions: list[ActorMention] = sorted(facts.get("actors") or [], key=lambda m: m.start)
        self.mention_starts = [m.start for m in self.mentions]
        self.at: list[list[ActorMention]] = [[] for _ in range(len(doc))]
        for m in self.mentions:
            for i in self._token_range(m.start, m.end):
                self.at[i].append(m)
        self.places: list[PlaceMention] = sorted(facts.get("places") or [], key=lambda x: x.start)
        self.times: list[TimeMention] = sorted(facts.get("times") or [], key=lambda x: x.start)
        self.figures: list[FigureMention] = sorted(facts.get("figures") or [], key=lambda x: x.start)
        self.claims: list[ClaimMention] = list(facts.get("claims") or [])
        published = ctx.published
        # events that ended before this day are historical
        self.history_limit: date | None = None if published is None else published - timedelta(days=HISTORICAL_DAYS)
        self.starts_of: dict[int, list[int]] = {}
        # Tokens whose lemma or lowercase form is in any id set `candidates` is asked about: one scan
        # of the article instead of one per set.
        lemmas, lowers, wanted = self.lemma_ids, self.lower_ids, lex.candidate_ids
        self.hits = [i for i in range(len(lemmas)) if lemmas[i] in wanted or lowers[i] in wanted]
        self._kids: dict[int, list[Token]] = {}
        self._preps: dict[int, list[tuple[str, Token]]] = {}
        self._subjects: dict[tuple[int, int], tuple[list[Token], bool]] = {}
        self._nominal: dict[int, bool] = {}

    def candidates(self, ids: frozenset[int]) -> list[int]:
        """Indices of tokens whose lemma (or lowercase form) is one of `ids` (a subset of the
        lexicon's `candidate_ids`)."""
        lemmas, lowers = self.lemma_ids, self.lower_ids
        return [i for i in self.hits if lemmas[i] in ids or lowers[i] in ids]

    def kids(self, token: Token) -> list[Token]:
        """`token.children`, built once: spaCy makes new Token objects on every walk."""
        found = self._kids.get(token.i)
        if found is None:
            found = self._kids[token.i] = list(token.children)
        return found

    def preps(self, token: Token) -> list[tuple[str, Token]]:
        """(preposition, its object) for every "prep" or "agent" child of `token`, in order."""
        found = self._preps.get(token.i)
        if found is None:
            found = self._preps[token.i] = [(c.lower_, p) for c in self.kids(token) if c.dep_ in ("prep", "agent")
                                            for p in self.kids(c) if p.dep_ == "pobj"]
        return found

    def _token_range(self, start: int, end: int) -> range:
        first = max(0, bisect_right(self.starts, start) - 1)
        last = bisect_left(self.starts, end)
        return range(first, last)

    def sentence_index(self, i: int) -> int:
        return bisect_right(self.sent_starts, i) - 1

    # -- actors of a noun phrase ------------------------------------------------------------------

    def np_mentions(self, head: Token, depth: int = 0) -> list[ActorMention]:
        """The actors a noun phrase names: the mentions over its head and left part, its conjuncts
        and appositions, and for a quantity ("hundreds of mercenaries") its "of" complement."""
        if depth > 4:
            return []
        if head.pos_ == "PRON" or head.tag_ in ("PRP", "PRP$", "WP", "WDT"):
            return self.pronoun(head)
        found: list[ActorMention] = []
        for i in range(head.left_edge.i, head.i + 1):
            for m in self.at[i]:
                if m not in found:
                    found.extend(self._resolve_possessive(m))
        if all(m.country is None for m in found):  # "hundreds of mercenaries", "activists from the Fatah Party"
            for child in head.rights:
                if child.dep_ == "prep" and child.lower_ in ("of", "from"):
                    for pobj in self.kids(child):
                        if pobj.dep_ == "pobj":
                            found.extend(self.np_mentions(pobj, depth + 1))
        for child in self.kids(head):
            if child.dep_ in ("conj", "appos") and child.i > head.i:
                for m in self.np_mentions(child, depth + 1):
                    if m not in found:
                        found.append(m)
        return found

    def _resolve_possessive(self, mention: ActorMention) -> list[ActorMention]:
        """"its military", "their fighters": an actor of no country named by a possessive pronoun is
        the pronoun's antecedent."""
        if mention.country is not None:
            return [mention]
        first = self.tokens[self._token_range(mention.start, mention.end)[0]]
        if first.lower_ in _PERSONAL and first.tag_ == "PRP$":
            return self.pronoun(first) or [mention]
        return [mention]

    def pronoun(self, token: Token) -> list[ActorMention]:
        """The antecedent of a pronoun: a relative pronoun's noun, else the nearest actor before it —
        for "they" the coordinated actors (preferably the subject) of its sentence or the one before."""
        lower = token.lower_
        if lower in _RELATIVE:
            verb = token.head
            while verb.dep_ not in ("relcl", "acl") and verb.head.i != verb.i and verb.pos_ not in ("VERB", "AUX"):
                verb = verb.head
            if verb.dep_ in ("relcl", "acl") and verb.head.i != token.i:
                return self.np_mentions(verb.head, 3)
            return []
        number = _PERSONAL.get(lower)
        if number is None:
            return []
        here = self.sentence_index(token.i)
        for index in (here, here - 1):
            if index < 0:
                break
            sent = self.sents[index]
            end_char = token.idx if index == here else sent.end_char
            lo = bisect_left(self.mention_starts, sent.start_char)
            hi = bisect_left(self.mention_starts, end_char)
            candidates = [m for m in self.mentions[lo:hi] if m.end <= end_char]
            if not candidates:
                continue
            if number == "p":
                group = self._subject_group(sent, candidates)
                if group:
                    return group
                last = candidates[-1]
                return [m for m in candidates if m is last or self._coordinated(m, last)]
            people = [m for m in candidates if m.kind == "person" or m.sector == "PER"]
            if lower in ("he", "she", "his", "her", "him", "himself", "herself"):
                pool = people or candidates
            else:
                pool = [m for m in candidates if m.kind != "person"] or candidates
            # the nearest subject first ("the coalition … said it had carried out …"), else the nearest
            subjects = [m for m in pool if self._is_subject(m)]
            return [(subjects or pool)[-1]]
        return []

    def _is_subject(self, mention: ActorMention) -> bool:
        for i in self._token_range(mention.start, mention.end):
            token = self.tokens[i]
            dep = token.dep_
            if dep in ("nsubj", "nsubjpass") or dep == "poss" and token.head.dep_ in ("nsubj", "nsubjpass"):
                return True
        return False

    def _subject_group(self, sent: Any, candidates: list[ActorMention]) -> list[ActorMention]:
        root = sent.root
        for child in self.kids(root):
            if child.dep_ in ("nsubj", "nsubjpass"):
                lo, hi = child.left_edge.idx, child.right_edge.idx + len(child.right_edge.text)
                group = [m for m in candidates if lo <= m.start and m.end <= hi]
                if group:
                    return group
        return []

    def _coordinated(self, a: ActorMention, b: ActorMention) -> bool:
        between = self.text[min(a.end, b.end):max(a.start, b.start)].strip().lower()
        return between in ("and", ",", "or", ", and", "&")

    # -- subjects and objects ---------------------------------------------------------------------

    def subject_heads(self, verb: Token, depth: int = 0) -> tuple[list[Token], bool]:
        """The heads of a verb's subject, and whether they are its passive subject; a verb with no
        subject of its own takes its controller's. Asked for the same verbs again and again (frames,
        parties, ACLED context), so kept; callers must not change the list."""
        key = (verb.i, depth)
        found = self._subjects.get(key)
        if found is None:
            found = self._subjects[key] = self._subject_heads(verb, depth)
        return found

    def _subject_heads(self, verb: Token, depth: int) -> tuple[list[Token], bool]:
        subj = [c for c in self.kids(verb) if c.dep_ in _SUBJ]
        if subj:
            return subj, False
        passive = [c for c in self.kids(verb) if c.dep_ in ("nsubjpass", "csubjpass")]
        if passive:
            return passive, True
        # "after Azerbaijan launched …", misparsed as the object of "after"
        marked = [p for c in self.kids(verb) if c.dep_ == "mark" and c.i < verb.i
                  for p in self.kids(c) if p.dep_ == "pobj" and p.pos_ in ("PROPN", "NOUN", "PRON")]
        if marked:
            return marked, False
        if depth > 4 or verb.head.i == verb.i:
            return [], False
        head, dep = verb.head, verb.dep_
        lex = self.lex
        if dep == "xcomp" or (dep == "ccomp" and _lemma(head) in lex.object_control):
            if _lemma(head) in lex.object_control:
                objects = [c for c in self.kids(head) if c.dep_ in _OBJ]
                if not objects:  # "called on X to …"
                    objects = [p for c in self.kids(head) if c.dep_ == "prep" and c.lower_ in ("on", "upon")
                               for p in self.kids(c) if p.dep_ == "pobj"]
                if objects:
                    return objects, False
            return self.subject_heads(head, depth + 1)
        if dep in ("conj", "advcl", "pcomp", "ccomp"):
            if dep == "pcomp":
                head = head.head  # the preposition's head
            if head.pos_ in ("VERB", "AUX", "ADJ"):
                return self.subject_heads(head, depth + 1)
            return [], False
        if dep in ("relcl", "acl"):
            if dep == "acl" and _active_participle(verb) and head.dep_ != "ROOT":
                root = head
                while root.head.i != root.i:
                    root = root.head
                if not any(c.dep_ in ("dobj", "obj") for c in self.kids(verb)) or root.pos_ in ("NOUN", "PROPN"):
                    return [root], False  # "Doctors from two American aid groups donated …"
            if verb.tag_ == "VBN" and dep == "acl" and not _active_participle(verb):
                return [head], True  # "fighters sent to Azerbaijan": the noun is the one acted on
            if dep == "acl" and not self.np_mentions(head, 3):
                governor = _governor(head)  # "issued a declaration demanding that …"
                if governor is not None:
                    return self.subject_heads(governor, depth + 1)
            return [head], False
        if dep in ("acomp", "oprd") and head.pos_ in ("VERB", "AUX"):
            return self.subject_heads(head, depth + 1)  # "are willing to forgive"
        return [], False

    def objects(self, verb: Token) -> list[Token]:
        found = [c for c in self.kids(verb) if c.dep_ in ("dobj", "obj", "attr", "oprd")]
        if verb.dep_ == "acl" and verb.tag_ == "VBN" and not _active_participle(verb):
            found.append(verb.head)
        return found

    def resolve(self, heads: list[Token]) -> list[ActorMention]:
        found: list[ActorMention] = []
        for head in heads:
            for m in self.np_mentions(head):
                if m not in found:
                    found.append(m)
        return found


# -- the extractor --------------------------------------------------------------------------------

def extract_events(doc: Doc, ctx: Context) -> list[EventMention]:
    """The events of `doc`, in text order, linked to the facts in `ctx.facts`."""
    lex = EventLexicon.default()
    parse = _Parse(doc, ctx, lex)
    events: list[_Event] = []
    commitments: list[Token] = []
    for i in parse.candidates(lex.trigger_ids):
        token = parse.tokens[i]
        key_lemma = _lemma(token)
        if token.ent_type_ in _SKIP_ENTS or _in_organisation(parse, token):
            continue
        if token.pos_ == "VERB" and key_lemma in lex.commitment_verbs:
            commitments.append(token)
            continue
        found = _trigger(parse, token)
        if found is not None:
            events.append(found)
    by_token = {e.token.i: e for e in events}
    for event in events:
        _arguments(parse, event, by_token)
        _modality(parse, event)
    _merge(parse, events, by_token)
    events = [e for e in events if not e.merged]
    by_token = {e.token.i: e for e in events}
    for token in commitments:
        derived = _commitment(parse, token, by_token)
        if derived is not None:
            events.append(derived)
    events.extend(_intentions(parse, by_token, {e.token.i for e in events if e.derived}))
    events.extend(_requests(parse, by_token))
    _conflict_parties(parse, events)
    _shared_parties(events)
    events.sort(key=lambda e: (parse.starts[e.first], e.derived))
    return [_mention(parse, e) for e in events]


def _in_organisation(parse: _Parse, token: Token) -> bool:
    return any(m.kind == "organisation" and m.start <= token.idx < m.end for m in parse.at[token.i])


# -- triggers -------------------------------------------------------------------------------------

def _is_nominal(parse: _Parse, token: Token) -> bool:
    """Whether the token is used as a noun; asked about the same few tokens by every rule, so kept."""
    found = parse._nominal.get(token.i)
    if found is None:
        found = parse._nominal[token.i] = _nominal(parse, token)
    return found


def _nominal(parse: _Parse, token: Token) -> bool:
    pos = token.pos_
    if pos in ("NOUN", "PROPN"):
        return True
    if pos == "VERB" and token.tag_ == "VBG":
        return token.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos") or \
            any(c.dep_ == "det" for c in parse.kids(token))
    if pos == "ADJ":
        return token.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "attr")
    return False


def _trigger(parse: _Parse, token: Token) -> _Event | None:
    lex = parse.lex
    lemma, lower = _lemma(token), token.lower_
    if _is_nominal(parse, token):
        if token.dep_ in ("compound", "amod", "nmod") and token.head.i > token.i and (
                _lemma(token.head) in lex.not_event_heads or parse.at[token.head.i]):
            return None  # "aid groups", "protest leaders", "attack helicopters": a kind of thing
        frames = lex.noun_frames.get(lemma) or lex.noun_frames.get(lower)
        if frames:
            matched = _match_noun(parse, token, frames)
            if matched is not None:
                frame, first = matched
                if frame.sense.type is None:
                    return None
                return _Event(token, frame.sense, first, token.i)
        sense = lex.nouns.get(lemma) or lex.nouns.get(lower)
        if sense is None and token.pos_ == "VERB":
            sense = lex.verbs.get(lemma)
        if sense is None or sense.type is None:
            return None
        return _Event(token, sense, token.i, token.i)
    if token.pos_ != "VERB":
        return None
    if token.tag_ == "VBN" and token.dep_ in ("amod", "compound", "npadvmod", "advmod") and token.i > 0 and \
            parse.tokens[token.i - 1].text == "-":
        return None  # "Turkish-backed", "U.S.-led": a modifier, not an act
    if token.tag_ in ("VBN", "JJ") and (token.dep_ in ("pobj", "dobj", "nsubj", "nsubjpass", "appos", "attr") or any(
            c.dep_ in ("nummod", "det") for c in parse.kids(token))):
        return None  # "more than 400 wounded", "the injured": people, not an act
    if token.tag_ == "VBN" and any(c.dep_ == "mark" and c.lower_ == "with" for c in parse.kids(token)):
        return None  # "… killed, with more than 400 wounded": a count attached to another event
    frames = lex.verb_frames.get(lemma)
    if frames:
        matched = _match_verb(parse, token, frames)
        if matched is not None:
            frame, last = matched
            if frame.sense.type is None:
                return None
            return _Event(token, frame.sense, token.i, last)
    sense = lex.verbs.get(lemma)
    if sense is None or sense.type is None:
        return None
    return _Event(token, sense, token.i, token.i)


def _lemmas(token: Token) -> set[str]:
    return {_lemma(token), token.lower_}


def _object_words(parse: _Parse, tokens: list[Token]) -> tuple[set[str], list[Token]]:
    words: set[str] = set()
    heads: list[Token] = []
    for token in tokens:
        for t in (token, *[c for c in parse.kids(token) if c.dep_ == "conj"]):
            words |= _lemmas(t)
            heads.append(t)
            for child in parse.kids(t):
                if child.dep_ in ("compound", "amod") and child.i < t.i:
                    words |= _lemmas(child)
            if parse.at[t.i]:
                words.add("actor")
                if any(m.kind == "person" for m in parse.at[t.i]):
                    words.add("person")
            for child in parse.kids(t):  # "two of the hostages", "part of a stronghold"
                if child.dep_ == "prep" and child.lower_ == "of":
                    for pobj in parse.kids(child):
                        if pobj.dep_ == "pobj":
                            words |= _lemmas(pobj)
    return words, heads


def _opens_date(prep: Token) -> bool:
    return any(c.dep_ == "pobj" and c.ent_type_ in ("DATE", "TIME") for c in prep.children)


def _match_verb(parse: _Parse, verb: Token, frames: list[Frame]) -> tuple[Frame, int] | None:
    particles = {c.lower_: c for c in parse.kids(verb) if c.dep_ in _PARTICLE_DEPS}
    for child in parse.kids(verb):  # "ordered him to appear": an infinitive complement counts as "to"
        if child.dep_ in ("xcomp", "ccomp", "advcl") and "to" not in particles:
            to = next((c for c in parse.kids(child) if c.dep_ == "aux" and c.lower_ == "to"), None)
            if to is not None:
                particles["to"] = to
    objects = parse.objects(verb) + [c for c in parse.kids(verb) if c.dep_ in ("nsubjpass", "dative")]
    object_words, _ = _object_words(parse, objects)
    subject_words: set[str] | None = None
    adverbs = {c.lower_ for c in parse.kids(verb) if c.dep_ == "advmod"}
    for frame in frames:
        last = verb.i
        if frame.particle is not None:
            hits = [particles[p] for p in frame.particle if p in particles]
            if not hits:
                continue
            # the nearest particle that does not open a date ("called on Wednesday for a meeting");
            # the index breaks ties, so that the set's order never decides
            hit = min(hits, key=lambda h: (_opens_date(h), abs(h.i - verb.i), h.i))
            if hit.i > verb.i and hit.i - verb.i <= 3 and hit.dep_ == "prt":
                last = hit.i
            elif hit.i == verb.i + 1:
                last = hit.i
        if frame.object is not None:
            words = object_words
            if frame.particle is not None:  # "set fire to", "call off the strike": the particle's object too
                extra = [p for c in parse.kids(verb) if c.dep_ == "prep" and c.lower_ in frame.particle
                         for p in parse.kids(c) if p.dep_ == "pobj"]
                words = words | _object_words(parse, extra)[0]
            if not (frame.object & words):
                continue
            if frame.particle is None:  # "opened fire", "took control": the object belongs to the trigger
                near = next((o for o in objects if o.i == verb.i + 1 and frame.object & _lemmas(o)), None)
                if near is not None:
                    last = near.i
        if frame.subject is not None:
            if subject_words is None:
                heads, _ = parse.subject_heads(verb)
                subject_words = set()
                for h in heads:
                    subject_words |= _lemmas(h)
                    if any(c.dep_ == "conj" for c in parse.kids(h)) or len(parse.resolve([h])) > 1:
                        subject_words.add("conj")
            if not (frame.subject & subject_words):
                continue
        if frame.adverb is not None and not (frame.adverb & adverbs):
            continue
        return frame, last
    return None


def _modifier_words(parse: _Parse, noun: Token) -> tuple[set[str], dict[str, int]]:
    """Words in front of a noun within its phrase ("air" strike, "cease"-fire, "joint" exercises)."""
    words: dict[str, int] = {}
    start = max(noun.left_edge.i, noun.i - 5)
    for i in range(start, noun.i):
        t = parse.tokens[i]
        if t.pos_ in ("DET", "PUNCT") and t.text != "-":
            continue
        words.setdefault(t.lower_, i)
        words.setdefault(_lemma(t), i)
    return set(words), words


def _governor(noun: Token) -> Token | None:
    """The verb a noun is the object (or passive subject) of, through conjunction and a particle."""
    token = noun
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    if token.dep_ in ("dobj", "obj", "nsubjpass", "attr", "oprd"):
        return token.head
    if token.dep_ == "pobj" and token.head.dep_ in ("prep", "prt", "agent") and token.head.head.pos_ == "VERB":
        return token.head.head
    return None


def _light_governor(parse: _Parse, noun: Token) -> Token | None:
    """The support verb whose object (or passive subject) a noun event is ("launched an operation",
    "a cease-fire has been reached")."""
    anchor = _phrase_head(noun)
    while anchor.dep_ == "conj" and anchor.head.i != anchor.i:
        anchor = anchor.head
    if anchor.dep_ in ("dobj", "obj", "nsubjpass", "attr", "oprd") and _lemma(anchor.head) in parse.lex.light_verbs:
        return anchor.head
    if anchor.dep_ == "pobj" and anchor.head.lower_ in ("in", "into") and \
            _lemma(anchor.head.head) in parse.lex.participation_verbs:
        return anchor.head.head  # "were engaged in ethnic cleansing", "took part in the rally"
    return None


def _phrase_head(noun: Token) -> Token:
    """The head of the phrase a noun event names: itself, or the noun it modifies ("a mediation
    mission", "a mediation effort")."""
    token = noun
    while token.dep_ == "compound" and token.head.pos_ in ("NOUN", "PROPN") and token.head.i != token.i:
        token = token.head
    return token


def _match_noun(parse: _Parse, noun: Token, frames: list[Frame]) -> tuple[Frame, int] | None:
    modifiers, positions = _modifier_words(parse, noun)
    preps = {c.lower_: c for c in parse.kids(noun) if c.dep_ == "prep"}
    governor = _governor(noun)
    governor_lemma = _lemma(governor) if governor is not None else None
    for frame in frames:
        first = noun.i
        if frame.modifier is not None:
            hit = frame.modifier & modifiers
            if not hit:
                continue
            first = min(positions[w] for w in hit)
            between = parse.tokens[first:noun.i]
            if noun.i - first > 2 or any(t.is_punct and t.text != "-" for t in between):
                first = noun.i  # not next to the noun: the trigger is the noun alone
        if frame.governor is not None and governor_lemma not in frame.governor:
            continue
        if frame.particle is not None and not (frame.particle & set(preps)):
            light = _light_governor(parse, noun)
            if light is None or not frame.particle & {c.lower_ for c in parse.kids(light) if c.dep_ == "prep"}:
                continue
        if frame.object is not None:
            pobjs = [p for c in parse.kids(noun) if c.dep_ == "prep" and c.lower_ == "of"
                     for p in parse.kids(c) if p.dep_ == "pobj"]
            if not (frame.object & _object_words(parse, pobjs)[0]):
                continue
        return frame, first
    return None


# -- parties --------------------------------------------------------------------------------------

def _add(found: list[ActorMention], mentions: list[ActorMention]) -> None:
    for m in mentions:
        if m not in found:
            found.append(m)


def _pobjs(parse: _Parse, token: Token, preps: frozenset[str] | set[str]) -> list[tuple[str, Token]]:
    return [(prep, p) for prep, p in parse.preps(token) if prep in preps]


_VERB_TARGET_PREPS = frozenset({"against", "on", "upon", "at", "with", "to", "into", "toward", "towards"})
_VERB_PARTY_PREPS = _VERB_TARGET_PREPS | {"between", "among"}
# Prepositions through which a governor reaches a noun event ("called for a ceasefire", "insisted on
# surrender", "agreed to a truce", "the threat of an attack").
_GOVERNED_PREPS = frozenset({"for", "on", "upon", "to", "toward", "towards", "of", "against", "into"})
_NOUN_PREPS = frozenset({"by", "from", "between", "among", "against", "on", "upon", "at", "with", "of", "into",
                         "to", "toward", "towards"})


def _arguments(parse: _Parse, event: _Event, by_token: dict[int, _Event]) -> None:
    if _is_nominal(parse, event.token):
        _noun_arguments(parse, event)
    else:
        _verb_arguments(parse, event, event.token)
    event.clause = _clause(parse, event)
    if event.context == (0, 0):
        event.context = event.clause


def _verb_arguments(parse: _Parse, event: _Event, verb: Token) -> None:
    lex = parse.lex
    heads, passive = parse.subject_heads(verb)
    subjects = parse.resolve(heads)
    mover = event.type in lex.mover_types
    if passive and _lemma(verb) in lex.stative_passives and not _pobjs(parse, verb, {"by"}):
        passive = False  # "Israel is opposed to French mediation"
    if passive:
        agents = [p for _, p in _pobjs(parse, verb, {"by"})]
        _add(event.actors, parse.resolve(agents))
        if mover and not agents:
            _add(event.actors, subjects)
        else:
            _add(event.targets, subjects)
            event.target_heads.extend(heads)
    else:
        _add(event.actors, subjects)
    objects = [c for c in parse.kids(verb) if c.dep_ in ("dobj", "obj", "dative", "iobj")]
    resolved = parse.resolve(objects)
    if mover and resolved and all(m.sector in ("MIL", "REB", None) for m in resolved):
        _add(event.actors, resolved)
    else:
        _add(event.targets, resolved)
        event.target_heads.extend(objects)
        if event.sense.symmetric:
            _add(event.actors, resolved)
    for prep, pobj in _pobjs(parse, verb, _VERB_PARTY_PREPS):
        mentions = parse.resolve([pobj])
        if prep in ("between", "among"):
            # the parties of a fight or a deal; those a mediator stands between
            _add(event.targets if event.sense.mode == "third-party" else event.actors, mentions)
        elif prep == "with":
            if event.sense.symmetric or event.type in ("CONSULT", "COOPERATE", "AGREE", "ASSAULT"):
                _add(event.targets, mentions)
                if event.sense.symmetric:
                    _add(event.actors, mentions)
        elif prep in ("to", "into", "toward", "towards"):
            if event.type in ("AID", "CONSULT", "SUPPORT", "CONCEDE", "AGREE", "REQUEST", "SANCTION", "COOPERATE",
                              "ACCUSE", "THREATEN"):
                _add(event.targets, mentions)
        else:
            _add(event.targets, mentions)
            event.target_heads.append(pobj)
    event.targets[:] = [m for m in event.targets if m not in event.actors or event.sense.symmetric]


def _noun_arguments(parse: _Parse, event: _Event) -> None:
    lex = parse.lex
    noun = event.token
    head = _phrase_head(noun)  # "mediation mission": the phrase is the mission's
    third_party = event.sense.mode == "third-party"
    # Actors named inside the phrase: a possessor, a demonym, a country ("Russian airstrikes").
    for i in range(head.left_edge.i, event.first):
        for m in parse.at[i]:
            _add(event.actors, parse._resolve_possessive(m))
    for token in {noun, head}:
        for child in parse.kids(token):
            if child.dep_ == "poss" and child.i < token.i:
                _add(event.actors, parse.np_mentions(child))
    for prep, pobj in _pobjs(parse, noun, _NOUN_PREPS) + (
            _pobjs(parse, head, _NOUN_PREPS) if head is not noun else []):
        mentions = parse.resolve([pobj])
        if prep in ("between", "among") and third_party:
            _add(event.targets, mentions)  # "mediation between Syria and the PLO"
        elif prep in ("by", "from", "between", "among"):
            _add(event.actors, mentions)
        elif prep == "of":
            if event.type in lex.of_actor_types:
                _add(event.actors, mentions)
            else:
                _add(event.targets, mentions)
                event.target_heads.append(pobj)
        elif prep == "with":
            _add(event.targets, mentions)
            if event.type in ("ASSAULT", "CONSULT", "COOPERATE", "AGREE"):
                _add(event.actors, mentions)
        else:
            _add(event.targets, mentions)
            event.target_heads.append(pobj)
    # A support verb hands its subject to the noun; a verb of occurrence its clause.
    governor = _light_governor(parse, noun)
    anchor = head
    while anchor.dep_ == "conj" and anchor.head.i != anchor.i:
        anchor = anchor.head
    verb = anchor.head if anchor.head.i != anchor.i else None
    if governor is not None and (anchor.dep_ != "nsubjpass" or _lemma(governor) in lex.participation_verbs):
        heads, passive = parse.subject_heads(governor)
        if not passive or _lemma(governor) in lex.participation_verbs:
            _add(event.actors, parse.resolve(heads))
        for prep, pobj in _pobjs(parse, governor, {"against", "on", "between", "with", "by"}):
            mentions = [m for m in parse.resolve([pobj]) if m not in event.actors and m not in event.targets]
            if prep in ("between", "by") and not (third_party and prep == "between"):
                event.actors.extend(mentions)
            else:
                event.targets.extend(mentions)
        event.context = _verb_clause(parse, governor)
    elif governor is not None:
        for _, pobj in _pobjs(parse, governor, {"by"}):
            _add(event.actors, parse.resolve([pobj]))
        event.context = _verb_clause(parse, governor)
    elif verb is not None and anchor.dep_ in ("nsubj", "nsubjpass") and _lemma(verb) in lex.occurrence_verbs:
        for _, pobj in _pobjs(parse, verb, {"between", "among"}):
            _add(event.actors, parse.resolve([pobj]))
        event.context = _verb_clause(parse, verb)
    elif verb is not None and anchor.dep_ == "attr" and verb.lemma_ == "be" and not event.actors:
        heads, passive = parse.subject_heads(verb)  # "what they alleged to be the destruction of …"
        if heads and not passive and heads[0].lower_ not in ("what", "this", "that", "it", "which"):
            _add(event.actors, parse.resolve(heads))
        elif verb.dep_ == "xcomp":
            _add(event.actors, parse.resolve(parse.subject_heads(verb.head)[0]))
    elif verb is not None and anchor.dep_ == "pobj" and event.type in _JOINED_TYPES and not event.actors:
        # "arrived in Amman on a visit", "return to Geneva for talks", "converging for a rally":
        # those who go to a meeting or a protest take part in it
        above = verb.head
        if verb.dep_ == "prep" and above.pos_ in ("VERB", "AUX"):
            heads, passive = parse.subject_heads(above)
            if not passive:
                _add(event.actors, parse.resolve(heads))
                event.context = _verb_clause(parse, above)
    event.targets[:] = [m for m in event.targets if m not in event.actors or event.sense.symmetric]


# Types of noun events whose participants are those who go to them.
_JOINED_TYPES = frozenset({"CONSULT", "COOPERATE", "PROTEST", "AGREE"})


def _conflict_parties(parse: _Parse, events: list[_Event]) -> None:
    """A cease-fire with no party of its own is between those who were fighting: the parties of the
    nearest fight in its sentence, else in the sentence before."""
    fights = [e for e in events if e.type == "ASSAULT" and e.actors]
    for event in events:
        if event.sense.parties != "conflict" or event.actors:
            continue
        here = parse.sentence_index(event.token.i)
        for index in (here, here - 1):
            near = [f for f in fights if parse.sentence_index(f.token.i) == index]
            if near:
                best = min(near, key=lambda f: abs(f.token.i - event.token.i))
                _add(event.actors, best.actors + best.targets)
                break


def _shared_parties(events: list[_Event]) -> None:
    """Coordinated noun events share their parties ("shelling and clashes between A and B")."""
    by_token = {e.token.i: e for e in events}
    for event in events:
        token = event.token
        if event.actors or token.dep_ != "conj" and not any(c.dep_ == "conj" for c in token.children):
            continue
        related = [token.head] if token.dep_ == "conj" else []
        related += [c for c in token.children if c.dep_ == "conj"]
        for other in related:
            partner = by_token.get(other.i)
            if partner is not None and partner.actors:
                _add(event.actors, partner.actors)
                _add(event.targets, [m for m in partner.targets if m not in event.actors])


# -- modality -------------------------------------------------------------------------------------

def _own(parse: _Parse, token: Token) -> tuple[bool, bool, bool]:
    """(negated, hypothetical, conditional) from the token's own dependents."""
    lex = parse.lex
    negated = hypothetical = conditional = False
    nominal = _is_nominal(parse, token)
    for child in parse.kids(token):
        dep, lower = child.dep_, child.lower_
        if dep == "neg":
            negated = True
        elif dep in ("aux", "auxpass") and lower in lex.modals:
            hypothetical = True
        elif dep == "mark":
            if lower in lex.conditional_marks:
                hypothetical = conditional = True
            elif lower == "than" and any(c.lower_ in lex.negating_words for c in parse.kids(token)):
                negated = True
        elif dep == "advmod":
            if lower in lex.hypothetical_adverbs:
                hypothetical = True
            elif lower in ("never",):
                negated = True
            elif lower in lex.negating_words and nominal is False:
                negated = True
        elif dep == "det" and nominal and lower in lex.negative_determiners:
            negated = True
        elif dep in ("amod", "compound") and nominal and _lemma(child) in lex.hypothetical_adjectives:
            hypothetical = True
        elif dep in ("nsubj", "nsubjpass") and not nominal:
            if lower in lex.negative_determiners or any(
                    c.dep_ == "det" and c.lower_ in lex.negative_determiners for c in parse.kids(child)):
                negated = True
    return negated, hypothetical, conditional


def _governs(lex: EventLexicon, governor: Token, sense: Sense | None) -> tuple[bool, bool]:
    """(negates, makes hypothetical) for what a governor governs."""
    lemma = _lemma(governor)
    if sense is not None and sense.complement == "negated" or lemma in lex.negating_governors:
        return True, False
    if sense is not None and sense.complement == "hypothetical":
        return False, True
    if lemma in lex.realised_governors:
        return False, False
    return False, lemma in lex.hypothetical_governors


def _modality(parse: _Parse, event: _Event) -> None:
    negated, hypothetical, conditional = _flags(parse, event.token)
    event.negated, event.hypothetical, event.conditional = negated, hypothetical, conditional


def _flags(parse: _Parse, start: Token) -> tuple[bool, bool, bool]:
    lex = parse.lex
    negated, hypothetical, conditional = _own(parse, start)
    token = start
    for _ in range(8):
        head, dep = token.head, token.dep_
        if head.i == token.i:
            break
        lemma = _lemma(head)
        sense = _sense_of(parse, head)
        nominal = _is_nominal(parse, token)
        if dep in ("xcomp", "ccomp", "csubj"):
            if dep == "ccomp" and lemma in lex.speech_verbs and lemma not in lex.negating_governors:
                break
            neg, hyp = _governs(lex, head, sense)
            negated |= neg
            hypothetical |= hyp
        elif dep == "advcl":
            marks = {c.lower_ for c in parse.kids(token) if c.dep_ == "mark"}
            purpose = not marks and any(c.dep_ == "aux" and c.lower_ == "to" for c in parse.kids(token))
            if purpose:
                hypothetical = True
                break
            if marks & lex.inheriting_marks:
                if lemma in lex.hypothetical_governors or lemma in lex.commitment_verbs:
                    hypothetical = True  # "vowed to fight until they surrender"
            elif not (not marks and token.tag_ in ("VBG", "VBN")):
                break
        elif dep == "conj":
            if any(c.dep_ in ("nsubj", "nsubjpass") for c in parse.kids(token)) and not nominal:
                break
            if any(c.dep_ in ("aux", "auxpass") for c in parse.kids(token)) and not nominal:
                break
        elif dep == "acl":
            if any(c.dep_ == "aux" and c.lower_ == "to" for c in parse.kids(token)) and token.tag_ == "VB":
                if lemma not in lex.realised_governors and lemma not in ("attempt", "effort"):
                    hypothetical = True
                if lemma in ("attempt",):
                    pass
            neg, hyp = _governs(lex, head, sense)
            negated |= neg
            hypothetical |= hyp
        elif dep == "pcomp" or (dep == "pobj" and head.dep_ in ("prep", "agent", "prt")):
            prep = head
            if prep.lower_ in lex.negating_words:
                negated = True
                break
            if prep.head.i == prep.i or prep.lower_ not in _GOVERNED_PREPS:
                break
            above = prep.head
            neg, hyp = _governs(lex, above, _sense_of(parse, above))
            if not (neg or hyp):
                if _lemma(above) in lex.light_verbs and not _is_nominal(parse, above):
                    token = above  # "enter into a ceasefire": the support verb's modality
                    n2, h2, c2 = _own(parse, above)
                    negated |= n2
                    hypothetical |= h2
                    conditional |= c2
                    continue
                break
            negated |= neg
            hypothetical |= hyp
            n2, h2, c2 = _own(parse, above)
            negated |= n2
            hypothetical |= h2
            conditional |= c2
            break
        elif dep in ("dobj", "obj", "attr", "oprd", "nsubjpass", "nsubj") and nominal:
            if dep in ("nsubj", "nsubjpass"):
                # the subject of a verb of occurrence or support takes its modality ("fighting will
                # continue", "a cease-fire has been reached"); of another verb, keeps its own
                if lemma not in lex.occurrence_verbs and lemma not in lex.light_verbs:
                    break
            else:
                neg, hyp = _governs(lex, head, sense)
                negated |= neg
                hypothetical |= hyp
                if neg or hyp or lemma not in lex.light_verbs:
                    break
        else:
            break
        n2, h2, c2 = _own(parse, head)
        if dep == "conj" and n2 and not any(c.lower_ in ("or", "nor") for c in parse.kids(head) if c.dep_ == "cc"):
            n2 = False  # "did not attack but withdrew"
        negated |= n2
        hypothetical |= h2
        conditional |= c2
        token = head
    return negated, hypothetical, conditional


def _sense_of(parse: _Parse, token: Token) -> Sense | None:
    lex = parse.lex
    lemma = _lemma(token)
    if lemma not in lex.trigger_words:
        return None
    if token.pos_ == "VERB":
        frames = lex.verb_frames.get(lemma)
        if frames:
            matched = _match_verb(parse, token, frames)
            if matched is not None:
                return matched[0].sense
        return lex.verbs.get(lemma)
    return lex.nouns.get(lemma)


# -- one event per incident -----------------------------------------------------------------------

def _merge(parse: _Parse, events: list[_Event], by_token: dict[int, _Event]) -> None:
    """A noun event that is the subject, object or "in"-phrase of a verb event of the same type is
    that event ("U.S. air strikes killed 22 people", "killed in a bomb attack", "signed an accord"):
    the verb keeps it, taking the noun's mode, ACLED key and parties."""
    for event in events:
        noun = event.token
        if not _is_nominal(parse, noun):
            continue
        anchor = noun
        while anchor.dep_ == "conj" and anchor.head.i != anchor.i:
            anchor = anchor.head
        if anchor.dep_ == "pobj" and anchor.head.lower_ == "of" and anchor.head.head.pos_ in ("NOUN", "NUM") and \
                anchor.head.head.dep_ in ("nsubj", "nsubjpass", "dobj"):
            anchor = anchor.head.head  # "dozens of air strikes killed …"
        head = anchor.head
        if anchor.dep_ == "pobj" and head.lower_ in ("in", "with", "by", "to", "for") and \
                head.dep_ in ("prep", "agent"):
            head = head.head
        elif anchor.dep_ not in ("nsubj", "dobj", "obj", "nsubjpass"):
            continue
        verb = by_token.get(head.i)
        if verb is None or verb is event or verb.type != event.type or _is_nominal(parse, verb.token):
            continue
        if event.negated != verb.negated:
            continue
        event.merged = True
        verb.parts.append(event.token.i)
        if verb.sense.mode is None and event.sense.mode is not None:
            verb.mode = event.sense.mode
        if verb.sense.acled is None and event.sense.acled is not None:
            verb.acled_key = event.sense.acled
        _add(verb.actors, event.actors)
        _add(verb.targets, [m for m in event.targets if m not in verb.actors])
        verb.target_heads.extend(event.target_heads)
    # "shelled the city, killing nine civilians": the participle tells the toll of the same attack
    for event in events:
        token = event.token
        if event.merged or event.type != "ASSAULT" or token.dep_ != "advcl" or token.tag_ != "VBG" or \
                any(c.dep_ in ("nsubj", "mark") for c in parse.kids(token)):
            continue
        head = by_token.get(token.head.i)
        if head is None or head.merged or head.type != "ASSAULT" or head.negated != event.negated:
            continue
        event.merged = True
        head.parts.append(token.i)
        _add(head.targets, [m for m in event.targets if m not in head.actors])
        head.target_heads.extend(event.target_heads)
        span = _verb_clause(parse, token)
        head.context = (min(head.context[0], span[0]), max(head.context[1], span[1]))


# -- stated intentions, promises and requests -----------------------------------------------------

def _complement_event(parse: _Parse, token: Token, by_token: dict[int, _Event], depth: int = 0) -> _Event | None:
    """The event a verb of promise or intention announces: its complement, through verbs like
    "continue" ("vowed to continue fighting"), or its object ("promised military aid")."""
    if depth > 2:
        return None
    ranked: list[tuple[int, Token, bool]] = []
    for child in parse.kids(token):
        dep = child.dep_
        if dep in ("xcomp", "ccomp") or _infinitive_advcl(child):
            ranked.append((0, child, True))
        elif dep in ("dobj", "obj", "acomp"):
            ranked.append((1, child, dep == "acomp"))
        elif dep == "prep" and child.lower_ in ("to", "on", "upon", "for"):
            for p in parse.kids(child):
                if p.dep_ in ("pobj", "pcomp"):
                    ranked.append((2, p, True))
    if any(r[0] == 1 and r[1].dep_ in ("dobj", "obj") for r in ranked) and _lemma(token) in \
            parse.lex.commitment_verbs:
        ranked = [r for r in ranked if r[0] == 1]  # "offered its troops … to help him oust …": the troops
    for _, target, descend in sorted(ranked, key=lambda r: (r[0], r[1].i)):
        event = by_token.get(target.i)
        if event is not None:
            return event
        if descend and (_lemma(target) in parse.lex.realised_governors or _lemma(target) in parse.lex.light_verbs
                        or target.pos_ in ("ADJ", "AUX") or target.dep_ == "pcomp"):
            inner = _complement_event(parse, target, by_token, depth + 1)
            if inner is not None:
                return inner
    return None


def _infinitive_advcl(token: Token) -> bool:
    """"sworn to fight", parsed as a clause of purpose: an infinitive with no subject of its own."""
    return token.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children) and \
        not any(c.dep_ in ("nsubj", "mark") for c in token.children)


def _classify(lex: EventLexicon, table: dict[str, str], inner: _Event | None, negated: bool,
              conditional: bool) -> str:
    kind = inner.type if inner is not None else None
    hostile = kind in lex.hostile
    if negated and not hostile:
        return table["negated"]
    if conditional and "conditional" in table:
        return table["conditional"]
    if hostile and not negated:
        return table["hostile"]
    if kind in lex.concessive and "concessive" in table:
        return table["concessive"]
    if kind is not None and kind in table:
        return table[kind]
    return table["default"]


def _complement_negated(token: Token) -> bool:
    for child in token.children:
        if child.dep_ in ("xcomp", "ccomp") and any(c.dep_ == "neg" for c in child.children):
            return True
    return False


def _commitment(parse: _Parse, verb: Token, by_token: dict[int, _Event]) -> _Event | None:
    lex = parse.lex
    lemma = _lemma(verb)
    has_complement = any(c.dep_ in ("xcomp", "ccomp") or _infinitive_advcl(c) for c in parse.kids(verb))
    if lemma == "commit" and not (has_complement or
                                  any(c.dep_ == "prep" and c.lower_ == "to" for c in parse.kids(verb))):
        return None
    if not has_complement and not any(c.dep_ in ("dobj", "obj", "dative") for c in parse.kids(verb)):
        return None
    inner = _complement_event(parse, verb, by_token)
    kind = _classify(lex, lex.commitments, inner, _complement_negated(verb), False)
    event = _Event(verb, Sense(kind), verb.i, verb.i, derived=True)
    _verb_arguments(parse, event, verb)
    if inner is not None:
        _add(event.targets, [m for m in inner.targets if m not in event.actors])
    event.clause = _clause(parse, event)
    event.context = event.clause
    _modality(parse, event)
    return event


def _reported(parse: _Parse, verb: Token) -> bool:
    """Whether a clause is someone's statement: the complement of a verb of speech, or in a claim
    with a source other than the outlet."""
    token = verb
    for _ in range(4):
        if token.dep_ in ("ccomp", "conj", "xcomp", "parataxis") and token.head.i != token.i:
            token = token.head
            if _lemma(token) in parse.lex.speech_verbs:
                return True
        else:
            break
    if any(c.dep_ in ("ccomp", "parataxis") and _lemma(c) in parse.lex.speech_verbs for c in parse.kids(verb)):
        return True
    idx = verb.idx
    return any(c.start <= idx < c.end and c.source.kind != "outlet" for c in parse.claims)


def _intentions(parse: _Parse, by_token: dict[int, _Event], done: set[int]) -> list[_Event]:
    """"X will support …", "X said it would boycott …", "X is ready to send troops", "X plans to
    impose …": a stated intention of an actor is an event, typed by what it announces."""
    lex = parse.lex
    found: list[_Event] = []
    heads = {parse.tokens[i].head.i for i in parse.candidates(lex.future_ids)} | set(parse.candidates(lex.intent_ids))
    for index in sorted(heads):
        token = parse.tokens[index]
        pos = token.pos_
        lemma = _lemma(token)
        if pos == "VERB" and lemma in lex.intent_verbs and any(c.dep_ == "xcomp" for c in parse.kids(token)):
            marker, verb, first = token, token, token.i
        elif lemma in lex.intent_adjectives | lex.stative_passives and pos in ("ADJ", "VERB") and \
                token.dep_ in ("acomp", "ROOT", "ccomp", "conj") and \
                any(c.dep_ == "xcomp" or c.dep_ == "prep" and c.lower_ == "to" and
                    any(p.dep_ == "pcomp" for p in parse.kids(c)) for c in parse.kids(token)):
            marker, verb, first = token, token, token.i
        elif pos in ("VERB", "AUX") and lemma not in lex.not_intentions and lemma not in lex.speech_verbs:
            aux = next((c for c in parse.kids(token) if c.dep_ == "aux" and c.lower_ in lex.future_modals), None)
            if aux is None or any(c.dep_ == "aux" and c.lower_ == "have" and c.i > aux.i for c in parse.kids(token)):
                continue  # "would have attacked": what did not happen
            if any(c.dep_ == "aux" and c.lower_ in ("may", "might", "could", "can") for c in parse.kids(token)):
                continue
            if aux.lower_ == "would" and not _reported(parse, token):
                continue
            marker, verb, first = aux, token, aux.i
        else:
            continue
        if token.i in done or any(c.dep_ == "advmod" and c.lower_ in lex.hypothetical_adverbs
                                  for c in parse.kids(token)):
            continue
        if any(c.dep_ == "mark" and c.lower_ in lex.conditional_marks for c in parse.kids(token)):
            continue
        own = by_token.get(verb.i)
        inner = own if own is not None and marker is not verb else _complement_event(parse, verb, by_token)
        if marker is verb and token.pos_ in ("ADJ", "VERB") and lemma in lex.intent_adjectives | lex.stative_passives:
            inner = _complement_event(parse, verb, by_token)
        negated = any(c.dep_ == "neg" for c in parse.kids(verb)) or (marker is verb and _complement_negated(verb))
        conditional = any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in parse.kids(c))
                          for c in parse.kids(verb))
        kind = _classify(lex, lex.intentions, inner, negated, conditional)
        if own is not None and own.type == kind:
            continue
        subject_verb = verb.head if verb.dep_ == "acomp" else verb
        event = _Event(verb, Sense(kind), first, verb.i if verb.i - first <= 4 else first, derived=True)
        _verb_arguments(parse, event, subject_verb)
        if not event.actors:
            continue
        if inner is not None:
            _add(event.targets, [m for m in inner.targets if m not in event.actors])
        event.clause = _clause(parse, event)
        event.context = event.clause
        found.append(event)  # the statement was made: neither negated nor hypothetical
    return found


def _requests(parse: _Parse, by_token: dict[int, _Event]) -> list[_Event]:
    """"X said (that) Y must …": X asks something of Y."""
    lex = parse.lex
    found: list[_Event] = []
    for index in sorted({parse.tokens[i].head.i for i in parse.candidates(lex.deontic_ids)}):
        token = parse.tokens[index]
        if token.pos_ not in ("VERB", "AUX"):
            continue
        aux = next((c for c in parse.kids(token) if c.dep_ == "aux" and c.lower_ in lex.deontic_modals), None)
        if aux is None or token.dep_ not in ("ccomp", "conj", "acl"):
            continue
        governor = token.head
        while governor.dep_ == "conj" and token.dep_ == "conj" and governor.head.i != governor.i:
            governor = governor.head
        if _is_nominal(parse, governor):  # "a stern reminder that it must …"
            governor = _governor(governor) or governor
        own = by_token.get(governor.i)
        if own is not None and own.type in ("REQUEST", "THREATEN"):
            continue
        speakers = parse.resolve(parse.subject_heads(governor)[0])
        heads, _ = parse.subject_heads(token)
        addressees = parse.resolve(heads)
        if not speakers or not addressees or set(map(id, speakers)) & set(map(id, addressees)):
            continue
        if {m.country for m in speakers} & {m.country for m in addressees} - {None}:
            continue
        event = _Event(token, Sense("REQUEST"), aux.i, token.i if token.i - aux.i <= 3 else aux.i, derived=True)
        event.actors = speakers
        event.targets = addressees
        event.clause = _clause(parse, event)
        event.context = event.clause
        found.append(event)
    return found


# -- spans ----------------------------------------------------------------------------------------

_CUT_DEPS = frozenset({"advcl", "parataxis", "cc", "punct", "mark", "preconj"})


def _verb_clause(parse: _Parse, verb: Token) -> tuple[int, int]:
    """Tokens [start, end) of a verb's clause: its subtree without adverbial clauses, coordinated
    verbs, and a reporting verb's clause hung below it."""
    lex = parse.lex
    cut: list[tuple[int, int]] = []
    for child in parse.kids(verb):
        dep = child.dep_
        if dep in _CUT_DEPS or (dep == "conj" and child.pos_ in ("VERB", "AUX")) or \
                (dep == "ccomp" and _lemma(child) in lex.speech_verbs):
            cut.append((child.left_edge.i, child.right_edge.i))
    start, end = verb.left_edge.i, verb.right_edge.i
    if verb.dep_ == "acl" and verb.head.i < verb.i:  # "at least 22 people killed in air strikes"
        start = min(start, verb.head.left_edge.i)
    first, last = start, end  # the first and last tokens of the subtree outside the cut parts
    while first <= end and any(a <= first <= b for a, b in cut):
        first += 1
    if first > end:
        return verb.i, verb.i + 1
    while any(a <= last <= b for a, b in cut):
        last -= 1
    if last - first >= MAX_CLAUSE_TOKENS:
        first, last = max(first, verb.i - MAX_CLAUSE_TOKENS // 2), min(last, verb.i + MAX_CLAUSE_TOKENS // 2)
    return _trim(parse, first, last + 1)


def _noun_clause(parse: _Parse, noun: Token) -> tuple[int, int]:
    start, end = noun.left_edge.i, noun.i
    for child in noun.rights:
        if child.dep_ in ("conj", "cc", "punct", "appos"):
            break
        end = child.right_edge.i
    if end - start >= MAX_CLAUSE_TOKENS:
        end = min(end, noun.i + MAX_CLAUSE_TOKENS // 2)
    return _trim(parse, start, end + 1)


def _trim(parse: _Parse, start: int, end: int) -> tuple[int, int]:
    tokens = parse.tokens
    while start < end - 1 and (tokens[start].is_punct or tokens[start].pos_ in ("CCONJ", "SCONJ")
                               or tokens[start].is_space):
        start += 1
    while end - 1 > start and (tokens[end - 1].is_punct or tokens[end - 1].is_space) and \
            not tokens[end - 1].is_quote:
        end -= 1
    while end - 1 > start and tokens[end - 1].is_quote and tokens[end - 1].text in "“\"‘'" :
        end -= 1
    return start, end


def _clause(parse: _Parse, event: _Event) -> tuple[int, int]:
    token = event.token
    if _is_nominal(parse, token) and not event.derived:
        governor = _light_governor(parse, token)
        if governor is not None:
            span = _verb_clause(parse, governor)
        else:
            anchor = token
            while anchor.dep_ == "conj" and anchor.head.i != anchor.i:
                anchor = anchor.head
            head = anchor.head
            if anchor.dep_ in ("nsubj", "nsubjpass") and _lemma(head) in parse.lex.occurrence_verbs:
                span = _verb_clause(parse, head)
            else:
                span = _noun_clause(parse, token)
    else:
        span = _verb_clause(parse, token)
    return min(span[0], event.first), max(span[1], event.last + 1)


# -- links and coding -----------------------------------------------------------------------------

def _within(parse: _Parse, items: list[Any], span: tuple[int, int]) -> list[Any]:
    """The facts of `items` (sorted by start) inside tokens [start, end)."""
    lo, hi = token_chars(parse.doc, *span)
    starts = parse.starts_of.get(id(items))
    if starts is None:
        starts = parse.starts_of[id(items)] = [x.start for x in items]
    first = bisect_left(starts, lo)
    last = bisect_left(starts, hi, first)
    return [x for x in items[first:last] if x.end <= hi]


def _anchors(parse: _Parse, event: _Event) -> set[int]:
    """The words a place or time of the event hangs from: the trigger, the support or occurrence
    verb of a noun event, and the verbs its clause is the complement of ("reported on Tuesday that …")."""
    if event.anchors is not None:
        return event.anchors
    token = event.token
    found = {token.i, *event.parts}
    governor = _light_governor(parse, token) if _is_nominal(parse, token) else None
    if governor is None and _is_nominal(parse, token):
        anchor = token
        while anchor.dep_ == "conj" and anchor.head.i != anchor.i:
            anchor = anchor.head
        if anchor.dep_ in ("nsubj", "nsubjpass") and _lemma(anchor.head) in parse.lex.occurrence_verbs:
            governor = anchor.head
    if governor is not None:
        found.add(governor.i)
        token = governor
    for _ in range(2):
        if token.dep_ in ("xcomp", "ccomp", "conj") and token.head.i != token.i and not _is_nominal(parse, token):
            token = token.head
            found.add(token.i)
    event.anchors = found
    return found


def _attached(parse: _Parse, start: int, anchors: set[int], preps: frozenset[str]) -> bool:
    """Whether the word at `start` hangs from an anchor through "in / near / at …", directly or
    through the nouns of a place phrase ("in the separatist enclave of Nagorno-Karabakh")."""
    token = parse.tokens[_token_at(parse, start)]
    for _ in range(7):
        dep, head = token.dep_, token.head
        if head.i == token.i:
            return False
        if dep == "pobj" and head.lower_ in preps:
            if head.head.i in anchors:
                return True
            token = head.head
            if token.pos_ not in ("NOUN", "PROPN"):
                return False
            continue
        if dep == "pobj" and head.lower_ == "of":
            token = head.head
            continue
        if dep in ("compound", "appos", "conj", "amod", "nmod", "poss", "npadvmod", "nummod", "advmod", "quantmod",
                   "det") and head.i not in anchors:
            token = head
            continue
        if head.i in anchors and dep in ("npadvmod", "advmod", "tmod", "poss", "compound", "nmod", "amod", "nummod"):
            return True
        return False
    return False


def _place(parse: _Parse, event: _Event) -> PlaceMention | None:
    parties = event.actors + event.targets
    anchors = _anchors(parse, event)
    trigger_at = parse.tokens[event.token.i].idx

    def usable(p: PlaceMention) -> bool:
        return not any(m.start <= p.start and p.end <= m.end for m in parties)

    def rank(p: PlaceMention) -> tuple[int, int]:
        return _PLACE_RANK.get(p.feature or "", 2), abs(p.start - trigger_at)

    sentence = parse.sents[parse.sentence_index(event.token.i)]
    candidates = [p for p in _within(parse, parse.places, (sentence.start, sentence.end))
                  if usable(p) and _attached(parse, p.start, anchors, _STRONG_PLACE_PREPS)]
    if not candidates:
        candidates = [p for p in _within(parse, parse.places, event.clause)
                      if usable(p) and _attached(parse, p.start, anchors, _PLACE_PREPS)]
    if not candidates and event.type in ("ASSAULT", "COERCE", "MOBILIZE", "RETREAT", "PROTEST"):
        # what was shelled, besieged, taken or left: "shelled the city of Omdurman", "entered Idlib"
        for i in anchors:
            for child in parse.kids(parse.tokens[i]):
                if child.dep_ in ("dobj", "obj", "nsubjpass"):
                    span = (child.left_edge.i, child.right_edge.i + 1)
                    candidates.extend(p for p in _within(parse, parse.places, span) if usable(p))
    return min(candidates, key=rank) if candidates else None


def _token_at(parse: _Parse, char: int) -> int:
    return max(0, bisect_right(parse.starts, char) - 1)


def _time(parse: _Parse, event: _Event) -> TimeMention | None:
    """The time the event hangs on ("on Tuesday", "today", "since Tuesday"), or that hangs on the
    verbs its clause depends on ("reported on Tuesday that …"); a date inside one of its noun
    phrases ("since the outbreak of the war in 2011") is not its time."""
    anchor = parse.starts[event.token.i]
    anchors = _anchors(parse, event)
    sentence = parse.sents[parse.sentence_index(event.token.i)]
    candidates = [t for t in _within(parse, parse.times, (sentence.start, sentence.end))
                  if _attached(parse, t.start, anchors, _TIME_PREPS) or
                  parse.tokens[_token_at(parse, t.start)].head.i in anchors]
    return min(candidates, key=lambda t: abs(t.start - anchor)) if candidates else None


def _claim(parse: _Parse, start: int) -> ClaimMention | None:
    covering = [c for c in parse.claims if c.start <= start < c.end]
    if covering:
        return min(covering, key=lambda c: c.end - c.start)
    return next((c for c in parse.claims if c.sentence_start <= start < c.sentence_end), None)


def _historical(parse: _Parse, event: _Event, time: TimeMention | None) -> bool:
    """Whether the event ended more than HISTORICAL_DAYS before the article was published: by its
    time, else by a year its clause hangs on ("… installed a contingent in 2020")."""
    limit = parse.history_limit
    if limit is None:
        return False
    if time is not None:
        return time.end_date is not None and time.end_date < limit  # "since 2020" is still going on
    lo, hi = token_chars(parse.doc, *event.clause)
    for match in _YEAR.finditer(parse.text, lo, hi):
        if _attached(parse, match.start(), _anchors(parse, event), _TIME_PREPS):
            return date(int(match.group()), 12, 31) < limit
    return False


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _mode(parse: _Parse, event: _Event) -> str | None:
    """The trigger's mode, else the weapon or carrier the clause names ("killed by a roadside
    bomb", "Russian aircraft killed", "a Turkish F-16 had downed")."""
    own = event.mode or event.sense.mode
    if event.type != "ASSAULT" or own not in (None, "explosive", "firearms"):
        return own
    weapons = parse.lex.weapons
    token = event.token
    near: list[Token] = [c for c in parse.kids(token) if c.dep_ in ("compound", "amod", "nsubj", "nsubjpass", "dobj")]
    for prep, pobj in _pobjs(parse, token, {"by", "with", "in", "using", "from"}):
        near.append(pobj)
    if token.dep_ == "pobj":
        near.append(token.head.head)
    words: list[Token] = []
    for t in near:
        words.append(t)
        words.extend(c for c in parse.kids(t) if c.dep_ in ("compound", "amod", "nmod"))
    found: set[str] = set()
    for t in words:
        for key in (t.lower_, _lemma(t)):
            mode = weapons.get(key)
            if mode is not None:
                found.add(mode)
        text = t.text
        if "-" in text and text[:1].isupper() and any(ch.isdigit() for ch in text):
            found.add("aerial")  # an aircraft designation: F-16, Su-25
    # the most specific weapon named wins: a suicide bomber, a chemical shell, bombs from aircraft
    if own is not None:
        found.add(own)
    return next((m for m in _MODE_PRIORITY if m in found), own)


_MODE_PRIORITY = ("suicide", "chemical", "aerial", "artillery", "grenade", "explosive", "firearms", "primitive")


def _acled(parse: _Parse, event: _Event, mode: str | None) -> tuple[str | None, str | None]:
    lex = parse.lex
    if event.negated or event.hypothetical or event.derived:
        return None, None
    key = event.acled_key or event.sense.acled
    if key is None and event.type == "ASSAULT" and mode is not None:
        key = lex.acled_by_mode.get(mode)
    if key is None:
        key = lex.acled_by_type.get(event.type)
    if key is None or key == "none":
        return None, None
    if event.type == "ASSAULT" and _hazard(parse, event):
        return None, None
    value = lex.acled.get(key)
    if isinstance(value, dict):
        value = value.get(_context(parse, event, value)) or value.get("default")
    if not value:
        return None, None
    return value[0], value[1]


def _hazard(parse: _Parse, event: _Event) -> bool:
    heads, _ = parse.subject_heads(event.token) if not _is_nominal(parse, event.token) else ([], False)
    agents = [p for _, p in _pobjs(parse, event.token, {"by", "in"})]
    return any(_lemma(t) in parse.lex.hazards or t.lower_ in parse.lex.hazards for t in heads + agents)


def _context(parse: _Parse, event: _Event, table: dict[str, Any]) -> str:
    lex = parse.lex
    if "protesters" in table or "civilians" in table:
        words = {_lemma(t) for t in event.target_heads} | {t.lower_ for t in event.target_heads}
        for m in event.targets:
            words |= {w.lower().strip(".,") for w in m.text.split()}
        if "protesters" in table and words & lex.protester_words:
            return "protesters"
        if "civilians" in table and (words & lex.civilian_words or any(m.sector == "CVL" for m in event.targets)):
            if not any(m.sector in ("MIL", "REB") for m in event.targets):
                return "civilians"
    if "rioters" in table or "mob" in table:
        words = {w.lower().strip(".,") for m in event.actors for w in m.text.split()}
        if not _is_nominal(parse, event.token):
            words |= {_lemma(t) for t in parse.subject_heads(event.token)[0]}
        if "mob" in table and words & {"mob", "mobs", "vigilante", "vigilantes", "lynch"}:
            return "mob"
        if "rioters" in table and words & lex.rioter_words:
            return "rioters"
    if "state" in table:
        if any(m.sector == "REB" for m in event.actors):
            return "default"
        if any(m.sector in lex.state_sectors for m in event.actors):
            return "state"
        if not event.actors and (event.acled_key or event.sense.acled) == "regain":
            return "state"
    if "intervention" in table:
        sentence = parse.sents[parse.sentence_index(event.token.i)]
        lowered = sentence.text.lower()
        if any(cue in lowered for cue in lex.intervention_cues):
            return "intervention"
    return "default"


def _mention(parse: _Parse, event: _Event) -> EventMention:
    start, end = token_chars(parse.doc, *event.clause)
    t_start, t_end = token_chars(parse.doc, event.first, event.last + 1)
    text = parse.text
    mode = _mode(parse, event)
    event_type, sub_type = _acled(parse, event, mode)
    place = _place(parse, event)
    time = _time(parse, event)
    figures = [f for f in _within(parse, parse.figures, event.context if event.context != (0, 0) else event.clause)]
    if event.context != event.clause:
        _add_figures(figures, _within(parse, parse.figures, event.clause))
    return EventMention(
        text=text[start:end], start=start, end=end, trigger=text[t_start:t_end], trigger_start=t_start,
        trigger_end=t_end, type=event.type, mode=mode,  # type: ignore[arg-type]
        acled_event_type=event_type, acled_sub_event_type=sub_type, actors=list(event.actors),
        targets=[m for m in event.targets if m not in event.actors or event.sense.symmetric],
        place=place, time=time, figures=figures, claim=_claim(parse, t_start),
        negated=event.negated, hypothetical=event.hypothetical,
        historical=_historical(parse, event, time))


def _add_figures(found: list[FigureMention], more: list[FigureMention]) -> None:
    for f in more:
        if f not in found:
            found.append(f)
