"""Understanding one user message: what the user wants, and which communities fit.

Pure Python, no botbuilder. ``Understander`` indexes a catalogue once (phrases, the words they are
made of, FAQ phrasings); ``understand`` then reads a message in a few steps:

1. normalise it into tokens (case, accents, punctuation, plurals folded);
2. read each token as the catalogue's words: feminine and plural forms of them are in the index
   ("auditrice", "Prüferinnen"), typos are corrected against them (rapidfuzz, OSA distance), and
   run-together words and German compounds are split into them ("controllersnetwork",
   "Projektkontrolleurin");
3. find the catalogue's phrases in it, longest first ("jems core group" before "core group");
4. add up the evidence for each community, apply sub-team and eligibility rules, rank;
5. compare the message with the FAQ phrasings (IDF-weighted word overlap);
6. decide the intent from all of that, preferring to ask or to fall back over a weak guess.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.catalogue import GAP, PERSON_PAIR_KINDS, Catalogue
from bot.core.language import detect
from bot.core.model import SUBTEAM_SHARE, Prediction, TextModel, families, features
from bot.core.text import Tokenizer, stem, typed_span, word_forms

_PARENTHESES = re.compile(r"\([^)]*\)")
# where a clause of a message ends: a comma, a colon, a semicolon, an end of sentence
_CLAUSE_BREAK = re.compile(r"[,;:?!.¿¡\u037e]+")
_LETTER = re.compile(r"[^\W\d_]")  # a letter of any script (Greek, Cyrillic ... count too)
_DOUBLED = re.compile(r"(.)\1+")  # a letter typed twice or more in a row ("jemss")
JOINED_WORDS = 3  # at most this many words between two functions of a list
# at most this many words between an act of auditing or checking (intents.yaml: examines) and the
# first body or role it examines ("we audit the way the controllers work")
OBJECT_GAP = 3
# at most this many words between the words with which users speak of themselves or say in which
# capacity they act (intents.yaml: first_person, capacity) and a role that is theirs ("I am a")
OWN_ROLE_GAP = 2
# at most this many words between the words of a service the user provides (intents.yaml: serves)
# and the support or helpdesk it is ("I run the programme's helpdesk")
SERVICE_GAP = 3
# the link every community's join button opens (catalogue.LINK_NAMES): a FAQ that gives it first
# tells how to join, which a named community's card tells too
JOIN_LINK = "all_communities"
COMMANDS = ("cancel", "help", "support_channel", "reload_catalogue", "forget_me")
# Commands also found inside a short message ("could you please delete my data?"): "forget me"
# asks before it does anything, so a wrong guess costs a "No".
CONTAINED_COMMANDS = frozenset({"forget_me"})
CONTAINED_WORDS = 12  # a longer message is about something else
SMALL_TALK = frozenset({"thanks", "bye", "acknowledge"})  # intents.yaml kinds of small talk
GREETING_WORDS = 3  # a greeting with more content words than this may be about something else
# a help word in a longer message may be the user's work ("I help applicants find partners",
# "aiuto i candidati", "j'aide les porteurs de projet"): the model may read it for the rest
HELP_WORDS = 3
SMALL_TALK_WORDS = 8  # a longer message is more than small talk (it falls back if not understood)
QUESTION_OPENING = 2  # a question word among a message's first words makes it a question
GAP_WORDS = 5  # at most this many words stand for the gap of an intent phrase (catalogue.GAP)
MAX_TOKENS = 200  # a message is read up to this many words; the rest cannot change the answer
MIN_SCORE = 1.0  # evidence a community needs before it is recommended
KEEP_RATIO = 0.5  # further recommendations need at least this share of the best one's score
MAX_RECOMMENDATIONS = 3
FAQ_STRONG = 0.8
FAQ_OK = 0.55
FAQ_EXACT = 0.9

W_NAME = 3.0  # the community's own name
W_KEYWORD = 2.0  # one of its keywords
W_ROLE = 2.5  # a role whose first community it is
W_ROLE_OTHER = 1.5  # a role's further communities
W_TOPIC = 1.5  # a topic (strand, programme, tool) that points at it
W_QUALIFIER = 1.5  # counts only together with other evidence for the sub-team or its parent
W_WORD = 0.5  # a distinctive word of its name or "who should join" text
# The model's confidence needed to answer when the rules found nothing, and to overrule the rules
# when they found something else; ``python -m bot train`` picks both by cross-validation and stores
# them with the model (these are used by a model without them).
T_ANSWER = 0.99
T_OVERRIDE = 0.999
CANDIDATE_MIN = 0.15  # a community the model gives this much is offered when the bot asks back
MIN_COVERAGE = 0.5  # the model has an opinion when it knows this share of a message's n-grams
ASK_MIN = 0.5  # the model's confidence in a community needed to ask back about it unprompted
# the model's confidence in a FAQ, under the answer threshold, for which a fallback offers that FAQ
SUGGEST_MIN = 0.3
PART_MIN = 4  # letters of the shortest part of a compound word ("jems" in "jemsnetwork")
# the nearest words of each word tried when a phrase's words have typos ("comunicaton oficer")
PHRASE_CANDIDATES = 8
WORD_MAX = 60  # a longer "word" is no word of any language: it is neither corrected nor split
_FORM_KINDS = frozenset({"community", "qualifier", "role", "topic", "working_group"})
# cue kinds that are no concepts of the model: words of most messages ("as", "como"), which only
# tell the rules how to read the role after them
_UNSEEN_CUES = frozenset({"capacity", "examines", "examined_work", "joining"})
# cue kinds that only the model reads, as concepts (telling one's work: "je m'occupe de ...")
CONCEPT_CUES = frozenset({"work"})
# cue kinds found apart from the index, without taking words from its phrases
APART_CUES = ("serves", "joining")


class Intent(StrEnum):
    RECOMMEND = "recommend"
    FAQ = "faq"
    WORKING_GROUPS = "working_groups"
    LIST = "list"
    ESCALATE = "escalate"
    GREETING = "greeting"
    SMALL_TALK = "small_talk"  # thanks, ok, bye: a short friendly reply
    HELP = "help"
    CLARIFY = "clarify"
    FALLBACK = "fallback"


@dataclass(frozen=True)
class Sense:
    """One meaning of a phrase: what it points at, and how strongly."""

    kind: str  # community | qualifier | role | topic | working_group | cue | route
    target: str  # a community, role, topic, working group or contact id, or a cue kind
    weight: float = 0.0
    via: str = ""  # for community evidence: the role or topic id it came through


@dataclass(frozen=True)
class Context:
    """What the conversation already knows (kept by the bot layer per user and conversation)."""

    roles: tuple[str, ...] = ()
    last_communities: tuple[str, ...] = ()
    fallbacks: int = 0  # how many answers in a row just before this one fell back


@dataclass(frozen=True)
class Reason:
    """Why a community matched, as values the answer writes in the user's language (the text
    ``reason.<kind>``): ``kind`` role, topic, description, mentioned, model, told_role or
    subteam_of; ``said`` the user's words; ``about`` the role, topic or Team it names."""

    kind: str
    said: str = ""
    about: str = ""


@dataclass(frozen=True)
class Match:
    community_id: str
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Refusal:
    """A community the user named or fits, but may not join (an eligibility rule on it or on
    its parent Team)."""

    community_id: str
    role_id: str


@dataclass(frozen=True)
class Understanding:
    text: str
    intent: Intent
    matches: tuple[Match, ...] = ()
    roles: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    refusals: tuple[Refusal, ...] = ()
    faq_id: str | None = None
    faq_score: float = 0.0
    working_groups: tuple[str, ...] = ()
    cues: frozenset[str] = frozenset()
    contact_id: str | None = None
    corrections: tuple[tuple[str, str], ...] = ()
    follow_up: bool = False  # the answer continues from the previous turn's communities
    offer_person: bool = False  # fell back again: offer to reach a person at Interact
    language: str = "en"  # en, de, fr, it, es, or other (bot.core.language)
    source: str = "rules"  # what decided: rules, model, or both (they agreed)
    model_label: str = ""  # the model's best label and its probability (empty without a model)
    model_confidence: float = 0.0
    also: tuple[Understanding, ...] = ()  # a second question in the same message
    only_small_talk: bool = False  # nothing but small-talk phrases ("ok, thanks a lot!")
    question: bool = False  # opens with a question word ("who", "how", "wo", "qui" ...)
    support_request: bool = False  # a contact verb, then a support target ("email the helpdesk")
    # a question with a contact verb or a support target ("how do I reach support?")
    contact_question: bool = False
    # the Teams of several functions listed as a mix ("management, finance, communication"):
    # none of them decides
    mixed: tuple[str, ...] = ()
    # the communities of the bodies and roles named as what the user audits or checks ("we audit
    # the managing authority and the controllers"): context, never the user's own
    examined: tuple[str, ...] = ()
    # the private sub-teams a user who cannot see one named ("I can't see the Core Group
    # channel"): the answer says which parent Team each needs first
    named_subteams: tuple[str, ...] = ()
    # the FAQ the model leans to, not surely enough to answer it, when the bot falls back: the
    # fallback offers it as a choice (one click instead of rewording)
    suggested_faq: str | None = None
    # a role named right after words with which the user speaks of themselves or says in which
    # capacity they act ("I'm a controller", "als Prüferin"): the user's own, not whom a question
    # is about ("how do I report travel costs to the controller?")
    own_role: bool = False


@dataclass
class _Evidence:
    score: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    qualifier: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    qualifier_phrases: defaultdict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    strong: defaultdict[str, list[Reason]] = field(default_factory=lambda: defaultdict(list))
    weak: defaultdict[str, list[Reason]] = field(default_factory=lambda: defaultdict(list))
    first_seen: dict[str, int] = field(default_factory=dict)
    # the communities each phrase (by its position) gave evidence to, and how much
    at: defaultdict[int, list[tuple[str, float]]] = field(default_factory=lambda: defaultdict(list))

    def add(
        self, cid: str, weight: float, reason: Reason, position: int, *, qualifier: bool
    ) -> None:
        if qualifier:
            if position not in self.qualifier_phrases[cid]:  # one phrase qualifies once
                self.qualifier[cid] += weight
                self.qualifier_phrases[cid].add(position)
        else:
            self.score[cid] += weight
            self.at[position].append((cid, weight))
        reasons = (self.weak if weight <= W_WORD else self.strong)[cid]
        if reason not in reasons:
            reasons.append(reason)
        self.first_seen.setdefault(cid, position)

    def reasons(self, cid: str) -> list[Reason]:
        """Why it matched; a word of the description is named only when nothing else is."""
        return list(self.strong.get(cid) or self.weak.get(cid) or ())


