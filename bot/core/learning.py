"""Training the understanding model: cross-validation, the thresholds it picks, a fresh model.

Pure Python. Examples are split into folds by a group: the phrase they were made from (a job
title, a task, a FAQ phrasing), the template that wrapped it, or the language, so that a fold's
examples share nothing of that kind with the examples the fold's model was trained on.
``calibrate`` picks the temperature and the confidence thresholds the bot uses to answer from the
model (``Understander._combine``) so that wrong answers stay under the target share.
"""

from __future__ import annotations

import dataclasses
import math
import random
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.catalogue import Catalogue, Community, WorkingGroup
from bot.core.model import (
    MODEL_FILE,
    SUBTEAM_SHARE,
    ModelError,
    Prediction,
    TextModel,
    concept_features,
    current_fingerprint,
    families,
    features,
    load_model,
    ngrams,
    read_model,
    train,
)
from bot.core.text import Tokenizer, word_forms
from bot.core.training import Example, examples, load_training
from bot.core.understanding import Intent, Understander

# The temperature (the scale of the scores before the softmax) is searched in this range for the
# lowest held-out log loss.
TEMPERATURE_RANGE = (0.02, 20.0)
# Precision of the marginal answer (read off a curve fitted to the held-out answers) down to which
# the model answers alone where the rules found nothing, and overrules weak rules.
ANSWER_PRECISION = 0.8
OVERRIDE_PRECISION = 0.9
FIT_FLOOR = 0.3  # the curve is fitted to the held-out answers at least this confident
CALIBRATION_SEEDS = (7, 11, 13)
SENTENCE_WORDS = 4
MAX_SPELLINGS = 3  # rounds of removing the other spellings of a held-out phrase (Lexicon.reader)
LONGEST_TERM = 8  # words of the longest lexicon phrase looked for in held-out text
_SLOT = re.compile(r"\{\w+\}")  # a template's slot ("{title}")


@dataclass(frozen=True)
class Outcome:
    example: Example
    scores: tuple[float, ...]
    known: int
    labels: tuple[str, ...]

    def prediction(self, temperature: float) -> Prediction:
        model = TextModel(self.labels, (0.0,) * len(self.labels), {}, temperature=temperature)
        return model.rank(list(self.scores), self.known)


@dataclass(frozen=True)
class Lexicon:
    """What the model's concept features are read with (``Understander.features``): the
    catalogue's lexicon and the language word lists. A fold of cross-validation reads its
    examples with the lexicon less what it holds out (``hidden``, ``without_phrases``)."""

    catalogue: Catalogue
    languages: Mapping[str, frozenset[str]]
    _ngrams: dict[str, frozenset[int]] = field(default_factory=dict, compare=False, repr=False)

    def reader(self, phrases: Iterable[str] = (), texts: Iterable[str] = ()) -> Understander:
        """The rules without a model, reading with the lexicon less ``phrases`` and less the
        lexicon phrases found in ``texts`` (``found``). A held-out phrase that the lexicon less
        it still reads as one of its phrases, whole (another spelling of it: "Prüfer" corrected
        to "Pruefer"), takes that one with it too."""
        phrases, found = set(phrases), self.found(texts)
        catalogue = self.catalogue
        if phrases or found:
            catalogue = without_phrases(catalogue, phrases, found)
        reader = Understander(catalogue, None, self.languages)
        for _ in range(MAX_SPELLINGS):
            read = {key for p in phrases if (key := reader.lexicon_phrase(p))}
            fewer = without_phrases(catalogue, (), read) if read else catalogue
            if fewer == catalogue:
                break
            catalogue, reader = fewer, Understander(fewer, None, self.languages)
        return reader

    def found(self, texts: Iterable[str]) -> set[tuple[str, ...]]:
        """The word sequences (up to ``LONGEST_TERM`` words) of ``texts``, read as the whole
        lexicon reads them (typos corrected, compounds split)."""
        texts = list(texts)
        if not texts:
            return set()
        whole = Understander(self.catalogue, None, self.languages)
        out: set[tuple[str, ...]] = set()
        for text in texts:
            words = whole.words(text)
            for i in range(len(words)):
                out.update(words[i : j + 1] for j in range(i, min(i + LONGEST_TERM, len(words))))
        return out

    def terms(self) -> set[str]:
        """Every phrase of the lexicon (``without_phrases`` removes them)."""
        cat = self.catalogue
        out = {t for r in cat.roles for t in r.terms} | {t for p in cat.topics for t in p.terms}
        out |= {k for c in cat.communities for k in (*c.keywords, *c.qualifiers)}
        out |= {p for wg in cat.working_groups for p in (wg.name, wg.nickname, *wg.keywords) if p}
        out |= {p for _, phrases in cat.intent_phrases for p in phrases}
        out |= {p for faq in cat.faqs for p in faq.subject}
        return out | {p for r in cat.escalation.routes for p in r.phrases}

    def features(
        self, items: Sequence[Example], phrases: Collection[str] = (), texts: Collection[str] = ()
    ) -> list[list[int]]:
        """The features of every example (``bot.core.model.features``: its n-grams and its
        concepts), the concepts read with the lexicon less ``phrases`` and the lexicon phrases
        found in ``texts`` (``reader``)."""
        reader = self.reader(phrases, texts)
        return [
            sorted(self.ngrams(e.text) | concept_features(reader.concepts(e.text))) for e in items
        ]

    def less(self, phrases: Iterable[str], texts: Iterable[str]) -> Lexicon:
        """This lexicon less ``phrases`` and ``texts`` (``reader``), sharing its n-grams."""
        return Lexicon(self.reader(phrases, texts).catalogue, self.languages, self._ngrams)

    def ngrams(self, text: str) -> frozenset[int]:
        """``bot.core.model.ngrams``, computed once per text (folds read the same texts)."""
        found = self._ngrams.get(text)
        if found is None:
            found = self._ngrams[text] = ngrams(text)
        return found


def hidden(
    group: Callable[[Example], str], held_out: Sequence[Example]
) -> tuple[set[str], set[str]]:
    """What of the lexicon a fold that holds out ``held_out`` must not know, as (phrases, texts):
    with phrases held out, the phrases (a job title that is also a role term of the vocabulary
    would tell the model its answer); with templates held out, the words of the templates (a
    "which team" of intents.yaml in one) and the phrases written whole; with languages held
    out, nothing: the lexicon is how a new language starts (a glossary, no training
    sentences; README, "Understanding"). Any other grouping hides the phrases."""
    if group is by_language:
        return set(), set()
    if group is by_template:
        templates = {e.template for e in held_out if e.template}
        pieces = {p for t in templates for p in _SLOT.split(t) if p.strip()}
        return {e.phrase for e in held_out if not e.template}, pieces
    return {e.phrase for e in held_out}, set()


def fit(items: Sequence[Example], feats: Sequence[list[int]], lexicon: Lexicon) -> TextModel:
    """The model trained on every example twice: with ``feats`` (its n-grams and the concepts
    the lexicon found in it, ``Lexicon.features``) and with its n-grams alone. The model
    answers where the rules found nothing, often where the lexicon found nothing either: trained
    only with the concepts, it leaned on them and was unsure without them (README,
    "Understanding")."""
    plain = [sorted(lexicon.ngrams(e.text)) for e in items]
    return train([*items, *items], [*feats, *plain])


def languages_glossary(
    lexicon: Lexicon, items: Sequence[Example]
) -> Callable[[Sequence[Example], Sequence[Example]], tuple[set[str], set[str]]]:
    """With languages held out, a stricter measure than ``hidden``'s (a ``hide`` for
    ``cross_validate``): the lexicon phrases found in the held-out languages' examples, in any
    form, and in none of the other languages' examples (the held-out language's own glossary:
    "Kerngruppe" goes with German, "auditor" and "Jems" stay) are hidden too, as if those languages
    had no glossary yet."""
    found: dict[str, set[tuple[str, ...]]] = {}
    for e in items:
        found.setdefault(e.language, set())
    for language in found:
        found[language] = lexicon.found(e.text for e in items if e.language == language)
    readings = {t: _readings(t, lexicon.catalogue.tokenizer) for t in lexicon.terms()}

    def hide(held_out: Sequence[Example], trained: Sequence[Example]) -> tuple[set[str], set[str]]:
        gone = {e.language for e in held_out}
        theirs = set().union(*(found[lang] for lang in gone))
        others = set().union(*(f for lang, f in found.items() if lang not in gone))
        return {
            t for t, r in readings.items() if not r.isdisjoint(theirs) and r.isdisjoint(others)
        }, set()

    return hide