class Understander:
    """Indexes a catalogue once; ``understand`` is then a pure function of the message."""

    def __init__(
        self,
        catalogue: Catalogue,
        model: TextModel | None = None,
        languages: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.model = model
        self._tokenizer = catalogue.tokenizer  # how a message's words are read
        self.languages = dict(languages or {})
        self._families = families(catalogue)
        self._index: dict[tuple[str, ...], list[Sense]] = defaultdict(list)
        # contact verbs, support targets, question words (found apart from the phrases above)
        self._pair: dict[tuple[str, ...], str] = {}
        # words with which users say they provide a service ("I run", "gestisco"; found apart
        # from the phrases above, so that "I" stays a word of the user's own)
        # phrases found on their own, without taking words from other phrases (intents.yaml:
        # serves, the services a user provides; joining, words of becoming a member, so
        # that "join" stays a word of the joining FAQ's subject for the model)
        self._apart: dict[str, set[tuple[str, ...]]] = {kind: set() for kind in APART_CUES}
        # cue phrases with a gap, by their first word: their parts in order, and the cue kind
        self._gapped: defaultdict[str, list[tuple[tuple[tuple[str, ...], ...], str]]] = defaultdict(
            list
        )
        # phrases that are concepts of the model only (a FAQ's subject, telling one's work):
        # found wherever they stand, overlapping others, never taking words from the rules' phrases
        self._concept_phrases: defaultdict[tuple[str, ...], set[str]] = defaultdict(set)
        # the FAQs of eligibility rules: given by the rule only, never matched by their words
        self._rule_faqs = frozenset(rule.faq for rule in catalogue.eligibility if rule.faq)
        self._clauses = _clause_pattern(catalogue)
        # the words that join two questions ("and", "und", "e"): a clause may open with them
        self._and_words = frozenset(_single_words(catalogue.words("clause_and"), self._tokenizer))
        # words that join the items of a list, the articles that may stand with them, and the
        # German endings that join a compound's parts with an "s" (intents.yaml)
        self._joiners = frozenset(_single_words(catalogue.words("list_joiners"), self._tokenizer))
        self._articles = frozenset(_single_words(catalogue.words("list_articles"), self._tokenizer))
        self._linked = _single_words(catalogue.words("compound_links"), self._tokenizer)
        # the words that say a community is meant ("team", "channel"), not a programme
        self._community_words = frozenset(
            _single_words(catalogue.words("community_words"), self._tokenizer)
        )
        self._build_index()
        # the words of topics that point at several communities (employers): no function
        self._choice_words = frozenset(
            w
            for t in catalogue.topics
            if len(t.communities) > 1
            for term in t.terms
            for w in self._tokenizer.tokens(term)
        )
        # ... and their terms as said: an employer's name ("managing authority", "JS")
        self._choice_terms = frozenset(
            self._tokenizer.tokens(term)
            for t in catalogue.topics
            if len(t.communities) > 1
            for term in t.terms
        )
        # the terms of the areas, per sub-team they qualify (vocabulary.yaml: area; "POCTEP"
        # for South West Europe, whose sub-team is for financial matters)
        area_terms: defaultdict[str, set[tuple[str, ...]]] = defaultdict(set)
        for t in catalogue.topics:
            for cid in t.qualifies if t.area else ():
                area_terms[cid].update(self._tokenizer.tokens(term) for term in t.terms)
        self._area_terms = {cid: frozenset(terms) for cid, terms in area_terms.items()}
        self._build_faq_index()
        # the communities the roles point at first: a role term or one of their keywords names
        # a function ("finance", "communication")
        self._functions = frozenset(r.communities[0] for r in catalogue.roles if r.communities)
        self._role_ids = frozenset(r.id for r in catalogue.roles)
        # the roles and topics whose words can name what someone audits or checks, and the
        # communities of those roles (vocabulary.yaml: examined)
        self._examinable_ids = frozenset(
            [r.id for r in catalogue.roles if r.examined]
            + [t.id for t in catalogue.topics if t.examined]
        )
        # the communities of each role and topic, by kind and id
        self._lexicon_communities = {("role", r.id): r.communities for r in catalogue.roles} | {
            ("topic", t.id): t.communities for t in catalogue.topics
        }
        self._examinable_communities = frozenset(
            r.communities[0] for r in catalogue.roles if r.examined and r.communities
        )
        # the words of the phrases that ask for the list ("list", "all", "teams", "overview")
        self._list_words = frozenset(
            w
            for kind, phrases in catalogue.intent_phrases
            if kind in ("list", "list_patterns")
            for p in phrases
            for w in self._tokenizer.tokens(p.replace(GAP, " "))
        )
        self._invisible_faqs = self._faqs_about_visibility()
        self._contact_faqs = self._faqs_naming_contacts()
        gaps = (parts for found in self._gapped.values() for parts, _ in found)
        gapped = {w for parts in gaps for part in parts for w in part}
        common = {w for phr in self._faq_phrasings for w in phr[1]} | self._tokenizer.function_words
        common |= {w for key in self._pair for w in key} | gapped
        common |= {w for key in self._apart["serves"] for w in key}
        plain = common | {w for key in (*self._index, *self._concept_phrases) for w in key}
        self._index_forms(common.union(*self.languages.values()))
        self._max_len = max(len(k) for k in self._index)
        # the words of the index with the generated forms; a typo is corrected to a word of
        # ``plain`` only ("auditorium" is no form of "auditor")
        self._words = frozenset(plain | {w for key in self._index for w in key})
        self._parts = self._compound_parts(self._words)
        self._reads: dict[tuple[str, bool], tuple[str, ...]] = {}
        by_letter: defaultdict[str, list[str]] = defaultdict(list)
        for w in sorted(plain):
            if len(w) >= 4 and w.isalpha():
                by_letter[w[0]].append(w)
        self._by_letter = {k: tuple(v) for k, v in by_letter.items()}
        self._corrections: dict[str, str | None] = {}
        self._nears: dict[tuple[str, bool], tuple[tuple[str, int], ...]] = {}

    # ------------------------------------------------------------------ index

    def _add(self, phrase: str, sense: Sense) -> None:
        key = self._tokenizer.tokens(phrase)
        if key and sense not in self._index[key]:
            self._index[key].append(sense)

    def _build_index(self) -> None:
        self._index_communities()
        self._index_vocabulary()
        self._index_phrases()
        self._index_subjects()
        self._index_distinctive_words()

    def _index_communities(self) -> None:
        for c in self.catalogue.communities:
            self._add(c.name, Sense("community", c.id, W_NAME))
            for kw in c.keywords:
                self._add(kw, Sense("community", c.id, W_KEYWORD))
            for q in c.qualifiers:
                self._add(q, Sense("qualifier", c.id, W_QUALIFIER))

    def _index_vocabulary(self) -> None:
        for role in self.catalogue.roles:
            for term in role.terms:
                self._add(term, Sense("role", role.id))
                for i, cid in enumerate(role.communities):
                    weight = W_ROLE if i == 0 else W_ROLE_OTHER
                    self._add(term, Sense("community", cid, weight, via=role.id))
        for topic in self.catalogue.topics:
            alone = len(topic.communities) == 1  # several: choices to ask back, no evidence
            for term in topic.terms:
                self._add(term, Sense("topic", topic.id))
                for cid in topic.communities if alone else ():
                    self._add(term, Sense("community", cid, W_TOPIC, via=topic.id))
                for cid in topic.qualifies:
                    self._add(term, Sense("qualifier", cid, W_QUALIFIER, via=topic.id))

    def _index_phrases(self) -> None:
        """Working groups, the intents' cue phrases and the escalation routes."""
        cat = self.catalogue
        for wg in cat.working_groups:
            for phrase in (wg.name, wg.nickname, *wg.keywords):
                if phrase:
                    self._add(phrase, Sense("working_group", wg.id))
        for kind, phrases in cat.intent_phrases:
            for phrase in phrases:
                parts = tuple(self._tokenizer.tokens(p) for p in phrase.split(GAP))
                if len(parts) > 1 and all(parts) and kind not in PERSON_PAIR_KINDS:
                    self._gapped[parts[0][0]].append((parts, kind))
                elif kind in PERSON_PAIR_KINDS:
                    self._pair[self._tokenizer.tokens(phrase)] = kind
                elif kind in CONCEPT_CUES:
                    self._concept_phrases[self._tokenizer.tokens(phrase)].add(f"cue:{kind}")
                elif kind in APART_CUES:
                    self._apart[kind].add(self._tokenizer.tokens(phrase))
                else:
                    self._add(phrase, Sense("cue", kind))
        for route in cat.escalation.routes:
            for phrase in route.phrases:
                self._add(phrase, Sense("route", route.contact))

    def _index_subjects(self) -> None:
        """The FAQs' subjects: concepts of the model only (the rules match FAQs by questions)."""
        for faq in self.catalogue.faqs:
            for phrase in faq.subject:
                self._concept_phrases[self._tokenizer.tokens(phrase)].add(f"subject:{faq.id}")

    def _phrase_concepts(self, toks: tuple[str, ...]) -> set[str]:
        """The concepts of ``_concept_phrases`` found in ``toks``, wherever they stand."""
        found: set[str] = set()
        longest = max(map(len, self._concept_phrases), default=0)
        for i in range(len(toks)):
            for n in range(1, min(longest, len(toks) - i) + 1):
                found.update(self._concept_phrases.get(toks[i : i + n], ()))
        return found

    def _index_distinctive_words(self) -> None:
        """Distinctive single words of names and "who should join" texts: weak evidence (after
        every phrase: a word that already is a phrase keeps its meaning)."""
        doc_words: dict[str, set[str]] = {}
        for c in self.catalogue.communities:
            who = _PARENTHESES.sub(" ", c.who_should_join)  # "(not open for ...)" is no evidence
            doc_words[c.id] = {
                w
                for w in self._tokenizer.tokens(f"{c.name} {who}")
                if w not in self._tokenizer.function_words
            }
        df: defaultdict[str, int] = defaultdict(int)
        for words in doc_words.values():
            for w in words:
                df[w] += 1
        meaningful = set(self._index)
        for cid, words in doc_words.items():
            for w in words:
                if df[w] <= 2 and len(w) > 2 and not w.isdigit() and (w,) not in meaningful:
                    self._add(w, Sense("community", cid, W_WORD))

    def _index_forms(self, common: set[str]) -> None:
        """The feminine and plural forms of the lexicon's words mean what the words mean
        ("auditrice", "controllori", "Prüferinnen", "responsabili della comunicazione"): each
        form of a phrase's word makes a phrase of its own, unless that phrase is already in the
        index, or, for a one-word phrase, the form is a common word of its own (``common``)."""
        forms: dict[tuple[str, ...], list[Sense]] = {}
        for key, senses in self._index.items():
            meant = [s for s in senses if s.kind in _FORM_KINDS and s.weight != W_WORD]
            if not meant:
                continue
            for i, word in enumerate(key):
                for form in word_forms(word):
                    if len(key) == 1 and form in common:
                        continue
                    variant = (*key[:i], form, *key[i + 1 :])
                    if variant not in self._index:
                        forms.setdefault(variant, []).extend(
                            s for s in meant if s not in forms.get(variant, ())
                        )
        self._index.update(forms)

    def _compound_parts(self, known: Iterable[str]) -> dict[str, str]:
        """The words a compound or run-together word may be made of, as written -> as the
        lexicon has them: the lexicon's own words and, for German compounds, their stems
        ("finanz" in "Finanzabteilung" from "Finanzen", "kontroll" from "Kontrolle")."""
        # in sorted order: which of two words a shortened part stands for ("projekt" from
        # "projekte" or "projekten") must not depend on the order of a set (string hashing)
        parts = {
            w: w
            for w in sorted(known)
            if len(w) >= 3 and w.isalpha() and w not in self._tokenizer.function_words
        }
        for w in list(parts):
            for ending in ("en", "e"):
                short = w[: -len(ending)]
                if w.endswith(ending) and len(short) >= PART_MIN:
                    parts.setdefault(short, w)
        return parts

    def _build_faq_index(self) -> None:
        phrasings: list[tuple[str, frozenset[str]]] = []
        df: defaultdict[str, int] = defaultdict(int)
        for faq in self.catalogue.faqs:
            if faq.id in self._rule_faqs:
                continue
            words_of_faq: set[str] = set()
            for q in faq.questions:
                content = frozenset(self._content_words(q))
                if content:
                    phrasings.append((faq.id, content))
                    words_of_faq |= content
            for w in words_of_faq:
                df[w] += 1
        n = max(sum(f.id not in self._rule_faqs for f in self.catalogue.faqs), 1)
        self._idf = {w: math.log(1 + n / d) for w, d in df.items()}
        self._idf_unknown = math.log(1 + n)
        self._faq_phrasings = tuple(phrasings)

    def _faqs_about_visibility(self) -> dict[str, int]:
        """The FAQs with a phrasing that says a community cannot be seen, or names sub-teams or
        channels (an "invisible" or "subteams" phrase of intents.yaml): the ones that answer "I
        can't see the X channel", with how many of their phrasings say so."""
        keys = {
            self._tokenizer.tokens(p)
            for kind, phrases in self.catalogue.intent_phrases
            if kind in ("invisible", "subteams")
            for p in phrases
        }
        longest = max((len(k) for k in keys), default=0)
        out: defaultdict[str, int] = defaultdict(int)
        for faq in self.catalogue.faqs:
            for q in faq.questions:
                toks = self._tokenizer.tokens(q)
                spans = (
                    toks[i : i + n] for n in range(1, longest + 1) for i in range(len(toks) - n + 1)
                )
                if any(span in keys for span in spans):
                    out[faq.id] += 1
        return dict(out)

    def _faqs_naming_contacts(self) -> dict[str, str]:
        """For each contact, the FAQ whose first link is that contact (the one that answers
        "whom do I write to about ...?" with it)."""
        contacts = {c.id for c in self.catalogue.contacts}
        out: dict[str, str] = {}
        for faq in self.catalogue.faqs:
            if faq.links and faq.links[0] in contacts:
                out.setdefault(faq.links[0], faq.id)
        return out

    # ------------------------------------------------------------------ steps

    def correct(self, token: str) -> str:
        """The catalogue word a typo most likely meant, or the token itself."""
        if token in self._words or len(token) < 4 or not token.isalpha():
            return token
        if token in self._corrections:
            return self._corrections[token] or token
        # a letter typed twice: "jemss" is Jems, and so is "jemms" (read "jemm": its last "s"
        # was taken for a plural's)
        for single in (_DOUBLED.sub(r"\1", token), _DOUBLED.sub(r"\1", token + "s")):
            if (
                single not in (token, token + "s")
                and len(single) >= PART_MIN
                and single in self._words
            ):
                return single
        candidates = self._typo_candidates(token, 1 if len(token) < 8 else 2)
        # Nearest first; among equals, a word that is a phrase of its own, then the closest length.
        best = min(
            candidates,
            key=lambda c: (c[1], (c[0],) not in self._index, abs(len(c[0]) - len(token)), c[0]),
            default=None,
        )
        found = best[0] if best else None
        if len(self._corrections) < 50_000:
            self._corrections[token] = found
        return found or token

    def _typo_candidates(self, token: str, max_dist: int) -> list[tuple[str, int, int]]:
        """The lexicon's words at most ``max_dist`` edits from ``token`` (with their distance),
        of the same letters only for a short token: "jmes" -> "jems", but never "stock" ->
        "stuck"."""
        candidates = process.extract(
            token,
            self._by_letter.get(token[0], ()),
            scorer=OSA.distance,
            score_cutoff=max_dist,
            limit=None,
        )
        if len(token) < 6:
            return [c for c in candidates if sorted(c[0]) == sorted(token)]
        return candidates

    def read(self, token: str, *, compounds: bool = False) -> tuple[str, ...]:
        """The lexicon's word or words for one token: the token when known, the word a typo
        meant, or the words a run-together word or compound is made of ("controllersnetwork" ->
        controller network). ``compounds`` (German): one part may be unknown, if another is a
        role or topic of the lexicon ("Projektkontrolleurin" -> projekt kontrolleurin)."""
        if token in self._words or not PART_MIN <= len(token) <= WORD_MAX or not token.isalpha():
            return (token,)
        key = (token, compounds)
        found = self._reads.get(key)
        if found is None:
            corrected = self.correct(token)
            found = (corrected,) if corrected != token else self._split(token, compounds)
            if len(self._reads) < 50_000:
                self._reads[key] = found
        return found

    def _part(self, piece: str) -> str | None:
        return self._parts.get(piece) or self._parts.get(stem(piece))

    def _split(self, token: str, compounds: bool) -> tuple[str, ...]:
        """``token`` as the known words it is made of, fewest first; German compounds may join
        their parts with an "s" ("Kommunikations|team"). The token itself when it is none."""
        n = len(token)
        # best[i]: the fewest known parts that make up token[i:], or None
        best: list[tuple[str, ...] | None] = [None] * (n + 1)
        best[n] = ()
        for i in range(n - PART_MIN, -1, -1):
            for j in range(i + PART_MIN, n + 1):
                word = self._part(token[i:j])
                if word is None:
                    continue
                linked = compounds and token[j : j + 1] == "s" and token[:j].endswith(self._linked)
                for k in (j, j + 1) if linked else (j,):
                    tail = best[k]
                    current = best[i]
                    if tail is not None and (current is None or len(tail) + 1 < len(current)):
                        best[i] = (word, *tail)
        whole = best[0]
        if whole is not None and len(whole) > 1:
            return whole
        if compounds:
            return self._split_partly(token) or (token,)
        return (token,)

    def _split_partly(self, token: str) -> tuple[str, ...] | None:
        """A German compound with one unknown part before or after a role or topic of the
        lexicon: "Projekt|kontrolleurin", "Finanz|abteilung" (longest known part first)."""
        n = len(token)
        for length in range(n - PART_MIN, PART_MIN - 1, -1):
            for head in (True, False):
                known = token[:length] if head else token[n - length :]
                rest = token[length:] if head else token[: n - length]
                if head and rest.startswith("s") and known.endswith(self._linked):
                    rest = rest[1:]
                word = self._part(known)
                if word and self._meaningful(word):
                    return (word, stem(rest)) if head else (stem(rest), word)
        return None

    def _listed(self, between: tuple[str, ...]) -> bool:
        """Whether the words between two bodies or roles list them: nothing, or a joining word
        with short words around it ("and of the", "et les", "e sui", "y a los", "und")."""
        return not between or (
            len(between) <= JOINED_WORDS
            and bool(set(between) & self._joiners)
            and all(w in self._joiners or len(w) <= 4 for w in between)
        )

    def _joins(self, between: tuple[str, ...]) -> bool:
        """Whether the words between two items join them as a list: a joining word, perhaps
        with articles ("and", "et des", "e della"), or nothing (a comma, a colon)."""
        words = set(between)
        return not between or (
            len(between) <= JOINED_WORDS
            and bool(words & self._joiners)
            and words <= self._joiners | self._articles
        )

    def _meaningful(self, word: str) -> bool:
        return any(s.kind in ("role", "topic") for s in self._index.get((word,), ()))

    def _examinable(self, sense: Sense) -> bool:
        """Whether a phrase's sense can name what someone audits or checks: a role or topic
        marked ``examined`` (vocabulary.yaml), the evidence it gives, or a keyword of such a
        role's community ("the finances"); never a community's own name nor a word of its
        description ("project" is no body anyone audits in "I review project applications")."""
        if sense.kind in ("role", "topic"):
            return sense.target in self._examinable_ids
        if sense.kind not in ("community", "qualifier"):
            return False
        if sense.via:
            return sense.via in self._examinable_ids
        return sense.weight == W_KEYWORD and sense.target in self._examinable_communities

    def _unexamined(self, senses: Iterable[Sense], examined: bool, out: list[str]) -> list[Sense]:
        """The senses of a phrase; of a phrase that names what the user audits or checks
        (``examined``), none that can (``_examinable``): their communities are added to
        ``out`` instead."""
        if not examined:
            return list(senses)
        kept = []
        for sense in senses:
            if not self._examinable(sense):
                kept.append(sense)
            elif sense.kind in ("community", "qualifier"):
                out.append(sense.target)
            else:
                out.extend(self._lexicon_communities.get((sense.kind, sense.target), ()))
        return kept

    def _examined(
        self, segments: list[tuple[int, tuple[str, ...]]], toks: tuple[str, ...]
    ) -> frozenset[int]:
        """The positions of the words that name what an act of auditing or checking examines
        (intents.yaml: examines): the first examinable phrase at most ``OBJECT_GAP`` words after
        the act, and those listed with it ("we do system audits of the managing authority and
        of the controllers", "ich schaue, ob Verwaltungsbehörde und Prüfstellen ordentlich
        arbeiten", "je vérifie les demandes de paiement des bénéficiaires"); someone's work
        named after an act (intents.yaml: examined_work) is part of the act, however far on
        ("verifico ogni anno a campione il lavoro dei controllori"). What is audited or checked
        is context: the doer of the audit or the check is the user."""
        acts: set[int] = set()
        for position, key in segments:
            if any(s.kind == "cue" and s.target == "examines" for s in self._index[key]):
                acts.update(range(position, position + len(key)))
        gapped = (g for word in set(toks) & set(self._gapped) for g in self._gapped[word])
        for parts, kind in gapped:
            at = _in_order(toks, parts) if kind == "examines" else None
            acts.update(at or ())
        if not acts:
            return frozenset()
        for position, key in segments:
            # "I verify, on a sample basis, the work of the controllers": someone's work after
            # an act is part of it, however far on
            if position > min(acts) and any(
                s.kind == "cue" and s.target == "examined_work" for s in self._index[key]
            ):
                acts.update(range(position, position + len(key)))
        capacity = {
            position + len(key) - 1
            for position, key in segments
            if any(s.kind == "cue" and s.target == "capacity" for s in self._index[key])
        }
        objects = [
            (position, position + len(key))
            for position, key in segments
            if any(self._examinable(s) for s in self._index[key])
        ]
        out: set[int] = set()
        for end in sorted(i + 1 for i in acts if i + 1 not in acts):
            last: int | None = None
            for start, stop in objects:
                if start < end or start in acts:
                    continue
                if start - 1 in capacity or (last is None and start - end > OBJECT_GAP):
                    break  # "ich prüfe als FLC die Belege": the user's own role, and what follows
                if last is not None and not self._listed(toks[last:start]):
                    break
                out.update(range(start, stop))
                last = stop
        return frozenset(out)

    def _served(self, toks: tuple[str, ...]) -> frozenset[int]:
        """The positions at most ``SERVICE_GAP`` words after the words of a service the user
        provides (intents.yaml: serves): a request for a person or support there is the user's
        own work ("I run the helpdesk for applicants", "fornisco supporto ai beneficiari")."""
        out: set[int] = set()
        for i, n in _longest_phrases(toks, self._apart["serves"]):
            out.update(range(i + n, i + n + SERVICE_GAP + 1))
        return frozenset(out)

    def _settled_cues(
        self,
        toks: tuple[str, ...],
        cues: set[str],
        cue_spans: defaultdict[str, set[int]],
        role_spans: list[tuple[int, int]],
    ) -> set[str]:
        """The cues of the phrases found, with the gapped phrases' ones (their words are added
        to ``cue_spans``); "channels" next to a role term are someone's own (no sub-teams); a page
        that loads empty and an account or a request left waiting are problems; a list pattern
        asks for the list; words of joining are found apart (``APART_CUES``)."""
        out = cues | self._gapped_cues(toks, cue_spans)
        if next(_longest_phrases(toks, self._apart["joining"]), None):
            out.add("joining")
        if _own_channels(cue_spans["subteams"], role_spans):
            out.discard("subteams")
        if not _own_role(role_spans, cue_spans["capacity"]):
            # "open to auditors as well?": no role after the capacity word, no capacity
            out.discard("capacity")
        if out & {"empty", "account_request"}:
            out.add("problem")
        if "identity" in out and _within(cue_spans["person"], cue_spans["identity"]):
            out.discard("person")  # "are you a human?" asks what the bot is, not for a person
        if "list_patterns" in out:
            out.add("list")
        return out

    def _gapped_cues(
        self, toks: tuple[str, ...], cue_spans: defaultdict[str, set[int]]
    ) -> set[str]:
        """The kinds of the cue phrases with a gap found in ``toks`` ("sehe ... nicht"); the
        positions of their words are added to ``cue_spans``."""
        firsts = set(toks).intersection(self._gapped)
        found: set[str] = set()
        for parts, kind in (g for word in firsts for g in self._gapped[word]):
            at = _in_order(toks, parts)
            if at is not None:
                found.add(kind)
                cue_spans[kind].update(at)
        return found

    def _contact_words(
        self, toks: tuple[str, ...], ignored: set[int], starts: frozenset[int] = frozenset({0})
    ) -> tuple[bool, bool, bool, bool]:
        """Whether the message opens with a question word; whether it asks to reach support:
        a contact verb followed by a support target ("email the helpdesk", "I'd like to write to
        the support team") in a message that is no question ("where do I email the helpdesk?"
        asks for an address, not for a person); whether it is a question with a contact verb
        or a support target in it ("how do I reach support?", "whom do I write to?"); and
        whether a later clause (one of the ``starts``, token positions after a comma or a
        colon) opens with a question word followed by a contact verb or a support target ("I
        have a general question, whom do I write to?"). Words at the ``ignored`` positions are
        none of these."""
        longest = max(map(len, self._pair), default=0)
        found: defaultdict[str, list[int]] = defaultdict(list)
        for i in range(len(toks)):
            for n in range(1, longest + 1):
                kind = self._pair.get(toks[i : i + n])
                if kind and ignored.isdisjoint(range(i, i + n)):
                    found[kind].append(i)
        question = any(i < QUESTION_OPENING for i in found["question_words"])
        verbs, targets = found["contact_verbs"], found["support_targets"]
        asked = [
            i for i in found["question_words"] if any(0 <= i - s < QUESTION_OPENING for s in starts)
        ]
        clause = any(c >= i for i in asked for c in (*verbs, *targets))
        request = not (question or clause) and any(v < t for v in verbs for t in targets)
        return question, request, question and bool(verbs or targets), clause

    def _segment(self, toks: tuple[str, ...]) -> list[tuple[int, tuple[str, ...]]]:
        """Longest phrases of the index found in ``toks``, left to right, not overlapping."""
        out = []
        i, n = 0, len(toks)
        while i < n:
            for length in range(min(self._max_len, n - i), 0, -1):
                key = toks[i : i + length]
                if key in self._index:
                    out.append((i, key))
                    i += length
                    break
            else:
                i += 1
        return out

    def faq_scores(self, content: Iterable[str]) -> dict[str, float]:
        """Best IDF-weighted F1 overlap of the message's content words with each FAQ."""
        msg = frozenset(content)
        if not msg:
            return {}
        weight = self._idf.get
        unknown = self._idf_unknown
        msg_weight = sum(weight(w, unknown) for w in msg)
        best: dict[str, float] = {}
        for faq_id, phrasing in self._faq_phrasings:
            common = msg & phrasing
            if not common:
                continue
            w_common = sum(weight(w, unknown) for w in common)
            precision = w_common / msg_weight
            recall = w_common / sum(weight(w, unknown) for w in phrasing)
            f1 = 2 * precision * recall / (precision + recall)
            if f1 > best.get(faq_id, 0.0):
                best[faq_id] = f1
        return best

    # ------------------------------------------------------------------ the whole

    def understand(self, text: str, context: Context | None = None) -> Understanding:
        """What one message means; a message that asks different things ("which team for
        auditors, and how do I register?", "I'm an auditor. Which team is mine, and how many
        teams are there?") gets them all, the first in the answer, the others in ``also``.

        The message is cut where another question may start (``_clause_pattern``) and each piece
        read (with the roles the pieces before it named); a piece that is no confident answer of
        its own (a question's fragment) and pieces of the same kind as the one before it join
        that one. With one kind, or a problem in it, the whole message is read (a turn's CPU: each
        reading costs the same)."""
        spans = self._pieces(text[:2_000])
        parts = [text[start:end] for start, end in spans]
        if len(parts) < 2:
            return self._understand(text, context)
        base = context or Context()
        readings: list[Understanding] = []
        roles = base.roles
        for part in parts:
            reading = self._understand(part, replace(base, roles=roles))
            roles = tuple(dict.fromkeys((*roles, *reading.roles)))
            readings.append(reading)
        groups = self._questions(parts, readings)
        kinds = [kind for kind, _ in groups]
        if len(groups) < 2:
            whole = self._understand(text, context)
            return replace(whole, also=self._contact_after(whole, readings))
        if str(Intent.ESCALATE) in kinds and not self._asks_for_a_team(parts, readings, groups):
            whole = self._understand(text, context)
            if whole.intent == Intent.ESCALATE:
                # "I registered last week and my account is still not approved": the problem is
                # the message, the other part its story (no question about registering)
                return whole
        answers: list[Understanding] = []
        roles = base.roles
        for _, members in groups:
            if len(members) == 1:
                answer = readings[members[0]]
            else:
                # the pieces as written, with what stood between them ("y, si tengo problemas
                # con la cuenta, a quién escribo?")
                joined = text[spans[members[0]][0] : spans[members[-1]][1]]
                answer = self._understand(joined, replace(base, roles=roles))
            roles = tuple(dict.fromkeys((*roles, *answer.roles)))
            answers.append(answer)
        return replace(answers[0], text=text, also=tuple(answers[1:]))

    def _pieces(self, text: str) -> list[tuple[int, int]]:
        """Where the pieces of ``text`` cut where another question may start
        (``_clause_pattern``) begin and end; pieces of fewer than two words are left out."""
        bounds = [0]
        for m in self._clauses.finditer(text):
            bounds += [m.start(), m.end()]
        bounds.append(len(text))
        spans = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]
        return [(a, b) for a, b in spans if len(self._tokenizer.tokens(text[a:b])) >= 2]

    def _questions(
        self, parts: list[str], readings: list[Understanding]
    ) -> list[tuple[str, list[int]]]:
        """The message's pieces grouped into its questions: (kind, indices of the pieces). A
        piece without a confident kind joins the question before it (the first question when it
        opens the message); a piece of the same kind as the question before it, too."""
        groups: list[tuple[str, list[int]]] = []
        leading: list[int] = []
        for i in range(len(parts)):
            kind = self._kind(readings[i])
            # "if my account is locked, whom do I write to?": one question, the problem's
            bare = (
                bool(groups)
                and self._bare_contact(readings[i])
                and self._asks_for_contact(groups[-1])
            )
            if kind is None or (groups and groups[-1][0] == kind) or bare:
                (groups[-1][1] if groups else leading).append(i)
            else:
                groups.append((kind, [*leading, i]))
                leading = []
        return groups

    def _bare_contact(self, u: Understanding) -> bool:
        """Whether ``u`` asks whom to write to and nothing more ("a quién escribo?")."""
        return self._asks_contact(u) and not self._beyond_contact_words(u.text)

    def _asks_for_contact(self, group: tuple[str, list[int]]) -> bool:
        """Whether a question (its kind) is a problem or asks for a contact's FAQ."""
        kind = group[0]
        contact_faqs = {f"{Intent.FAQ}:{faq}" for faq in self._contact_faqs.values()}
        return kind == str(Intent.ESCALATE) or kind in contact_faqs

    def _contact_after(
        self, whole: Understanding, readings: list[Understanding]
    ) -> tuple[Understanding, ...]:
        """The contact asked for after a team question that the whole message answers with a
        recommendation ("Cuido da comunicação, qual a equipa? E para dúvidas gerais, a quem
        escrevo?", whose first piece alone only asks back): the last piece that asks whom to
        write to, answered too. Empty when there is none or the message asks only that."""
        if whole.intent != Intent.RECOMMEND or len(readings) < 2:
            return whole.also
        asked = [r for r in readings[1:] if self._asks_contact(r) or r.intent == Intent.ESCALATE]
        return (*whole.also, asked[-1]) if asked else whole.also

    @staticmethod
    def _asks_for_a_team(
        parts: list[str], readings: list[Understanding], groups: list[tuple[str, list[int]]]
    ) -> bool:
        """Whether a question of the message other than its problem asks for a community ("I'm
        a controller, which team is mine? Also I can't log in"): the problem is a second
        question then, answered after the recommendation, not the whole message."""
        return any(
            kind == str(Intent.RECOMMEND)
            and any("join" in readings[i].cues or "?" in parts[i] for i in members)
            for kind, members in groups
        )

    def language(self, text: str) -> str:
        """The language of ``text``: en, de, fr, it, es or other (English without word lists)."""
        return detect(text, self.languages) if self.languages else "en"

    def _kind(self, u: Understanding) -> str | None:
        """The kind of a confident answer (None when it asks back, falls back or greets, or for
        a FAQ only a few of its words point at, which the model does not read there either: "I
        have a new employer" is no question about the new platform)."""
        if u.intent in (Intent.CLARIFY, Intent.FALLBACK, Intent.GREETING, Intent.HELP):
            return None
        if (
            u.intent == Intent.FAQ
            and u.source == "rules"
            and u.faq_score < FAQ_STRONG
            and not self._asks_contact(u)
        ):
            return None
        if u.intent == Intent.FAQ:
            return f"{u.intent}:{u.faq_id}"  # two FAQs asked at once are two questions
        return str(u.intent)

    def _asks_contact(self, u: Understanding) -> bool:
        """Whether ``u`` is the contact FAQ given to a question about whom to write to ("and
        whom do I write to about my account?"): a question of its own however few of the FAQ's
        words it has."""
        return u.contact_question and u.faq_id in self._contact_faqs.values()

    def _reading(self, text: str) -> tuple[str, tuple[str, ...], list[tuple[str, ...]]]:
        """The language of ``text``, its tokens, and each token as the lexicon's word or words
        (``read``)."""
        language = self.language(text)
        raw = self._tokenizer.tokens(text[:20_000])[:MAX_TOKENS]
        read = [self.read(t, compounds=language == "de") for t in raw]
        return language, raw, self._phrase_typos(raw, read)

    def _spoken(self, senses: list[Sense], key: tuple[str, ...], language: str) -> list[Sense]:
        """``senses`` less the first-person cue of a one-word phrase that is no common word of
        the message's language (languages.yaml): "i" speaks of oneself in English only (the
        Italian "i controllori" are the controllers, the Polish "i" is "and"), "ma" in French
        only (the Italian "ma" is "but"); in a language the bot does not detect (other), none
        does ("je" is the Czech "is")."""
        if len(key) > 1 or not self.languages:
            return senses
        if language != "other" and key[0] in self.languages.get(language, ()):
            return senses
        return [s for s in senses if (s.kind, s.target) != ("cue", "first_person")]

    def _phrase_typos(
        self, raw: tuple[str, ...], read: list[tuple[str, ...]]
    ) -> list[tuple[str, ...]]:
        """``read`` with two or three neighbouring words that have a typo among them read as
        the lexicon phrase they are nearest to together, where each word alone was corrected
        to another word or not at all ("comunicaton oficer" is a communication officer, though
        "comunicaton" alone is nearest to "comunicato"; "programe managment" is programme
        management, though "programe" is a word of its own). Only a phrase of the index counts,
        each word within the distance a typo of it may have (``correct``; a word known as
        typed, one letter), nearest in sum first."""
        out = list(read)
        i = 0
        while i < len(raw):
            step = 1
            for length in (3, 2):
                span = range(i, i + length)
                if i + length > len(raw) or any(len(out[j]) != 1 for j in span):
                    continue
                if tuple(out[j][0] for j in span) in self._index:
                    step = length
                    break
                if all(raw[j] in self._words for j in span):
                    continue
                phrase = self._nearest_phrase(raw[i : i + length])
                if phrase is not None:
                    for j, word in zip(span, phrase, strict=True):
                        out[j] = (word,)
                    step = length
                    break
            i += step
        return out

    def _nearest_phrase(self, tokens: tuple[str, ...]) -> tuple[str, ...] | None:
        """The phrase of the index nearest to ``tokens`` word by word (None when none is near)."""
        options = [
            ([(t, 0)] if t in self._words else []) + list(self._near(t, t in self._words))
            for t in tokens
        ]
        if not all(options):
            return None
        best: tuple[int, tuple[str, ...]] | None = None
        for combo in itertools.product(*(o[:PHRASE_CANDIDATES] for o in options)):
            words = tuple(w for w, _ in combo)
            cost = sum(d for _, d in combo)
            if cost and words in self._index and (best is None or cost < best[0]):
                best = (cost, words)
        return best[1] if best else None

    def _near(self, token: str, known: bool) -> tuple[tuple[str, int], ...]:
        """The lexicon's words a typo in ``token`` may have meant, with their distance, nearest
        first (within the distance ``correct`` allows; one letter for a word known as typed)."""
        key = (token, known)
        found = self._nears.get(key)
        if found is None:
            found = ()
            if len(token) >= PART_MIN and token.isalpha():
                candidates = self._typo_candidates(token, 1 if known or len(token) < 8 else 2)
                found = tuple(
                    sorted(((w, int(d)) for w, d, _ in candidates if w != token), key=_second)
                )
            if len(self._nears) < 50_000:
                self._nears[key] = found
        return found

    def concepts(self, text: str) -> frozenset[str]:
        """The lexicon's concepts found in ``text``, the same in every language the lexicon
        has words for: "role:<id>", "topic:<id>", "keyword:<community id>", "qualifier:<id>",
        "working_group:<id>", "cue:<kind>" (intents.yaml), "subject:<FAQ id>" (faq.yaml).
        Community names and the distinctive words of their descriptions are none (they are
        English, and exact facts the rules read), nor the escalation routes' words and the
        contact and question words ("team", "who": in most messages of every kind, counted eight
        times they flattened the model's confidence: "Comment m'inscrire ?" fell under the
        answer threshold). The
        model's features of a message are its n-grams and these (``bot.core.model.features``),
        in training and when serving alike."""
        language, _, read = self._reading(text)
        return self._concepts(tuple(w for parts in read for w in parts), language)

    def _content_words(self, text: str) -> tuple[str, ...]:
        """The tokens of ``text`` without the function words."""
        return self._tokenizer.content(self._tokenizer.tokens(text))

    def words(self, text: str) -> tuple[str, ...]:
        """The tokens of ``text`` as the lexicon's words: typos corrected, run-together words
        and German compounds split (``read``)."""
        _, _, read = self._reading(text)
        return tuple(w for parts in read for w in parts)

    def _concepts(self, toks: tuple[str, ...], language: str) -> frozenset[str]:
        out: set[str] = set()
        cues: set[str] = set()
        cue_spans: defaultdict[str, set[int]] = defaultdict(set)
        role_spans: list[tuple[int, int]] = []
        segments = self._segment(toks)
        examined = self._examined(segments, toks)
        served = self._served(toks)
        for position, key in segments:
            senses = self._spoken(self._index[key], key, language)
            for sense in _unrequested(senses, position in served):
                if position in examined and self._examinable(sense):
                    # what the user audits or checks: said as such, never as their role
                    if sense.kind in ("role", "topic"):
                        out.add(f"examined:{sense.target}")
                elif sense.kind == "cue":
                    cues.add(sense.target)
                    cue_spans[sense.target].update(range(position, position + len(key)))
                elif sense.kind == "community":
                    if sense.weight == W_KEYWORD and not sense.via:
                        out.add(f"keyword:{sense.target}")
                elif sense.kind != "route":
                    if sense.kind == "role":
                        role_spans.append((position, position + len(key)))
                    out.add(f"{sense.kind}:{sense.target}")
        settled = self._settled_cues(toks, cues, cue_spans, role_spans)
        out.update(f"cue:{c}" for c in settled if c not in _UNSEEN_CUES)
        return frozenset(out | self._phrase_concepts(toks))

    def lexicon_phrase(self, text: str) -> tuple[str, ...] | None:
        """The lexicon phrase (as its words) that the whole of ``text`` reads as, typos
        corrected and forms and compounds read (``words``); None when it reads as none."""
        words = self.words(text)
        return words if words in self._index else None

    def features(self, text: str) -> list[int]:
        """The model's features of ``text``: its n-grams and its ``concepts``."""
        return features(text, self.concepts(text))

    def _understand(self, text: str, context: Context | None = None) -> Understanding:
        context = context or Context()
        language, raw, read = self._reading(text)
        typed_words = self._tokenizer.typed(text[:20_000])[:MAX_TOKENS]
        toks = tuple(w for parts in read for w in parts)
        words = tuple(said for said, parts in zip(typed_words, read, strict=True) for _ in parts)
        corrections = tuple(
            (a, " ".join(parts)) for a, parts in zip(raw, read, strict=True) if parts != (a,)
        )

        evidence = _Evidence()
        roles: list[str] = []
        topics: list[str] = []
        working_groups: list[str] = []
        cues: set[str] = set()
        routes: list[str] = []
        verb_routes: list[str] = []
        role_spans: list[tuple[int, int]] = []  # where role terms stand (start, end)
        wg_span: set[int] = set()
        cue_spans: defaultdict[str, set[int]] = defaultdict(set)  # the words of each cue kind
        segments = self._segment(toks)
        examined_at = self._examined(segments, toks)
        examined: list[str] = []
        served = self._served(toks)
        for position, key in segments:
            said = typed_span(words, position, len(key))
            spoken = self._spoken(self._index[key], key, language)
            senses = _undenied(spoken, position - 1 in cue_spans["negation"])
            senses = _unrequested(senses, position in served)
            for sense in self._unexamined(senses, position in examined_at, examined):
                if sense.kind in ("community", "qualifier"):
                    evidence.add(
                        sense.target,
                        sense.weight,
                        self._reason(sense, said),
                        position,
                        qualifier=sense.kind == "qualifier",
                    )
                elif sense.kind == "role":
                    role_spans.append((position, position + len(key)))
                    if sense.target not in roles:
                        roles.append(sense.target)
                elif sense.kind == "topic" and sense.target not in topics:
                    topics.append(sense.target)
                elif sense.kind == "working_group":
                    wg_span.update(range(position, position + len(key)))
                    if sense.target not in working_groups:
                        working_groups.append(sense.target)
                elif sense.kind == "cue":
                    cues.add(sense.target)
                    cue_spans[sense.target].update(range(position, position + len(key)))
                elif sense.kind == "route":
                    (verb_routes if key in self._pair else routes).append(sense.target)
        # a route phrase that is the contact verb ("email") says less about whom than the rest
        routes += verb_routes
        cues = self._settled_cues(toks, cues, cue_spans, role_spans)
        # "change the e-mail of my account": the e-mail is what changes, no contact verb
        question, support_request, contact_question, clause_contact = self._contact_words(
            toks,
            cue_spans["account_request"],
            _clause_starts(text, read, self._tokenizer, self._and_words),
        )
        # whom to write to, asked after the story of the question ("I have a general question
        # about the communities, whom do I write to?"); a problem told first is escalated
        contact_question = contact_question or (clause_contact and "problem" not in cues)

        known_roles = tuple(dict.fromkeys((*roles, *context.roles)))
        matches, refusals = self._rank(evidence, known_roles)
        own_role = _own_role(role_spans, cue_spans["first_person"] | cue_spans["capacity"])
        faq = self.faq_scores(self._tokenizer.content(toks))
        faq_id, faq_score = max(faq.items(), key=lambda kv: kv[1], default=(None, 0.0))

        base = Understanding(
            text=text,
            intent=Intent.FALLBACK,
            matches=matches,
            roles=tuple(roles),
            topics=tuple(topics),
            refusals=refusals,
            faq_id=faq_id,
            faq_score=round(faq_score, 3),
            working_groups=tuple(working_groups),
            cues=frozenset(cues),
            corrections=corrections,
            only_small_talk=_only(
                toks,
                set().union(*(cue_spans[k] for k in SMALL_TALK)),
                self._tokenizer.function_words,
            ),
            question=question,
            support_request=support_request,
            contact_question=contact_question,
            language=language,
            examined=tuple(dict.fromkeys(examined)),
            own_role=own_role,
        )
        spans = {
            "working_groups": frozenset(wg_span | cue_spans["working_groups"]),
            "cues": frozenset(set().union(*cue_spans.values())),
        }
        ruled = self._decide(base, faq, toks, spans, routes, context, known_roles)
        mixed = self._mix(segments, toks, known_roles, examined_at)
        ruled = self._settle_mix(ruled, evidence, mixed)
        if self.model is None or not (toks or _LETTER.search(text)):
            return ruled
        prediction = self.model.predict(text, self._concepts(toks, language))
        return _suggest(self._combine(ruled, prediction, routes, known_roles))

    def command(self, text: str) -> str | None:
        """ "cancel", "help", "forget_me" ... (``COMMANDS``) when the whole message is that
        command (interrupts any dialog)."""
        toks = tuple(self.correct(t) for t in self._tokenizer.tokens(text[:200]))
        content = tuple(t for t in toks if t not in self._tokenizer.function_words) or toks
        for key in (toks, content):
            for sense in self._index.get(key, ()):
                if sense.kind == "cue" and sense.target in COMMANDS:
                    return sense.target
        if len(toks) > CONTAINED_WORDS:
            return None
        for start in range(len(toks)):
            for end in range(len(toks), start, -1):
                for sense in self._index.get(toks[start:end], ()):
                    if sense.kind == "cue" and sense.target in CONTAINED_COMMANDS:
                        return sense.target
        return None

    def _reason(self, sense: Sense, said: str) -> Reason:
        if sense.via:
            if any(r.id == sense.via for r in self.catalogue.roles):
                return Reason("role", said, sense.via)
            return Reason("topic", said, sense.via)
        if sense.weight == W_WORD:
            return Reason("description", said)
        return Reason("mentioned", said)

    def _rank(
        self, ev: _Evidence, roles: tuple[str, ...]
    ) -> tuple[tuple[Match, ...], tuple[Refusal, ...]]:
        cat = self.catalogue
        score = dict(ev.score)
        reasons = {cid: ev.reasons(cid) for cid in {*ev.strong, *ev.weak}}
        self._qualified_phrases(ev, score)
        # Qualifiers count only together with other evidence for the sub-team or its parent, or
        # when two different phrases qualify it and no other community alike ("transnational" +
        # "programme head"; "transnational" + "Alpine Space" qualify two sub-teams alike).
        phrases = {cid: frozenset(p) for cid, p in ev.qualifier_phrases.items()}
        alike = defaultdict(int, Counter(phrases.values()))
        for cid, q in ev.qualifier.items():
            parent = cat.community(cid).parent
            if (
                score.get(cid, 0.0) >= MIN_SCORE
                or (parent and score.get(parent, 0.0) >= MIN_SCORE)
                or (len(phrases[cid]) > 1 and alike[phrases[cid]] == 1)
            ):
                score[cid] = score.get(cid, 0.0) + q
        # A sub-team with evidence of its own carries its parent's evidence too.
        for sub in cat.subteams:
            own = score.get(sub.id, 0.0)
            parent_score = ev.score.get(sub.parent or "", 0.0)
            if own >= MIN_SCORE and parent_score > 0:
                score[sub.id] = own + parent_score
                reasons[sub.id] = reasons.get(sub.id, []) + reasons.get(sub.parent or "", [])
        for cid in ev.qualifier:
            reasons.setdefault(cid, [])
        # Eligibility: drop what the user's roles may not join; say why where they pointed at it.
        refusals: list[Refusal] = []
        for rule in cat.eligibility:
            blocked = next((r for r in roles if r in rule.not_open_to), None)
            if blocked is None:
                continue
            family = [rule.community, *(c.id for c in cat.children(rule.community))]
            named = {cid: score.pop(cid) for cid in family if cid in score}
            best = max(named, key=named.__getitem__, default=None)
            if best is not None and named[best] >= MIN_SCORE:
                refusals.append(Refusal(best, blocked))
        ranked = sorted(
            (cid for cid, s in score.items() if s >= MIN_SCORE),
            key=lambda cid: (-score[cid], ev.first_seen.get(cid, 0)),
        )
        # A parent is shown through its sub-team; do not list it twice.
        shown_parents = {cat.community(cid).parent for cid in ranked}
        ranked = [cid for cid in ranked if cid not in shown_parents]
        if ranked:
            top = score[ranked[0]]
            ranked = [cid for cid in ranked if score[cid] >= KEEP_RATIO * top]
        matches = tuple(
            Match(cid, round(score[cid], 3), tuple(reasons.get(cid, ())))
            for cid in ranked[:MAX_RECOMMENDATIONS]
        )
        return matches, tuple(refusals)

    def _qualified_phrases(self, ev: _Evidence, score: dict[str, float]) -> None:
        """A phrase that qualifies a community named elsewhere in the message means that
        community, not the one it names on its own, unless that one's Team is named too: "the
        core group of HIT" is HIT's core group, not Jems' Core Group ("Jems core group and HIT"
        still names both)."""
        cat = self.catalogue
        for cid, positions in ev.qualifier_phrases.items():
            if ev.score.get(cid, 0.0) < MIN_SCORE:
                continue
            family = {cid, cat.community(cid).parent}
            for position in positions:
                for other, weight in ev.at.get(position, ()):
                    team = cat.community(other).parent or other
                    named = ev.score.get(team, 0.0) - (weight if team == other else 0.0)
                    if other not in family and named <= 0.0:
                        score[other] = score.get(other, 0.0) - weight

    def _mix(
        self,
        segments: list[tuple[int, tuple[str, ...]]],
        toks: tuple[str, ...],
        roles: tuple[str, ...],
        examined: frozenset[int] = frozenset(),
    ) -> tuple[str, ...]:
        """The Teams of several functions the message lists as a mix ("a bit of everything:
        management, finance, communication", "Finanzen und Kommunikation"): role terms or
        keywords of the communities the roles point at, standing next to each other or joined by
        a joining word, that point at two Teams or more (a Team the user's roles may not join
        does not count; a community's own name is a choice, not a function; what the user audits
        or checks, at the ``examined`` positions, is none of their functions). Empty otherwise."""
        cat = self.catalogue
        found: list[tuple[int, int, str]] = []
        for position, key in segments:
            senses = self._index[key]
            if any(s.weight == W_NAME for s in senses) or position in examined:
                continue
            for s in senses:
                named = not s.via and s.weight == W_KEYWORD and s.target in self._functions
                if s.kind == "community" and (s.via in self._role_ids or named):
                    team = cat.community(s.target).parent or s.target
                    if not self._blocked_role(team, roles):
                        found.append((position, position + len(key), team))
        chains: list[list[str]] = []
        end = -1
        for start, stop, team in sorted(found):
            between = toks[end:start] if end >= 0 else ()
            joined = end >= 0 and (start <= end or self._joins(between))
            if joined:
                chains[-1].append(team)
            else:
                chains.append([team])
            end = max(end, stop) if joined else stop
        teams = max((tuple(dict.fromkeys(c)) for c in chains), key=len, default=())
        return teams if len(teams) > 1 else ()

    def _settle_mix(self, u: Understanding, ev: _Evidence, mixed: tuple[str, ...]) -> Understanding:
        """Several functions listed as a mix: none of them decides alone. A community the
        message names or points at in another way, outside those functions' Teams (the External
        Cooperation of an IPA or NEXT programme: "crossing programme management, finance and
        more"), is recommended; without one, each function's community is, in the order named
        (never one of them alone on the model's word). Rules that answered something else (a
        problem, a FAQ, the list, an eligibility rule, a follow-up) stand."""
        if not mixed or u.intent not in (Intent.RECOMMEND, Intent.CLARIFY):
            return u
        if u.refusals or u.follow_up:
            return u
        cat = self.catalogue
        other = [
            cid
            for cid, reasons in ev.strong.items()
            if (cat.community(cid).parent or cid) not in mixed
            and ev.score.get(cid, 0.0) >= MIN_SCORE
            and any(r.kind in ("topic", "mentioned") for r in reasons)
        ]
        chosen = other or list(mixed)
        if other:
            chosen.sort(key=lambda cid: (-ev.score[cid], ev.first_seen.get(cid, 0)))
        matches = tuple(
            Match(cid, round(ev.score.get(cid, 0.0), 3), tuple(ev.reasons(cid)))
            for cid in chosen[:MAX_RECOMMENDATIONS]
        )
        return replace(u, intent=Intent.RECOMMEND, matches=matches, mixed=mixed)

    def _decide(
        self,
        u: Understanding,
        faq: Mapping[str, float],
        toks: tuple[str, ...],
        spans: Mapping[str, frozenset[int]],
        routes: list[str],
        context: Context,
        known_roles: tuple[str, ...],
    ) -> Understanding:
        if not toks:
            # an empty message asks for help; words in another script (Greek ...) are a message
            return replace(u, intent=Intent.FALLBACK if _LETTER.search(u.text) else Intent.HELP)
        if u.only_small_talk:  # "see you" is a goodbye, not the FAQ about seeing a sub-team
            return replace(u, intent=Intent.SMALL_TALK)
        return (
            self._decide_invisible(u, faq)
            or self._decide_eligibility(u, faq)
            or self._decide_join(u, context)
            or self._decide_subteams(u, context, known_roles)
            or self._decide_asked(u, toks, spans, routes)
            or self._decide_rest(u, context, known_roles)
        )

    def _decide_invisible(self, u: Understanding, faq: Mapping[str, float]) -> Understanding | None:
        """ "I can't see the Core Group channel": sub-teams are private, the FAQ says why (of
        the FAQs about not seeing a community or about sub-teams, the one it matches best)."""
        if "invisible" not in u.cues:
            return None
        about = {f: s for f, s in faq.items() if f in self._invisible_faqs}
        cat = self.catalogue
        named = tuple(m.community_id for m in u.matches if cat.community(m.community_id).parent)
        # in another language ("nie widzę zespołu"), or without a word of any FAQ, nothing named
        unread = (u.language == "other" or not faq) and not u.matches
        unread = unread and not u.cues & {"problem", "person"}
        if not about and (named or unread) and self._invisible_faqs:
            # the sub-team's name and "I can't see" share no word with any FAQ: the FAQ that
            # most often says so answers it
            about = {max(self._invisible_faqs, key=self._invisible_faqs.__getitem__): 0.0}
        faq_id, score = max((about or faq).items(), key=lambda kv: kv[1], default=(None, 0.0))
        if faq_id is None:
            return None
        # a sub-team's own name takes most of the words: any FAQ overlap will do then
        if named or unread or ("subteams" in u.cues and score >= FAQ_OK):
            return replace(
                u,
                intent=Intent.FAQ,
                matches=(),
                faq_id=faq_id,
                faq_score=round(score, 3),
                named_subteams=named,
            )
        return None

    def _decide_eligibility(
        self, u: Understanding, faq: Mapping[str, float]
    ) -> Understanding | None:
        """ "Is the finance team open to auditors?", "does Financial management accept
        controllers?": a question about a community with an eligibility rule, whom it is open to,
        gets the rule's FAQ (whom it is for, and where those it is not open to go instead).
        Asked in one's capacity ("as controllers, may we ...?") or asked to join it ("can
        controllers join it, or is it closed to them?"), the rule refuses it to the role named
        and that role's own network is recommended (``_rank``), as for "can controllers join the
        financial management team?"."""
        if "eligibility" not in u.cues or u.cues & {"problem", "join"}:
            return None
        if u.refusals and u.cues & {"joining", "capacity"}:
            return None
        cat = self.catalogue
        # refused to one of the user's roles, or named by its name or keywords ("I'm a finance
        # officer, can I join a team?" is no question about Financial management)
        named = {r.community_id for r in u.refusals} | {
            m.community_id for m in u.matches if any(r.kind == "mentioned" for r in m.reasons)
        }
        for rule in cat.eligibility:
            family = {rule.community, *(c.id for c in cat.children(rule.community))}
            if rule.faq and named & family:
                score = round(faq.get(rule.faq, 0.0), 3)
                return replace(u, intent=Intent.FAQ, matches=(), faq_id=rule.faq, faq_score=score)
        return None

    def _decide_join(self, u: Understanding, context: Context) -> Understanding | None:
        """Asked "which team should I join?": answer from the roles we know, or ask for them."""
        if "join" not in u.cues or u.matches or "problem" in u.cues or "list" in u.cues:
            return None  # "which teams do you have?" asks for the list
        if u.working_groups:
            return None  # "is there a community for state aid?": a Working Group answers it
        remembered = self._role_matches(context.roles)
        if remembered:
            return replace(u, intent=Intent.RECOMMEND, matches=remembered, follow_up=True)
        if u.refusals:
            return None
        # a body the user sits on (a monitoring committee) and nothing else: its communities are
        # the choices, kept unless the model reads a function (``_keeps_choices``)
        sits = self._topic_choices(u.topics) if self._membership(u) else ()
        return replace(u, intent=Intent.CLARIFY, matches=sits)

    def _decide_subteams(
        self, u: Understanding, context: Context, known_roles: tuple[str, ...]
    ) -> Understanding | None:
        """Asked "what are the sub-teams of Jems?", or "and which sub-teams?" after an answer."""
        if "subteams" not in u.cues or ("list" in u.cues and not u.matches):
            return None  # "the Teams with their sub-teams" asks for the list
        cat = self.catalogue
        named = [m.community_id for m in u.matches if not cat.community(m.community_id).parent]
        teams = named[:1] if u.matches else list(context.last_communities)
        if not teams or (u.matches and not named):
            return None
        subs, refused = self._subteam_matches(teams, known_roles)
        if not subs and not refused:
            return None
        return replace(
            u,
            intent=Intent.RECOMMEND,
            matches=subs or self._role_matches(known_roles),
            refusals=refused,
            follow_up=bool(subs),
        )

    def _decide_asked(
        self,
        u: Understanding,
        toks: tuple[str, ...],
        spans: Mapping[str, frozenset[int]],
        routes: list[str],
    ) -> Understanding | None:
        """What the message plainly asks: a FAQ, a person, the list, the Working Groups, or
        the communities it names (``spans``: where the words of the Working Groups and of all
        cue phrases stand)."""
        cat = self.catalogue
        cues = u.cues
        # A question asked the way a FAQ asks it gets that FAQ, whatever cue words it has; a
        # request to reach support is no question ("please email the helpdesk").
        if u.faq_score >= FAQ_EXACT and not u.support_request:
            return replace(u, intent=Intent.FAQ)
        top = u.matches[0].score if u.matches else 0.0
        # "whom do I write to about my password?", "wie erreiche ich den Support?": the FAQ that
        # names the contact, unless the message names a community
        contact_faq = self._contact_faq(u, routes) if top < W_KEYWORD else None
        if contact_faq:
            return replace(u, intent=Intent.FAQ, faq_id=contact_faq, matches=())
        # "Are you a bot?", "bist du ein Mensch?": the bot says what it is and how to reach a
        # person (help); asked with a request for a person or a problem, those decide
        if "identity" in cues and not (u.support_request or cues & {"person", "problem"}):
            return replace(u, intent=Intent.HELP, matches=())
        # A problem is escalated, and so is a request for a person; a question about whom or how
        # to contact that a FAQ answers gets the FAQ ("how do I reach the helpdesk?").
        answered = u.question and u.faq_score >= FAQ_OK
        person = u.support_request or ("person" in cues and not answered)
        if "problem" in cues or person:
            if "problem" in cues:
                contact = cat.escalation.problem_contact
            else:
                contact = routes[0] if routes else cat.escalation.default_contact
            return replace(u, intent=Intent.ESCALATE, contact_id=contact, matches=())
        if self._about_people(u, routes):
            return replace(u, intent=Intent.FALLBACK, matches=())
        listed = self._decide_listed(u, toks, spans, top)
        if listed:
            return listed
        if u.faq_score >= FAQ_STRONG and u.faq_score * 4 >= top:
            return replace(u, intent=Intent.FAQ)
        asked = u.question or "?" in u.text
        named = top >= W_NAME and not self._area_as_programme(u, toks)
        if _about_rules(u) and asked and not named and u.faq_score < FAQ_OK:
            # asked for a programme's rates, deadlines, eligible costs, budget or duties: a
            # programme's or a strand's name in it is no reason to recommend a team ("I prepare
            # the calls for proposals" says what someone does: no question)
            return replace(u, intent=Intent.FALLBACK, matches=())
        if u.matches:
            return replace(u, intent=Intent.RECOMMEND)
        return None

    def _area_as_programme(self, u: Understanding, toks: tuple[str, ...]) -> bool:
        """Whether the sub-team named first is named as an area, the programme's there ("is VAT
        eligible in the South West Europe programme?"): no word in the message says a community
        is meant (intents.yaml: community_words)."""
        first = self.catalogue.community(u.matches[0].community_id) if u.matches else None
        return bool(first and first.parent) and self._community_words.isdisjoint(toks)

    @staticmethod
    def _role_as_context(u: Understanding) -> bool:
        """Whether the user says who they are to ask something else ("I'm a lead partner: may I
        register?"): a role of their own in a question that asks neither which community to
        join nor whether one is open to them, and names none by its name or keywords."""
        if not u.own_role or u.cues & {"join", "eligibility", "subteams"}:
            return False
        if not (u.question or "?" in u.text):
            return False
        return not any(r.kind == "mentioned" for m in u.matches for r in m.reasons)

    def _decide_listed(
        self,
        u: Understanding,
        toks: tuple[str, ...],
        spans: Mapping[str, frozenset[int]],
        top: float,
    ) -> Understanding | None:
        """The list of all communities, or the Working Groups, asked for, unless the rest of
        the message asks a FAQ: "what have you got about the migration?" asks about the
        migration, "general questions about working groups, who do I ask?" for the contact.
        All the Working Groups asked for, and no community beside them ("show me all the
        working groups"), are the Working Groups, not the list of the Teams."""
        cues = u.cues
        named_groups = bool(u.working_groups) or "working_groups" in cues
        if (
            "list" in cues
            and not u.matches
            and not (named_groups and self._only_groups_listed(toks, spans["working_groups"]))
            and not self._rest_asks_faq(toks, spans["cues"], self._list_words)
        ):
            return replace(u, intent=Intent.LIST)
        if (
            named_groups
            and top < W_NAME
            and (u.faq_score < FAQ_OK or not self._rest_asks_faq(toks, spans["working_groups"]))
        ):
            return replace(u, intent=Intent.WORKING_GROUPS, matches=())
        return None

    def _only_groups_listed(self, toks: tuple[str, ...], groups: frozenset[int]) -> bool:
        """Whether no word outside the Working Groups' words ``groups`` says a community
        ("all the working groups", not "all teams and working groups")."""
        return all(t not in self._community_words for i, t in enumerate(toks) if i not in groups)

    def _about_people(self, u: Understanding, routes: list[str]) -> bool:
        """Asked who holds a post, or their name: no community answers that, whatever body or
        role it names ("who is the head of the audit authority?" is no auditor's question); who
        looks after accounts is a question for the problem contact's FAQ."""
        return "people" in u.cues and self.catalogue.escalation.problem_contact not in routes

    def _rest_asks_faq(
        self, toks: tuple[str, ...], span: frozenset[int], words: frozenset[str] = frozenset()
    ) -> bool:
        """Whether the words outside ``span``, other than ``words``, ask a FAQ."""
        rest = self.faq_scores(
            self._tokenizer.content(
                t for i, t in enumerate(toks) if i not in span and t not in words
            )
        )
        return max(rest.values(), default=0.0) >= FAQ_OK

    def _contact_faq(self, u: Understanding, routes: list[str]) -> str | None:
        """The FAQ naming the contact that a question about whom or how to contact asks for:
        the contact of the message's first route, or for a problem the problem contact."""
        if not u.contact_question:
            return None
        if routes:
            contact = routes[0]
        elif "problem" in u.cues or "person" in u.cues:
            contact = self.catalogue.escalation.problem_contact
        elif not self._beyond_contact_words(u.text):
            # "and whom do I write to?", nothing more: the default contact's FAQ (it names
            # the problem contact too)
            contact = self.catalogue.escalation.default_contact
        else:
            return None
        return self._contact_faqs.get(contact)

    def _beyond_contact_words(self, text: str) -> bool:
        """Whether ``text`` says more than question words, contact verbs and one more word
        ("whom do I write to?", "a quem devo escrever?" do not; "how do I contact the JS of my
        programme?" does)."""
        toks = self.words(text)
        said = {i + k for i, n in _longest_phrases(toks, self._pair) for k in range(n)}
        rest = self._tokenizer.content(w for i, w in enumerate(toks) if i not in said)
        return len(rest) > 1

    def _decide_rest(
        self, u: Understanding, context: Context, known_roles: tuple[str, ...]
    ) -> Understanding:
        """Nothing plainly asked: weaker evidence, a clarifying question, or the fallback."""
        cues = u.cues
        if u.refusals:
            # Everything the user fits was refused: recommend their role's own community.
            fallback = self._role_matches(known_roles)
            if fallback:
                return replace(u, intent=Intent.RECOMMEND, matches=fallback)
        if u.faq_score >= FAQ_OK:
            return replace(u, intent=Intent.FAQ)
        if "help" in cues or "cancel" in cues:
            return replace(u, intent=Intent.HELP)
        told = (u.roles or u.topics) and len(self._content_words(u.text)) > GREETING_WORDS
        if "greeting" in cues and not told:
            # "hello, I sit on our programme's monitoring committee, what is for me?" says who
            # the user is after the hello: asked back as without it
            return replace(u, intent=Intent.GREETING)
        if cues & SMALL_TALK and len(self._tokenizer.tokens(u.text)) <= SMALL_TALK_WORDS:
            return replace(u, intent=Intent.SMALL_TALK)
        if "join" in cues or u.roles or u.topics or "subteams" in cues:
            return replace(u, intent=Intent.CLARIFY, matches=self._topic_choices(u.topics))
        return replace(u, intent=Intent.FALLBACK, offer_person=context.fallbacks >= 1)

    def _topic_choices(self, topic_ids: tuple[str, ...]) -> tuple[Match, ...]:
        """The communities to ask back between for topics that point at several alike (an
        employer: "I'm at the JS")"""
        ids = [
            cid
            for t in self.catalogue.topics
            if t.id in topic_ids and len(t.communities) > 1
            for cid in t.communities
        ]
        return tuple(Match(cid, 0.0, ()) for cid in dict.fromkeys(ids))

    # ------------------------------------------------------------------ rules + model

    def _rule_label(self, u: Understanding) -> str | None:
        """The rules' decision as a model label; None when they asked back or fell back."""
        if u.intent == Intent.RECOMMEND and u.matches:
            return f"c:{u.matches[0].community_id}"
        if u.intent == Intent.FAQ:
            return f"faq:{u.faq_id}"
        if u.intent in (Intent.CLARIFY, Intent.FALLBACK):
            return None
        return str(u.intent)

    def _hard(self, u: Understanding) -> bool:
        """A decision of the exact rules that the model may not overrule: an eligibility rule, a
        follow-up, a FAQ asked as written, a community named by its name, a greeting or help, a
        message of nothing but small talk, a request for support or a person."""
        if u.refusals or u.follow_up or u.faq_score >= FAQ_EXACT or u.only_small_talk:
            return True
        if u.intent == Intent.HELP and len(self._content_words(u.text)) <= HELP_WORDS:
            return True  # asked for help, and little else
        if u.mixed:
            return True  # several functions listed as a mix (none of them decides)
        if u.intent == Intent.GREETING and len(self._content_words(u.text)) <= GREETING_WORDS:
            return True  # a hello and little else ("hi, I coach applicants" is more than that)
        if u.intent == Intent.ESCALATE and ("person" in u.cues or u.support_request):
            return True  # asked for support or a person, in so many words
        if u.intent == Intent.ESCALATE and "account_request" in u.cues:
            return True  # an account or a request left waiting: tech support, whatever is named
        if u.intent == Intent.FAQ and ("invisible" in u.cues or u.contact_question):
            return True  # cannot see a sub-team: the sub-teams rule; whom to contact
        if u.intent == Intent.FAQ and "eligibility" in u.cues and u.faq_id in self._rule_faqs:
            return True  # may someone join a community with an eligibility rule: the rule says
        if u.intent == Intent.RECOMMEND and "negation" in u.cues and u.roles:
            return True  # "not a controller, an auditor": the model reads the denied role too
        if u.intent == Intent.RECOMMEND and u.examined and u.roles:
            return True  # "I audit the controllers": the model reads the audited role's words too
        asked = u.question or "?" in u.text
        if u.intent == Intent.FALLBACK and asked and ("offtopic" in u.cues or _about_rules(u)):
            # asked for a programme's rates, deadlines, budget or duties: no team answers that
            # ("we prepare the call" says what someone does: the model may read it)
            return True
        return self._named(u)

    def _named(self, u: Understanding) -> bool:
        """The rules recommend a community with a name's weight; not a role the user names
        only to ask something else ("I'm a lead partner of a project: may I register?", whose
        role and the word of Programme and project management's name weigh as much)."""
        if u.intent != Intent.RECOMMEND or not u.matches or u.matches[0].score < W_NAME:
            return False
        return not (self._role_as_context(u) or _roles_of_others(u))

    def _card_answers(self, u: Understanding, label: str) -> bool:
        """A community the message names by its name or a keyword, asked how to join with the
        words of the FAQ about joining (the FAQ whose first link is the page every community's
        join button opens): that community's card answers it, with its own join button ("come
        posso unirmi alla rete Jemms?" is Jems network's card, not how to join in general)."""
        if u.intent != Intent.RECOMMEND or not u.matches or not label.startswith("faq:"):
            return False
        if not any(r.kind == "mentioned" for r in u.matches[0].reasons):
            return False
        links = self.catalogue.faq(label[4:]).links
        return bool(links) and links[0] == JOIN_LINK

    def _technical_problem(self, u: Understanding, routes: list[str]) -> bool:
        """A problem with something the problem contact looks after ("I need assistance with my
        account"): escalated whatever community the model half thinks of ("compte" is an
        account and accounts)."""
        contact = self.catalogue.escalation.problem_contact
        return u.intent == Intent.ESCALATE and "problem" in u.cues and contact in routes

    def _reported(self, u: Understanding, label: str) -> bool:
        """A problem the rules read is not answered with a FAQ or a list, however sure the model
        is of the topic (an empty All Communities page is no question about it)."""
        return u.intent == Intent.ESCALATE and "problem" in u.cues and not label.startswith("c:")

    def _family(self, label: str) -> str:
        if not label.startswith("c:"):
            return label
        community = self.catalogue.community(label[2:])
        return community.parent or community.id

    def _combine(
        self, u: Understanding, pred: Prediction, routes: list[str], roles: tuple[str, ...]
    ) -> Understanding:
        """Rules and model together: agree -> answer; exact rules win; a confident model answers
        where the rules found nothing or overrules weak rules; otherwise ask back with the top
        choices (never a guess)."""
        assert self.model is not None
        label, confidence = pred.decided(self._families, SUBTEAM_SHARE)
        area = self._in_area(u, label)
        label = area or label
        u = replace(u, model_label=label, model_confidence=round(confidence, 3))
        t_answer = self.model.thresholds.get("answer", T_ANSWER)
        t_override = self.model.thresholds.get("override", T_OVERRIDE)
        rule = self._rule_label(u)
        # the area named decides between a Team and its sub-teams
        tie = () if area else self._near_tie(pred, rule, label)
        if rule == label and not tie:
            return replace(u, source="both")
        if (
            label == f"faq:{u.faq_id}"
            and u.faq_score >= FAQ_OK
            and confidence >= t_answer
            and not (u.refusals or u.only_small_talk or "problem" in u.cues)
        ):
            # the message reads like a FAQ to both: answer it, even where it names a community
            return replace(u, intent=Intent.FAQ, matches=(), source="both")
        if tie and rule == self._families[tie[0]] and not (u.refusals or u.follow_up):
            # the rules found the Team alone (by name, keyword or role), the model leans to one of
            # its sub-teams or splits between them: the sub-team the model is sure enough of to
            # overrule rules is answered (it is inside the rules' Team); otherwise ask between them
            if pred.label == label and pred.confidence >= t_override:
                return self._from_model(u, label, routes, roles)
            return self._ask_back(u, list(tie))
        if label.startswith("c:") and self._family(label) in u.examined:
            # the model leans to a body the user audits or checks ("we audit the controllers"):
            # never answered on its word; the rules stand, or ask back
            return u if rule is not None else self._ask_back(u, _candidates(pred))
        if (
            self._hard(u)
            or self._card_answers(u, label)
            or (u.intent == Intent.FALLBACK and self._about_people(u, routes))
            or self._technical_problem(u, routes)
            or self._reported(u, label)
            or self._keeps_choices(u, label, confidence)
        ):
            return u
        area_only = self._area_only(u, label, t_answer) if rule is None else ()
        if area_only:
            return self._ask_back(u, [*_candidates(pred), *area_only])
        if rule and label and self._family(rule) == self._family(label):
            # the same Team: the rules' qualifiers decide between it and its sub-teams
            return replace(u, source="both")
        if pred.coverage < MIN_COVERAGE:  # mostly words it never saw: no opinion
            return self._other_language(u)
        # rules that found a community only through a topic or a word of its description (an
        # employer, a programme's name) are weak: the model overrules them as if they were silent
        # (and so is a role the user names only to ask something else about themselves)
        weak = rule is not None and rule.startswith("c:")
        weak = weak and (
            u.matches[0].score < W_ROLE or self._role_as_context(u) or _roles_of_others(u)
        )
        if confidence >= (t_answer if rule is None or weak else t_override):
            if tie:  # sure of the Team, not of which of its spaces: ask, never guess
                return self._ask_back(u, list(tie))
            return self._from_model(u, label, routes, roles)
        return self._unsure(u, pred, (rule, weak), (label, confidence), routes, roles)

    def _unsure(
        self,
        u: Understanding,
        pred: Prediction,
        ruled: tuple[str | None, bool],
        decided: tuple[str, float],
        routes: list[str],
        roles: tuple[str, ...],
    ) -> Understanding:
        """The model is not sure enough to answer or to overrule the rules: keep the rules, or
        ask back with the top choices where rules and model disagree about a community."""
        (rule, weak), (label, confidence) = ruled, decided
        candidates = _candidates(pred)
        if rule is not None:
            if label == "offtopic":
                # a programme's budget, rates or calls: weak rules (a programme's name) are no
                # reason to recommend a team; falling back is safe
                return u if confidence < ASK_MIN else self._from_model(u, label, routes, roles)
            if rule in candidates or not candidates or self._stands(u, rule, weak):
                return u
            if confidence < ASK_MIN and (not rule.startswith("c:") or not weak):
                # the rules read a problem, a list, a FAQ or a role in so many words ("I'm with
                # the AA"); the model only half thinks of something else: no reason to doubt them
                return u
            return self._ask_back(u, [rule, label])
        asked = u.intent == Intent.CLARIFY  # the rules found a role or a topic, not enough
        if candidates and label.startswith("c:") and (asked or confidence >= ASK_MIN):
            return self._ask_back(u, candidates)
        return self._other_language(u)

    @staticmethod
    def _stands(u: Understanding, rule: str, weak: bool) -> bool:
        """In another language the model knows only a few examples: a community the rules found
        by a role term of the lexicon stands unless the model is sure of something else."""
        return u.language == "other" and rule.startswith("c:") and not weak

    def _keeps_choices(self, u: Understanding, label: str, confidence: float) -> bool:
        """The rules ask back with their own choices (an employer without a role): the model
        answers instead when it is sure, and when the message says little more than the
        employer, only when it is surer still, whether it leans to one of those choices or to
        another community (what it knows of an employer is no function: "Δουλεύω στη
        διαχειριστική αρχή" is no auditor); a community none of the employer's functions, only
        when it still reads it with the employer's name taken out (``_beyond_employer``)."""
        if u.intent != Intent.CLARIFY or not u.matches or self.model is None:
            return False
        thresholds = self.model.thresholds
        # the employer, common words and at most one more ("I work in the JS"): no function
        common = self._choice_words.union(*self.languages.values())
        rest = [w for w in self._content_words(u.text) if w not in common]
        if not rest:
            # nothing but the choices' own words: the model knows no more than they, whichever
            # community it leans to ("un programa de cooperación transfronteriza" is no External
            # Cooperation)
            return True
        little = len(rest) <= 1
        needed = (
            thresholds.get("override", T_OVERRIDE) if little else thresholds.get("answer", T_ANSWER)
        )
        if confidence < needed:
            return True
        offered = label in {f"c:{m.community_id}" for m in u.matches}
        if offered and not self._membership(u):
            return False
        # a community none of the employer's functions, or any for a body the user sits on
        # ("I sit on our programme's monitoring committee" is neither Interact's committee nor
        # programme management for sure: a member does no programme management): the model
        # must read it in the rest
        return not self._beyond_employer(u, label, needed)

    def _membership(self, u: Understanding) -> bool:
        """Whether a topic of the message is a body the user sits on (vocabulary.yaml:
        membership), whose communities the rules ask back between."""
        return any(t.membership for t in self.catalogue.topics if t.id in u.topics)

    def _beyond_employer(self, u: Understanding, label: str, needed: float) -> bool:
        """Whether the model still answers ``label`` (no function of the employer's) with
        ``needed`` confidence once the employer's name is taken out of the message: its
        sureness must come from what the user does, not from words it learnt in another body's
        name (the Greek managing authority's "αρχή" is also the audit authority's word)."""
        assert self.model is not None
        toks = self._tokenizer.tokens(u.text)
        if self._membership(u):
            toks = self.words(u.text)  # "bizottságának" is the committee's word, as the rules read
        said = {i + k for i, n in _longest_phrases(toks, self._choice_terms) for k in range(n)}
        rest = tuple(w for i, w in enumerate(toks) if i not in said)
        if not rest:
            return False
        pred = self.model.predict(" ".join(rest), self.concepts(" ".join(rest)))
        rest_label, rest_confidence = pred.decided(self._families, SUBTEAM_SHARE)
        return rest_label == label and rest_confidence >= needed

    def _in_area(self, u: Understanding, label: str) -> str | None:
        """The sub-team of the model's Team (or of the Team of its sub-team) whose area the
        message names (vocabulary.yaml: area): "je suis sur le volet financier" read as
        Financial management, in a message about POCTEFA, is South West Europe. None when the
        message names no such area."""
        if not label.startswith("c:"):
            return None
        team = self._family(label)
        subs = [
            cid
            for t in self.catalogue.topics
            if t.area and t.id in u.topics
            for cid in t.qualifies
            if self.catalogue.community(cid).parent == team
        ]
        return f"c:{subs[0]}" if len(subs) == 1 else None

    def _area_only(self, u: Understanding, label: str, needed: float) -> list[str]:
        """The model's other choices when it reads the sub-team ``label`` only from the words
        of its area (vocabulary.yaml: area; "je suis au comité de suivi du POCTEFA" names South
        West Europe's area, not the financial matters its sub-team is for): with those words
        taken out of the message, it no longer reads the sub-team's Team with ``needed``
        confidence. Empty when it still does, or when the message names no such area."""
        assert self.model is not None
        terms = self._area_terms.get(label[2:]) if label.startswith("c:") else None
        if not terms:
            return []
        toks = self._tokenizer.tokens(u.text)
        said = {i + k for i, n in _longest_phrases(toks, terms) for k in range(n)}
        if not said:
            return []
        rest = " ".join(w for i, w in enumerate(toks) if i not in said)
        pred = self.model.predict(rest, self.concepts(rest))
        rest_label, rest_confidence = pred.decided(self._families, SUBTEAM_SHARE)
        if self._family(rest_label) == self._family(label) and rest_confidence >= needed:
            return []
        return [rest_label, *_candidates(pred)]

    def _near_tie(self, pred: Prediction, rule: str | None, label: str) -> tuple[str, ...]:
        """The communities to ask between when the model is sure of a Team's family but not of
        which member (the Team or one of its sub-teams; "Jems network" or its "User Group"):
        none holds ``SUBTEAM_SHARE`` of the family's probability, or the rules found the Team
        alone and the model gives its sub-team that share. Empty when the rules named a sub-team
        (its name or qualifiers decide) or the model is clear."""
        team = self._families
        if rule is not None and team.get(rule, rule) != rule:
            return ()
        split = pred.split(team, SUBTEAM_SHARE)
        if split and all(lab in team for lab in split):
            return split
        if rule and label != rule and team.get(label) == rule:
            return (label, rule)
        return ()

    def _other_language(self, u: Understanding) -> Understanding:
        if u.intent == Intent.FALLBACK and u.language == "other":
            return replace(u, intent=Intent.CLARIFY)  # never "I can't help" in another language
        return u

    def _ask_back(self, u: Understanding, labels: list[str]) -> Understanding:
        ids = [lab[2:] for lab in dict.fromkeys(labels) if lab.startswith("c:")]
        matches = tuple(Match(cid, 0.0, ()) for cid in ids[:MAX_RECOMMENDATIONS])
        return replace(u, intent=Intent.CLARIFY, matches=matches, source="model")

    def _from_model(
        self, u: Understanding, label: str, routes: list[str], roles: tuple[str, ...]
    ) -> Understanding:
        cat = self.catalogue
        u = replace(u, source="model", matches=(), faq_id=None)
        if label.startswith("c:"):
            cid = label[2:]
            alike = self._alike_subteams(cid, u)
            if len(alike) > 1:  # a sub-team the message does not tell from its siblings
                return self._ask_back(u, [f"c:{c}" for c in alike])
            community = cat.community(cid)
            blocked = self._blocked_role(community.parent or cid, roles)
            if blocked:
                return replace(
                    u,
                    intent=Intent.RECOMMEND,
                    matches=self._role_matches(roles),
                    refusals=(Refusal(cid, blocked),),
                )
            score = round(u.model_confidence, 3)
            return replace(
                u, intent=Intent.RECOMMEND, matches=(Match(cid, score, (Reason("model"),)),)
            )
        if label.startswith("faq:"):
            return replace(u, intent=Intent.FAQ, faq_id=label[4:])
        if label == "escalate":
            contact = routes[0] if routes else cat.escalation.problem_contact
            return replace(u, intent=Intent.ESCALATE, contact_id=contact)
        if label == "offtopic" or (
            label == Intent.SMALL_TALK and len(self._tokenizer.tokens(u.text)) > SMALL_TALK_WORDS
        ):
            return replace(u, intent=Intent.FALLBACK)  # a long message is more than small talk
        return replace(u, intent=Intent(label))

    def _alike_subteams(self, cid: str, u: Understanding) -> tuple[str, ...]:
        """The sub-team ``cid`` and its siblings that a topic qualifies together with it, when
        the message says nothing but that topic's words (and common ones) and tells them apart
        neither by its topics nor by their own names, keywords or qualifiers: a programme head
        without the strand is a transnational or an interregional one ("Επικεφαλής του
        προγράμματος"), so the model may not pick one. Just ``cid`` otherwise (the model may know
        more words than the rules: "valore aggiunto")."""
        cat = self.catalogue
        parent = cat.community(cid).parent
        qualifying = [t for t in cat.topics if cid in t.qualifies]
        if not parent or not qualifying:
            return (cid,)
        toks = self._tokenizer.tokens(u.text)
        said = {w for t in qualifying for term in t.terms for w in self._tokenizer.tokens(term)}
        common = said.union(*self.languages.values())
        if any(w not in common for w in self._tokenizer.content(toks)):
            return (cid,)

        def told(c: str) -> frozenset[str]:
            community = cat.community(c)
            own = (community.name, *community.keywords, *community.qualifiers)
            said = any(
                _in_order(toks, (self._tokenizer.tokens(p),)) is not None
                for p in own
                if self._tokenizer.tokens(p)
            )
            topics = {t.id for t in cat.topics if t.id in u.topics and c in t.qualifies}
            return frozenset(topics | ({c} if said else set()))

        shared = {c for t in qualifying for c in t.qualifies if cat.community(c).parent == parent}
        alike = [c for c in sorted(shared) if told(c) == told(cid)]
        return tuple(alike) if cid in alike else (cid,)

    def _role_matches(self, roles: Iterable[str]) -> tuple[Match, ...]:
        cat = self.catalogue
        out: list[Match] = []
        for role_id in roles:
            role = next((r for r in cat.roles if r.id == role_id), None)
            if role and role.communities:
                reason = Reason("told_role", about=role.id)
                out.append(Match(role.communities[0], W_ROLE, (reason,)))
        return tuple(out[:MAX_RECOMMENDATIONS])

    def _subteam_matches(
        self, community_ids: Iterable[str], roles: tuple[str, ...]
    ) -> tuple[tuple[Match, ...], tuple[Refusal, ...]]:
        """The sub-teams of these communities' Teams, minus those the user's roles may not join."""
        cat = self.catalogue
        out: dict[str, Match] = {}
        refused: list[Refusal] = []
        for cid in community_ids:
            community = cat.community(cid)
            team_id = community.parent or community.id
            blocked = self._blocked_role(team_id, roles)
            if blocked:
                refused.append(Refusal(team_id, blocked))
                continue
            for sub in cat.children(team_id):
                reason = Reason("subteam_of", about=team_id)
                out.setdefault(sub.id, Match(sub.id, W_KEYWORD, (reason,)))
        return tuple(out.values()), tuple(refused)

    def _blocked_role(self, community_id: str, roles: tuple[str, ...]) -> str | None:
        for rule in self.catalogue.eligibility:
            if rule.community == community_id:
                return next((r for r in roles if r in rule.not_open_to), None)
        return None


def _longest_phrases(
    toks: tuple[str, ...], phrases: Collection[tuple[str, ...]]
) -> Iterator[tuple[int, int]]:
    """(position, length) of the longest of ``phrases`` that starts at each position of
    ``toks`` where one does (they may overlap)."""
    longest = max(map(len, phrases), default=0)
    for i in range(len(toks)):
        n = next((n for n in range(longest, 0, -1) if toks[i : i + n] in phrases), 0)
        if n:
            yield i, n


def _suggest(u: Understanding) -> Understanding:
    """A fallback where the model leans to a FAQ (``SUGGEST_MIN``), not surely enough to answer
    it: that FAQ becomes the fallback's first choice ("is there somewhere for the files?")."""
    label, confidence = u.model_label, u.model_confidence
    if u.intent == Intent.FALLBACK and label.startswith("faq:") and confidence >= SUGGEST_MIN:
        return replace(u, suggested_faq=label[4:])
    return u


def _candidates(pred: Prediction) -> list[str]:
    """The communities the model gives at least ``CANDIDATE_MIN``, best first."""
    return [lab for lab, p in pred.ranked if lab.startswith("c:") and p >= CANDIDATE_MIN]


def _own_channels(subteam_words: set[int], role_spans: list[tuple[int, int]]) -> bool:
    """Whether every sub-team word stands next to a role term (at most one word between): "our
    social media channels", "les canaux des réseaux sociaux" are someone's own channels, not
    Teams channels."""
    near = {i for start, end in role_spans for i in range(start - 2, end + 2)}
    return bool(subteam_words) and subteam_words <= near