def cross_validate(
    items: Sequence[Example],
    group: Callable[[Example], str],
    folds: int = 5,
    seed: int = 7,
    feats: Sequence[list[int]] | None = None,
    only: Callable[[Example], bool] | None = None,
    lexicon: Lexicon | None = None,
    hide: Callable[[Sequence[Example], Sequence[Example]], tuple[set[str], set[str]]] | None = None,
) -> list[Outcome]:
    """Train on all groups but one fold's, predict that fold; every example is predicted once.
    ``only`` limits the predicted examples (others are still trained on). ``feats``: the
    examples' features (by default their n-grams, or with a ``lexicon`` read with all of it).
    With a ``lexicon``, a fold that holds something of it out (``hide(held out, trained on)``,
    by default ``hidden(group, held out)``) reads the features of all its examples, trained on
    and predicted alike, with the lexicon less that."""
    whole = feats
    if whole is None:
        whole = lexicon.features(items) if lexicon else [features(e.text) for e in items]
    names = sorted({group(e) for e in items})
    random.Random(seed).shuffle(names)
    fold_of = {name: i % folds for i, name in enumerate(names)}
    out: list[Outcome] = []
    for k in range(folds):
        train_idx = [i for i, e in enumerate(items) if fold_of[group(e)] != k]
        test_idx = [i for i, e in enumerate(items) if fold_of[group(e)] == k]
        if not train_idx or not test_idx:
            continue
        fold_feats = whole
        if lexicon is not None:
            held_out = [items[i] for i in test_idx]
            phrases, texts = (
                hide(held_out, [items[i] for i in train_idx]) if hide else hidden(group, held_out)
            )
            if phrases or texts:
                fold_feats = lexicon.features(items, phrases, texts)
        trained = [items[i] for i in train_idx]
        fold_train = [fold_feats[i] for i in train_idx]
        model = fit(trained, fold_train, lexicon) if lexicon else train(trained, fold_train)
        for i in test_idx:
            if only is None or only(items[i]):
                scores, known = model.scores(fold_feats[i])
                out.append(Outcome(items[i], tuple(scores), known, model.labels))
    return out


def accuracy(
    outcomes: Sequence[Outcome], kind: str = "", family: Mapping[str, str] | None = None
) -> float:
    """Share of right top labels; ``kind`` "c:" limits it to community examples, "intent" scores
    the kind of answer only (a community, a FAQ, a list ...); with ``family`` a community counts
    as right when its Team is."""
    right = n = 0
    for o in outcomes:
        truth = o.example.label
        if kind == "c:" and not truth.startswith("c:"):
            continue
        n += 1
        got = o.prediction(1.0).label
        if kind == "intent":
            right += _kind(got) == _kind(truth)
        elif family is not None:
            right += family.get(got, got) == family.get(truth, truth)
        else:
            right += got == truth
    return right / n if n else 0.0


def _kind(label: str) -> str:
    return label.split(":", 1)[0] if ":" in label else label


def _log_loss(outcomes: Sequence[Outcome], temperature: float) -> float:
    total = 0.0
    for o in outcomes:
        if not o.known or o.example.label not in o.labels:
            total += math.log(len(o.scores))  # no opinion: every class as likely
            continue
        top = max(o.scores)
        z = sum(math.exp((s - top) * temperature) for s in o.scores)
        right = o.scores[o.labels.index(o.example.label)]
        total -= (right - top) * temperature - math.log(z)
    return total / max(len(outcomes), 1)


def fit_temperature(outcomes: Sequence[Outcome]) -> float:
    """The temperature with the lowest log loss on ``outcomes``, by golden-section search on its
    logarithm (the log loss is convex in it): a continuous choice, so that other outcomes move
    it a little, never from one step of a grid to the next (which moved every threshold)."""
    lo, hi = (math.log(t) for t in TEMPERATURE_RANGE)
    g = (math.sqrt(5) - 1) / 2
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    fa, fb = _log_loss(outcomes, math.exp(a)), _log_loss(outcomes, math.exp(b))
    for _ in range(24):
        if fa <= fb:
            hi, b, fb = b, a, fa
            a = hi - g * (hi - lo)
            fa = _log_loss(outcomes, math.exp(a))
        else:
            lo, a, fa = a, b, fb
            b = lo + g * (hi - lo)
            fb = _log_loss(outcomes, math.exp(b))
    return round(math.exp((lo + hi) / 2), 4)