def _undenied(senses: Iterable[Sense], denied: bool) -> Iterable[Sense]:
    """The senses of a phrase; after a negation ("I'm not a controller") none that says who the
    user is or which community fits them: a role or a community denied is not the user's."""
    if not denied:
        return senses
    return [s for s in senses if s.kind not in ("community", "qualifier", "role")]


def _unrequested(senses: Iterable[Sense], served: bool) -> Iterable[Sense]:
    """The senses of a phrase; of one right after the words of a service the user provides
    ("I run the helpdesk", intents.yaml: serves), no request for a person: it is their work."""
    if not served:
        return senses
    return [s for s in senses if (s.kind, s.target) != ("cue", "person")]


def _second(pair: tuple[str, int]) -> int:
    return pair[1]


def _own_role(role_spans: list[tuple[int, int]], selves: set[int]) -> bool:
    """Whether a role stands at most ``OWN_ROLE_GAP`` words after the words with which the user
    speaks of themselves or says in which capacity they act (``selves``): "I'm a controller"."""
    return any(
        not selves.isdisjoint(range(start - OWN_ROLE_GAP - 1, start)) for start, _ in role_spans
    )


def _roles_of_others(u: Understanding) -> bool:
    """Whether the rules' first community comes only from roles named in a message where the
    user speaks of themselves, none of them as theirs ("I go through the invoices that project
    partners upload before the lead partner reports"): whose work the user's work touches, not
    who the user is. The model reads the whole of what they do."""
    if u.own_role or "first_person" not in u.cues or not u.matches:
        return False
    reasons = u.matches[0].reasons
    return bool(reasons) and all(r.kind == "role" for r in reasons)


def _about_rules(u: Understanding) -> bool:
    """Whether the message asks about a programme's money or rules: its rates, deadlines,
    eligible costs, budget, or what someone in it must do. A role in it that is not the user's
    own ("what rate for controllers' costs?", "does the auditor have to check every invoice?",
    "how do I justify travel costs to the controller?") is whom the rule is about; a user who
    names the role as their own ("I'm a controller", ``own_role``) or asks which community to
    join is told about a community."""
    asks_community = bool(u.cues & {"join", "eligibility"})
    if "join" in u.cues and "first_person" in u.cues:
        # "I answer applicants' questions about the call: is there a team for this?" tells the
        # user's work and asks where it belongs
        return False
    others = not u.roles or not (u.own_role or asks_community)
    return others and ("offtopic" in u.cues or ("duty" in u.cues and bool(u.roles)))


def _in_order(toks: tuple[str, ...], parts: tuple[tuple[str, ...], ...]) -> list[int] | None:
    """Where the parts of a gapped phrase stand in ``toks`` in order, each at most ``GAP_WORDS``
    words after the one before: the positions of their words (None when they do not)."""
    start, limit = 0, len(toks)
    at: list[int] = []
    for part in parts:
        n = len(part)
        places = range(start, min(limit, len(toks) - n + 1))
        found = next((i for i in places if toks[i : i + n] == part), None)
        if found is None:
            return None
        at.extend(range(found, found + n))
        start = found + n
        limit = start + GAP_WORDS + 1
    return at