def threshold(
    points: Sequence[tuple[float, bool]], precision: float, floor: float = FIT_FLOOR
) -> float:
    """The confidence at which an answer is right ``precision`` of the time, read off a curve
    fitted to the held-out ``points`` (confidence, right) of at least ``floor`` confidence:
    P(right) = 1 / (1 + exp(-(a + b * logit(confidence)))), by maximum likelihood (Newton's
    method with step halving). Fitted to all those answers at once, the curve is steadier than
    the precision of a window of answers at the margin (which one split into folds moved by up
    to a tenth). 1.0 when the curve never reaches ``precision``; never below ``floor``."""
    xs, ys = [], []
    for confidence, right in points:
        if confidence >= floor:
            c = min(max(confidence, 1e-6), 1 - 1e-6)
            xs.append(math.log(c / (1 - c)))
            ys.append(1.0 if right else 0.0)
    if not any(ys):
        return 1.0
    if all(ys):
        return floor
    a, b = _fit_curve(xs, ys)
    if b <= 0:
        return 1.0
    x = (math.log(precision / (1 - precision)) - a) / b
    return floor if x < -30 else max(floor, 1 / (1 + math.exp(-x)))  # not below the evidence


def _fit_curve(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """``a`` and ``b`` of P(y) = 1 / (1 + exp(-(a + b * x))) by maximum likelihood."""

    def loss(a: float, b: float) -> float:
        total = 0.0
        for x, y in zip(xs, ys, strict=True):
            z = a + b * x if y else -(a + b * x)  # -log sigmoid(z)
            total += math.log1p(math.exp(-abs(z))) + max(-z, 0.0)
        return total

    a, b = 0.0, 1.0
    current = loss(a, b)
    for _ in range(50):
        ga = gb = haa = hab = hbb = 0.0
        for x, y in zip(xs, ys, strict=True):
            z = a + b * x
            q = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
            d, w = q - y, q * (1 - q)
            ga, gb = ga + d, gb + d * x
            haa, hab, hbb = haa + w, hab + w * x, hbb + w * x * x
        det = haa * hbb - hab * hab
        if det <= 1e-12:
            break
        da, db = (hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det
        step = 1.0
        while step > 1e-6 and loss(a - step * da, b - step * db) > current:
            step /= 2
        if step <= 1e-6:
            break
        a, b = a - step * da, b - step * db
        new = loss(a, b)
        if current - new < 1e-9:
            break
        current = new
    return a, b


def calibrate(
    outcomes: Sequence[Outcome], family: Mapping[str, str]
) -> tuple[float, dict[str, float]]:
    """The temperature with the lowest log loss, and the two thresholds, picked on the held-out
    sentences of at least ``SENTENCE_WORDS`` words: the model answers for messages the exact
    rules did not understand, and those are sentences (titles and names are the rules' job).
    ``outcomes`` may pool several shuffles of the same examples into folds."""
    temperature = fit_temperature(outcomes)
    points = []
    for o in outcomes:
        if len(o.example.text.split()) < SENTENCE_WORDS:
            continue
        label, confidence = o.prediction(temperature).decided(family, SUBTEAM_SHARE)
        truth = o.example.label
        right = label == truth or (label == family.get(truth) and truth != label)
        points.append((confidence, right))
    return temperature, {
        "answer": round(threshold(points, ANSWER_PRECISION), 6),
        "override": round(threshold(points, OVERRIDE_PRECISION), 6),
    }


def build(items: Sequence[Example], fingerprint: str, lexicon: Lexicon) -> TextModel:
    """The model trained on all examples, with its temperature and thresholds picked by
    cross-validation over held-out phrases (each fold's features read with the lexicon less its
    phrases), on the outcomes of ``CALIBRATION_SEEDS`` shuffles into folds pooled (each example
    predicted once per shuffle): one shuffle alone moved the `answer` threshold by up to a
    tenth, pooled and fitted it moves by about 0.02 (README, "Understanding")."""
    pooled = [
        o
        for seed in CALIBRATION_SEEDS
        for o in cross_validate(items, by_phrase, seed=seed, lexicon=lexicon)
    ]
    model = fit(items, lexicon.features(items), lexicon)
    model.fingerprint = fingerprint
    model.temperature, model.thresholds = calibrate(pooled, families(lexicon.catalogue))
    return model


@dataclass(frozen=True)
class Decision:
    example: Example
    label: str | None  # what the bot answered, as a label; None when it asked back or fell back


def _readings(phrase: str, tokenizer: Tokenizer) -> set[tuple[str, ...]]:
    """A phrase as the lexicon's index reads it: its tokens, and with one word in a feminine or
    plural form ("Prüfer" is also "Prüferin", "Prüferinnen")."""
    key = tokenizer.tokens(phrase)
    out = {key}
    for i, word in enumerate(key):
        out.update((*key[:i], form, *key[i + 1 :]) for form in word_forms(word))
    return out


def without_phrases(
    catalogue: Catalogue, phrases: Iterable[str], found: Collection[tuple[str, ...]] = ()
) -> Catalogue:
    """The catalogue with these phrases removed from its lexicon (role and topic terms,
    community keywords and qualifiers, Working Groups' names and keywords, intent phrases,
    escalation route phrases, FAQs' subjects): a phrase held out of training must not be known
    to the rules or to the model's concept features either. A lexicon phrase goes when it reads
    as one of ``phrases`` (the same tokens, or one word in another form of it), or as one of the
    word sequences ``found`` in held-out text (``Lexicon.reader``)."""
    tokenizer = catalogue.tokenizer
    gone = set(found).union(*(_readings(p, tokenizer) for p in phrases))

    def keep(terms: Iterable[str]) -> tuple[str, ...]:
        return tuple(t for t in terms if gone.isdisjoint(_readings(t, tokenizer)))

    def community(c: Community) -> Community:
        return dataclasses.replace(c, keywords=keep(c.keywords), qualifiers=keep(c.qualifiers))

    def group(wg: WorkingGroup) -> WorkingGroup:
        name, nickname = (keep((p,)) for p in (wg.name, wg.nickname))
        return dataclasses.replace(
            wg,
            name=name[0] if name else "",
            nickname=nickname[0] if nickname else "",
            keywords=keep(wg.keywords),
        )

    routes = catalogue.escalation.routes
    return dataclasses.replace(
        catalogue,
        roles=tuple(dataclasses.replace(r, terms=keep(r.terms)) for r in catalogue.roles),
        topics=tuple(dataclasses.replace(t, terms=keep(t.terms)) for t in catalogue.topics),
        teams=tuple(community(c) for c in catalogue.teams),
        subteams=tuple(community(c) for c in catalogue.subteams),
        working_groups=tuple(group(wg) for wg in catalogue.working_groups),
        intent_phrases=tuple((kind, keep(ps)) for kind, ps in catalogue.intent_phrases),
        faqs=tuple(dataclasses.replace(f, subject=keep(f.subject)) for f in catalogue.faqs),
        escalation=dataclasses.replace(
            catalogue.escalation,
            routes=tuple(dataclasses.replace(r, phrases=keep(r.phrases)) for r in routes),
        ),
    )


def hybrid_cross_validate(
    catalogue: Catalogue,
    items: Sequence[Example],
    languages: dict[str, frozenset[str]],
    group: Callable[[Example], str] = lambda e: e.phrase.casefold(),
    folds: int = 5,
    seed: int = 7,
    sample: int = 0,
) -> list[Decision]:
    """The whole understanding (rules + model) on held-out groups: each fold's phrases are left
    out of the model's training and removed from the lexicon (``hidden``) that the rules and
    the model's concept features read with. ``sample``: predict only every n-th example of a
    fold (faster; 0 = all)."""
    whole = Lexicon(catalogue, languages)
    names = sorted({group(e) for e in items})
    random.Random(seed).shuffle(names)
    fold_of = {name: i % folds for i, name in enumerate(names)}
    out: list[Decision] = []
    for k in range(folds):
        trained = [e for e in items if fold_of[group(e)] != k]
        held_out = [e for e in items if fold_of[group(e)] == k]
        lexicon = whole.less(*hidden(group, held_out))
        model = fit(trained, lexicon.features(trained), lexicon)
        model.temperature, model.thresholds = calibrate(
            cross_validate(trained, group, folds=3, seed=seed, lexicon=lexicon),
            families(catalogue),
        )
        reader = Understander(lexicon.catalogue, model, languages)
        for example in held_out[::sample] if sample else held_out:
            u = reader.understand(example.text)
            label: str | None
            if u.intent == Intent.RECOMMEND and u.matches:
                label = f"c:{u.matches[0].community_id}"
            elif u.intent == Intent.FAQ:
                label = f"faq:{u.faq_id}"
            elif u.intent == Intent.FALLBACK:
                label = None if example.label != "offtopic" else "offtopic"
            elif u.intent == Intent.CLARIFY:
                label = None
            else:
                label = str(u.intent)
            out.append(Decision(example, label))
    return out


def by_phrase(e: Example) -> str:
    return e.phrase.casefold()


def by_template(e: Example) -> str:
    """Templated examples by their template; the others (written whole) by their phrase."""
    return e.template or "=" + e.phrase.casefold()


def by_language(e: Example) -> str:
    return e.language


HOLD_OUTS: dict[str, Callable[[Example], str]] = {  # tests/unit/test_generalisation.py
    "phrase": by_phrase,
    "template": by_template,
    "language": by_language,
    "language, no glossary": by_language,
}
HOLD_OUT_SEEDS = (7, 8, 9)  # the shuffles of the groups into folds


def held_out_runs(
    items: Sequence[Example],
    lexicon: Lexicon,
    name: str,
    seeds: Sequence[int] = HOLD_OUT_SEEDS,
    feats: Sequence[list[int]] | None = None,
) -> list[list[Outcome]]:
    """The model alone on ``items`` with groups of the kind ``name`` (``HOLD_OUTS``) held out,
    4 folds, once per seed (each example predicted once per seed): the cross-validation of
    tests/unit/test_generalisation.py and ``bench/generalisation.py --held-out``. A fold reads
    its examples with the lexicon less what it holds out (``hidden``; with "language, no
    glossary", ``languages_glossary``); ``feats``: the examples' features read with the whole
    lexicon (``Lexicon.features``), when already computed."""
    group = HOLD_OUTS[name]
    hide = languages_glossary(lexicon, items) if name == "language, no glossary" else None
    feats = lexicon.features(items) if feats is None else feats
    return [
        cross_validate(items, group, folds=4, seed=seed, feats=feats, lexicon=lexicon, hide=hide)
        for seed in seeds
    ]


def held_out_figures(
    shuffles: Sequence[Sequence[Outcome]], family: Mapping[str, str]
) -> tuple[float, float, float]:
    """Intent, community and community's Team accuracy (``accuracy``), means over shuffles."""
    n = max(len(shuffles), 1)
    return (
        sum(accuracy(o, "intent") for o in shuffles) / n,
        sum(accuracy(o, "c:") for o in shuffles) / n,
        sum(accuracy(o, "c:", family) for o in shuffles) / n,
    )


@dataclass(frozen=True)
class Loaded:
    model: TextModel
    languages: dict[str, frozenset[str]]
    retrained: str | None  # why the saved model was not used (None when it was)


def load_understanding(data_dir: str | Path, catalogue: Catalogue) -> Loaded:
    """The saved model when it matches the data; else (missing or stale) one trained now, in
    memory, so a stale model is never served. A stale model's temperature and thresholds are kept
    for the one trained now (it is trained in seconds; picking them again takes the minute of
    cross-validation of ``python -m bot train``, which a stale model tells the operator to run);
    without a readable model file, the model is built as ``python -m bot train`` does."""
    training = load_training(data_dir, catalogue)
    items = examples(catalogue, training)
    languages = dict(training.languages)
    expected = current_fingerprint(items, catalogue, languages)
    lexicon = Lexicon(catalogue, languages)
    path = Path(data_dir) / MODEL_FILE
    try:
        return Loaded(load_model(path, expected), languages, None)
    except ModelError as exc:
        reason = str(exc)
    try:
        stale = read_model(path)
    except ModelError:
        return Loaded(build(items, expected, lexicon), languages, reason)
    model = fit(items, lexicon.features(items), lexicon)
    model.fingerprint = expected
    model.temperature, model.thresholds = stale.temperature, dict(stale.thresholds)
    return Loaded(model, languages, f"{reason}; the saved model's thresholds are kept meanwhile")