def _only(toks: tuple[str, ...], span: set[int], function_words: frozenset[str]) -> bool:
    """Whether the words at ``span`` are all the message says (apart from function words)."""
    return bool(span) and all(i in span or t in function_words for i, t in enumerate(toks))


def _clause_pattern(catalogue: Catalogue) -> re.Pattern[str]:
    """Where a message may hold another question (intents.yaml: clause_and, clause_openers,
    clause_prepositions): after "?" or ";" (the Greek question mark too), or after "." or "!"
    when an opener follows, or before an "and" (perhaps two: "and also", "und auch"; perhaps
    with a comma after it) when an opener follows, perhaps after a preposition ("und an wen
    ...", "et à qui ...", "y ¿a quién ...", "and if ..."), or when a preposition's short phrase
    and a comma come before the opener ("and for account problems, whom do I write to?")."""

    def either(kind: str) -> str:
        return "|".join(re.escape(w) for w in catalogue.words(kind))

    before = rf"(?:(?:{either('clause_prepositions')})\s+)?"
    asked = rf"(?=[¿¡]?{before}(?:{either('clause_openers')})\b)"
    # a comma may follow the "and" before a clause that opens with a condition ("y, si tengo
    # problemas, ¿a quién escribo?")
    joined = rf"(?:{either('clause_and')}),?\s+"
    # "and", a preposition's short phrase, a comma, then an opener: the phrase frames the
    # question after it ("und wegen des Passworts, an wen schreibe ich?")
    framed = (
        rf"(?=(?:{either('clause_prepositions')})\s[^,;?.!]{{0,60}},\s*[¿¡]?{before}"
        rf"(?:{either('clause_openers')})\b)"
    )
    return re.compile(
        rf"(?<=[?;\u037e])\s+|(?<=[.!])\s+{asked}"
        rf"|\s*[,;]?\s+{joined}(?:{joined})?(?:{asked}|{framed})",
        re.IGNORECASE,
    )


def _clause_starts(
    text: str,
    read: list[tuple[str, ...]],
    tokenizer: Tokenizer,
    joining: frozenset[str] = frozenset(),
) -> frozenset[int]:
    """The positions of the words read (``read``: each token as the lexicon's words) that open
    a clause of ``text``: the first, and each after a comma, a colon, a semicolon or an end of
    sentence ("I have a general question, whom do I write to?"), past up to two ``joining``
    words that open it ("E a quem escrevo?")."""
    pieces = [tokenizer.tokens(piece) for piece in _CLAUSE_BREAK.split(text[:20_000])]
    counts = [len(piece) for piece in pieces]
    if sum(counts) != len(tokenizer.tokens(text[:20_000])):
        return frozenset({0})  # the pieces do not line up with the message's words
    offsets = [0]
    for parts in read:
        offsets.append(offsets[-1] + len(parts))
    starts: set[int] = set()
    raw = 0
    for piece in pieces:
        skipped = 0
        while skipped < min(2, len(piece) - 1) and piece[skipped] in joining:
            skipped += 1
        if raw + skipped < len(read):
            starts.add(offsets[raw + skipped])
        raw += len(piece)
    return frozenset(starts | {0})


def _single_words(words: Iterable[str], tokenizer: Tokenizer) -> tuple[str, ...]:
    """Words of the data as a message's tokens are written ("también" -> "tambien")."""
    return tuple(dict.fromkeys(t for w in words for t in tokenizer.tokens(w)))


def _within(inner: set[int], outer: set[int]) -> bool:
    """Whether the positions ``inner`` lie between the first and the last of ``outer``."""
    return bool(outer) and all(min(outer) <= i <= max(outer) for i in inner)
