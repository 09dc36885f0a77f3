"""The understanding model: trained from data/, never served stale, combined with the exact rules.

The sentences here are our own (not those of shared/eval or tests/heldout).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest
import yaml

from bot.assistant import Assistant
from bot.cli.main import main
from bot.core.catalogue import Catalogue, load_catalogue
from bot.core.language import detect
from bot.core.learning import Loaded, load_understanding
from bot.core.model import (
    FORMAT,
    MODEL_FILE,
    Prediction,
    TextModel,
    expected_fingerprint,
    features,
    training_examples,
)
from bot.core.training import load_training
from bot.core.understanding import Intent, Understander
from bot.exits import ExitCode
from tests.support.catalogues import served_understanding

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def loaded() -> Loaded:
    return served_understanding()


@pytest.fixture(scope="module")
def reader(catalogue: Catalogue, loaded: Loaded) -> Understander:
    return Understander(catalogue, loaded.model, loaded.languages)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out), out.getvalue()


def test_the_committed_model_matches_the_data(loaded: Loaded) -> None:
    assert loaded.retrained is None, loaded.retrained


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def _add_task(data: Path, sentence: str) -> None:
    path = data / "training" / "communities.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["communities"][0]["tasks"]["en"].append(sentence)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")


def test_a_stale_model_fails_the_check_and_is_never_served(data_copy: Path, capsys) -> None:
    _add_task(data_copy, "I read through every receipt a partner sends in")
    code, _ = run("check", str(data_copy))
    assert code == ExitCode.DATA
    assert "stale" in capsys.readouterr().err
    catalogue = load_catalogue(data_copy)
    loaded = load_understanding(data_copy, catalogue)
    assert loaded.retrained and "stale" in loaded.retrained
    items, fingerprint = expected_fingerprint(data_copy, catalogue)
    assert any(e.text == "I read through every receipt a partner sends in" for e in items)
    assert loaded.model.fingerprint == fingerprint


def test_an_edit_of_the_lexicon_alone_makes_the_model_stale(data_copy: Path, capsys) -> None:
    """The model reads the lexicon's concepts: a new "join" phrase (no training example of its
    own) changes what it reads, so the saved model is stale."""
    path = data_copy / "intents.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["join"].append("which crew")
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    code, _ = run("check", str(data_copy))
    assert code == ExitCode.DATA
    assert "stale" in capsys.readouterr().err


def test_an_edit_of_a_faq_s_subject_makes_the_model_stale(data_copy: Path, capsys) -> None:
    """A FAQ's subject words are concepts of the model: a new one makes the saved model stale."""
    path = data_copy / "faq.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["faqs"][0].setdefault("subject", []).append("enrolment form")
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    code, _ = run("check", str(data_copy))
    assert code == ExitCode.DATA
    assert "stale" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("language", "field", "word"), [("de", "function_words", "uns"), ("it", "elisions", "quell'")]
)
def test_an_edit_of_the_function_words_makes_the_model_stale(
    data_copy: Path, capsys, language: str, field: str, word: str
) -> None:
    """Function words and elisions decide how the rules and the model's concepts read a message:
    a new one makes the saved model stale."""
    path = data_copy / "function_words.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc[language][field].append(word)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    code, _ = run("check", str(data_copy))
    assert code == ExitCode.DATA
    assert "stale" in capsys.readouterr().err


def test_a_stale_model_is_trained_again_with_the_saved_thresholds(data_copy: Path) -> None:
    """Trained again in seconds at start-up, not cross-validated (python -m bot train does)."""
    saved = TextModel.from_json(yaml.safe_load((data_copy / MODEL_FILE).read_text()))
    _add_task(data_copy, "I tick off each partner's receipts against the bank statements")
    loaded = load_understanding(data_copy, load_catalogue(data_copy))
    assert loaded.retrained and "stale" in loaded.retrained and "thresholds" in loaded.retrained
    assert loaded.model.thresholds == saved.thresholds
    assert loaded.model.temperature == saved.temperature
    assert loaded.model.rows != saved.rows  # trained on the new data


def test_train_writes_a_fresh_model_that_the_check_accepts(data_copy: Path) -> None:
    real = (DATA / MODEL_FILE).read_bytes()
    before = (data_copy / MODEL_FILE).read_bytes()
    _add_task(data_copy, "I read through every receipt a partner sends in")
    code, out = run("train", str(data_copy))
    assert code == 0, out
    assert (data_copy / MODEL_FILE).read_bytes() != before  # the copy's model was retrained
    assert (DATA / MODEL_FILE).read_bytes() == real  # and the real one left alone
    code, out = run("check", str(data_copy))
    assert code == 0 and "up to date" in out


def test_a_missing_model_is_trained_at_start(data_copy: Path) -> None:
    (data_copy / MODEL_FILE).unlink()
    loaded = load_understanding(data_copy, load_catalogue(data_copy))
    assert loaded.retrained and "no model file" in loaded.retrained
    assert loaded.model.predict("I audit the programme").label == "c:auditors"


def _older_format(path: Path) -> None:
    """The model file as the bot wrote it before FORMAT 3: per feature, JSON floats."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["format"] = doc["config"]["format"] = 2
    for key in ("nb_step", "weight_step", "prune"):
        doc["config"].pop(key, None)
    doc["rows"] = {"12345": [0, 1.099, 0.25, 3, 0, -0.12]}
    path.write_text(json.dumps(doc), encoding="utf-8")


def test_a_model_file_of_an_older_format_fails_the_check_and_says_so(
    data_copy: Path, capsys
) -> None:
    _older_format(data_copy / MODEL_FILE)
    code, _ = run("check", str(data_copy))
    err = capsys.readouterr().err
    assert code == ExitCode.DATA
    assert "format 2" in err and f"reads format {FORMAT}" in err
    assert "python -m bot train" in err


def test_a_model_file_of_an_older_format_is_never_served(data_copy: Path) -> None:
    """As a missing model: trained and calibrated again at start-up."""
    _older_format(data_copy / MODEL_FILE)
    loaded = load_understanding(data_copy, load_catalogue(data_copy))
    assert loaded.retrained and "format 2" in loaded.retrained
    assert loaded.model.predict("I audit the programme").label == "c:auditors"


def test_training_data_problems_name_file_entry_and_field(data_copy: Path, capsys) -> None:
    path = data_copy / "training" / "communities.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["communities"][0]["community"] = "no-such-team"
    doc["communities"][1]["titles"]["xx"] = ["someone"]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    code, _ = run("check", str(data_copy))
    err = capsys.readouterr().err
    assert code == ExitCode.DATA
    assert "training/communities.yaml: communities[0] (community 'no-such-team'): field " in err
    assert "field 'titles.xx': unknown language" in err


def test_a_template_without_its_slot_is_a_problem(data_copy: Path, capsys) -> None:
    path = data_copy / "training" / "templates.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["title"]["en"].append("I am somebody")
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    assert run("check", str(data_copy))[0] == ExitCode.DATA
    assert "has no {title} slot" in capsys.readouterr().err


def test_no_evaluation_or_held_out_question_is_written_into_the_training_data(
    catalogue: Catalogue,
) -> None:
    """The examples written in data/training (questions and tasks) are never a question of an
    evaluation or held-out set. (Greetings and one-word messages may coincide, and so may a
    template filled with a job title, such as "IMC member": that is not a copy.)"""
    training = load_training(DATA, catalogue)
    tokens = catalogue.tokenizer.tokens
    written = {tokens(t) for _, per in training.questions for _, texts in per for t in texts}
    written |= {tokens(t) for m in training.materials for _, texts in m.tasks for t in texts}
    sets = sorted((ROOT / "tests" / "heldout").glob("**/*.yaml"))
    shared = ROOT.parent / "shared" / "eval"
    sets += sorted(shared.glob("*.yaml")) if shared.is_dir() else []
    assert sets
    for path in sets:
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            said = tokens(case["q"])
            assert len(said) <= 2 or said not in written, (path.name, case["q"])


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("which community is right for me as a press officer?", "en"),
        ("Ich arbeite in der Finanzabteilung unseres Programms", "de"),
        ("Je suis chargée de mission dans un programme transfrontalier", "fr"),
        ("Lavoro come controllore per un programma Interreg", "it"),
        ("Trabajo como auditora en la autoridad de auditoría", "es"),
        ("Pracuję w komunikacji programu i szukam zespołu", "other"),
        ("Ik ben projectmedewerker bij het programma", "other"),
        ("Είμαι υπεύθυνος επικοινωνίας", "other"),
        # words shared by a main language and another one count for the main language
        ("este mes no consigo registrarme", "es"),
        ("No consigo ver este equipo en Teams", "es"),
        ("ni le portail ni Teams ne marchent", "fr"),
        ("Je travaille au pôle financier du programme", "fr"),
        ("min. two weeks no reply", "en"),
        ("Nu pot vedea echipa, este o eroare", "other"),
        ("Trabalho na comunicação do programa, não consigo ver a equipa", "other"),
    ],
)
def test_the_language_of_a_message_is_detected(
    reader: Understander, text: str, language: str
) -> None:
    assert reader.understand(text).language == language
    assert detect(text, reader.languages) == language


@pytest.mark.parametrize(
    ("text", "community"),
    [
        ("I sign off the expenditure that partners declare", "controllers"),
        ("every year we pick a sample of projects to audit", "auditors"),
        (
            "I keep the programme's accounts and send the payment claims to Brussels",
            "financial-management",
        ),
        (
            "Ich pflege die Facebook-Seite und schreibe den Newsletter des Programms",
            "communication",
        ),
        ("Je réalise les contrôles sur place chez les bénéficiaires", "controllers"),
        ("Preparo le domande di pagamento per la Commissione europea", "financial-management"),
        ("Evalúo las propuestas de proyecto y sigo su ejecución", "programme-management"),
    ],
)
def test_work_described_in_own_words_finds_the_community(
    reader: Understander, text: str, community: str
) -> None:
    """Recommended, or (when the model is less sure) offered first when the bot asks back."""
    u = reader.understand(text)
    assert u.intent in (Intent.RECOMMEND, Intent.CLARIFY), (text, u.intent, u.model_label)
    assert u.matches and u.matches[0].community_id == community, (text, u.matches)


def test_the_employer_is_context_and_the_function_decides(reader: Understander) -> None:
    u = reader.understand("joint secretariat, finance side")
    assert u.intent == Intent.RECOMMEND
    assert u.matches[0].community_id == "financial-management"


def test_eligibility_is_applied_to_the_model_s_choice(reader: Understander) -> None:
    u = reader.understand("I'm an auditor and I check the programme's payment applications")
    assert "financial-management" not in [m.community_id for m in u.matches]


@pytest.mark.parametrize(
    "text",
    [
        "what is the reimbursement rate for staff costs in our programme?",
        "when does the third call of Interreg Danube close?",
        "how do I cook risotto",
        "qwertzuiop",
    ],
)
def test_off_topic_questions_get_no_community(reader: Understander, text: str) -> None:
    u = reader.understand(text)
    assert u.intent in (Intent.FALLBACK, Intent.HELP, Intent.CLARIFY), (text, u.intent)
    assert u.intent != Intent.RECOMMEND


@pytest.mark.parametrize(
    "text",
    [
        "Jestem audytorem w instytucji audytowej",
        "Trabalho na comunicação de um programa Interreg",
        "Nemohu se přihlásit do portálu",
        "Δεν μπορώ να συνδεθώ",
        "Jag är kommunikatör i ett Interreg-program",
    ],
)
def test_other_eu_languages_are_never_told_i_cant_help(reader: Understander, text: str) -> None:
    assert reader.understand(text).intent != Intent.FALLBACK


class _Fixed:
    """A model that always predicts the same thing (to test how rules and model combine)."""

    def __init__(self, ranked: tuple[tuple[str, float], ...]) -> None:
        self.ranked = ranked
        self.thresholds = {"answer": 0.8, "override": 0.99}

    def predict(self, text: str, concepts: Iterable[str] = ()) -> Prediction:
        n = len(features(text, concepts))
        return Prediction(self.ranked, n, n)


def _with(catalogue: Catalogue, ranked: tuple[tuple[str, float], ...]) -> Understander:
    model: TextModel = _Fixed(ranked)  # type: ignore[assignment]
    return Understander(catalogue, model, dict(load_training(DATA, catalogue).languages))


def test_two_close_communities_are_offered_as_choices(catalogue: Catalogue) -> None:
    reader = _with(catalogue, (("c:auditors", 0.55), ("c:controllers", 0.4), ("help", 0.05)))
    u = reader.understand("I look at what others have spent")
    assert u.intent == Intent.CLARIFY
    assert [m.community_id for m in u.matches] == ["auditors", "controllers"]
    answer = Assistant(catalogue).answerer.answer(u, TODAY)
    assert [c.title for c in answer.choices] == ["Auditors network", "Controllers network"]


def test_a_team_and_its_own_sub_team_in_a_near_tie_are_offered_as_choices(
    catalogue: Catalogue,
) -> None:
    """Sure of the Team's family (0.95), not of which member: answering the Team would send a
    licence holder's representative past the User Group, so the bot asks, with both."""
    ranked = (("c:jems-user-group", 0.5), ("c:jems", 0.45), ("c:ncp", 0.05))
    u = _with(catalogue, ranked).understand("I look after the monitoring software for us")
    assert u.intent == Intent.CLARIFY
    assert [m.community_id for m in u.matches] == ["jems-user-group", "jems"]


def test_two_sibling_sub_teams_in_a_near_tie_are_offered_as_choices(catalogue: Catalogue) -> None:
    ranked = (("c:transnational-heads", 0.5), ("c:interregional-heads", 0.45), ("c:ncp", 0.05))
    u = _with(catalogue, ranked).understand("I run our secretariat and want to meet my peers")
    assert u.intent == Intent.CLARIFY
    assert [m.community_id for m in u.matches] == ["transnational-heads", "interregional-heads"]


def test_the_rules_finding_the_team_alone_and_the_model_its_sub_team_ask_between_them(
    catalogue: Catalogue,
) -> None:
    """The word "Jems" alone is the Team's keyword; the model reads the rest as the User Group's."""
    ranked = (("c:jems-user-group", 0.9), ("c:jems", 0.08), ("c:ncp", 0.02))
    u = _with(catalogue, ranked).understand("I speak for our programme on jems matters")
    assert u.intent == Intent.CLARIFY
    assert [m.community_id for m in u.matches] == ["jems-user-group", "jems"]


def test_a_sub_team_the_model_is_sure_of_is_answered_inside_the_rules_team(
    catalogue: Catalogue,
) -> None:
    """The rules found the Team ("jems"); a model sure enough to overrule rules names its sub-team,
    which is inside that Team: no reason to ask."""
    ranked = (("c:jems-user-group", 0.995), ("c:jems", 0.004), ("c:ncp", 0.001))
    u = _with(catalogue, ranked).understand("I speak for our programme on jems matters")
    assert u.intent == Intent.RECOMMEND
    assert u.matches[0].community_id == "jems-user-group"


def test_a_clear_member_of_the_family_is_answered(catalogue: Catalogue) -> None:
    ranked = (("c:jems-user-group", 0.85), ("c:jems", 0.1), ("c:ncp", 0.05))
    u = _with(catalogue, ranked).understand("I speak for the programme I work for")
    assert u.intent == Intent.RECOMMEND
    assert u.matches[0].community_id == "jems-user-group"


def test_a_sub_team_named_by_the_rules_is_not_doubted(catalogue: Catalogue) -> None:
    ranked = (("c:jems", 0.5), ("c:jems-user-group", 0.45), ("c:ncp", 0.05))
    u = _with(catalogue, ranked).understand("is there a jems user group?")
    assert u.intent == Intent.RECOMMEND
    assert u.matches[0].community_id == "jems-user-group"


def test_a_weak_model_never_answers_alone(catalogue: Catalogue) -> None:
    reader = _with(catalogue, (("faq:register", 0.5), ("list", 0.3), ("offtopic", 0.2)))
    assert reader.understand("something about papers").intent == Intent.FALLBACK


def test_a_confident_model_answers_where_the_rules_found_nothing(catalogue: Catalogue) -> None:
    reader = _with(catalogue, (("c:communication", 0.9), ("c:ncp", 0.1)))
    u = reader.understand("I look after what the public hears about us")
    assert u.intent == Intent.RECOMMEND and u.source == "model"
    assert u.matches[0].community_id == "communication"


def test_the_exact_rules_win_over_the_model(catalogue: Catalogue) -> None:
    reader = _with(catalogue, (("c:communication", 0.95), ("c:ncp", 0.05)))
    u = reader.understand("can a controller join Financial management?")
    assert u.matches[0].community_id == "controllers"
    assert u.refusals and u.refusals[0].community_id == "financial-management"


@pytest.mark.parametrize("label", ["greeting", "c:med-lab", "faq:subteams", "help"])
def test_a_message_of_nothing_but_small_talk_is_small_talk_whatever_the_model_says(
    catalogue: Catalogue, label: str
) -> None:
    reader = _with(catalogue, ((label, 0.9999), ("small_talk", 0.0001)))
    for text in ("thanks", "great", "see you", "ok, thanks a lot!", "vielen Dank"):
        assert reader.understand(text).intent == Intent.SMALL_TALK, (text, label)


def test_a_long_message_is_more_than_small_talk(catalogue: Catalogue) -> None:
    reader = _with(catalogue, (("small_talk", 0.99), ("offtopic", 0.01)))
    u = reader.understand("the weather was lovely on the long walk home along the river today")
    assert u.intent == Intent.FALLBACK


@pytest.mark.parametrize("text", ["dziękuję bardzo", "obrigada", "dank u wel"])
def test_a_thank_you_in_another_eu_language_is_small_talk(reader: Understander, text: str) -> None:
    assert reader.understand(text).intent == Intent.SMALL_TALK


def test_two_questions_in_one_message_are_both_answered(catalogue: Catalogue, loaded) -> None:
    assistant = Assistant(catalogue, model=loaded.model, languages=loaded.languages)
    reply = assistant.respond(
        "which community suits a communication officer, and how can I create an account?", TODAY
    )
    u = reply.understanding
    assert u.intent == Intent.RECOMMEND and u.matches[0].community_id == "communication"
    assert [a.intent for a in u.also] == [Intent.FAQ] and u.also[0].faq_id == "register"
    assert "Anyone involved in Interreg" in reply.text


def test_a_role_and_a_task_in_one_message_stay_one_question(reader: Understander) -> None:
    u = reader.understand("I'm a first level controller and I also check financial matters")
    assert not u.also
    assert "financial-management" not in [m.community_id for m in u.matches]


def test_a_word_near_a_support_word_is_no_request_for_a_person(reader: Understander) -> None:
    """The word "operations" was once corrected to "operator" and escalated."""
    u = reader.understand("we carry out audits of operations for the programme")
    assert u.intent == Intent.RECOMMEND and u.matches[0].community_id == "auditors"


@pytest.mark.parametrize(
    "text",
    [
        "I requested access to the Auditors network a month ago and got no answer",
        "my account is still pending after ten days",
        "the portal just shows a blank page",
        # German puts the place or the time between "mich nicht" and the verb
        "Ich kann mich seit gestern nicht mehr im Portal anmelden",
        "Leider kann ich mich nicht bei Interact einloggen",
    ],
)
def test_problems_in_the_user_s_words_are_escalated(reader: Understander, text: str) -> None:
    assert reader.understand(text).intent == Intent.ESCALATE


@pytest.mark.parametrize(
    "text",
    ["I don't see the IPA Communication channel in Teams", "why can't I see the Core Group?"],
)
def test_a_sub_team_the_user_cannot_see_gets_the_sub_teams_answer(
    reader: Understander, text: str
) -> None:
    u = reader.understand(text)
    assert u.intent == Intent.FAQ and u.faq_id == "subteams", (text, u.intent, u.faq_id)


def test_asking_for_tech_support_by_name_reaches_tech_support(reader: Understander) -> None:
    u = reader.understand("I'd like to contact tech support")
    assert u.intent == Intent.ESCALATE and u.contact_id == "tech-support"


def test_how_many_counts_when_matching_a_faq(reader: Understander) -> None:
    u = reader.understand("how many Teams exist at Interact?")
    assert u.intent == Intent.FAQ and u.faq_id == "platform", (u.intent, u.faq_id)


def test_rules_reading_a_problem_are_not_doubted_for_a_weak_community_guess(
    catalogue: Catalogue,
) -> None:
    reader = _with(catalogue, (("c:communication", 0.4), ("escalate", 0.3), ("list", 0.3)))
    u = reader.understand("my request to join got no response")
    assert u.intent == Intent.ESCALATE, (u.intent, u.matches)


def test_a_greeting_with_more_to_say_is_read_for_the_rest(catalogue: Catalogue) -> None:
    reader = _with(catalogue, (("c:programme-management", 0.9995), ("greeting", 0.0005)))
    u = reader.understand("hello, I coach applicants through their proposals")
    assert u.intent == Intent.RECOMMEND and u.matches[0].community_id == "programme-management"
    assert reader.understand("good morning!").intent == Intent.GREETING


def test_a_message_in_another_script_is_read_not_taken_for_an_empty_one(
    catalogue: Catalogue,
) -> None:
    reader = _with(catalogue, (("c:controllers", 0.95), ("c:auditors", 0.05)))
    u = reader.understand("Είμαι ελεγκτής δαπανών σε πρόγραμμα")
    assert u.intent in (Intent.RECOMMEND, Intent.CLARIFY), u.intent
    assert [m.community_id for m in u.matches][:1] == ["controllers"]


@pytest.mark.parametrize(
    "text",
    [
        "I registered in Jems network but the User Group channel is missing",
        "we joined Inter Programme collaboration, the Baltic Sea channel is not showing",
    ],
)
def test_an_invisible_sub_team_gets_the_sub_teams_answer_whatever_else_is_said(
    catalogue: Catalogue, text: str
) -> None:
    u = Understander(catalogue).understand(text)
    assert u.intent == Intent.FAQ and u.faq_id == "subteams", (u.intent, u.faq_id)


@pytest.mark.parametrize(
    "text",
    [
        "je suis agent du secrétariat conjoint",
        "which team suits someone who coordinates project partners?",
        "I'm a staff member of the joint secretariat",
    ],
)
def test_a_job_described_with_person_words_is_no_request_for_a_person(
    catalogue: Catalogue, text: str
) -> None:
    assert Understander(catalogue).understand(text).intent != Intent.ESCALATE


def test_an_employer_alone_is_weak_rules_that_a_confident_model_overrules(
    catalogue: Catalogue,
) -> None:
    """The joint secretariat is context, not a role (alone it asks back which function): the
    function, told in words the rules do not know, decides."""
    reader = _with(catalogue, (("c:communication", 0.9), ("c:programme-management", 0.1)))
    u = reader.understand("joint secretariat, I look after what the public hears about us")
    assert u.intent == Intent.RECOMMEND and u.matches[0].community_id == "communication"
    u = reader.understand("project officer at the joint secretariat, I look after the public")
    assert u.matches[0].community_id == "programme-management"  # a role term is no weak rule


@pytest.mark.parametrize(
    "text", ["jag kan inte logga in sedan i går", "ik kan niet inloggen sinds vanochtend"]
)
def test_a_login_problem_in_another_eu_language_is_escalated_by_the_rules(
    catalogue: Catalogue, text: str
) -> None:
    assert Understander(catalogue).understand(text).intent == Intent.ESCALATE


@pytest.mark.parametrize(
    ("text", "community_id"),
    [
        ("je publie sur les réseaux sociaux du programme", "communication"),
        ("escribo las notas de prensa del programa", "communication"),
        ("ich schreibe die Pressemitteilungen", "communication"),
        ("lavoro nella cooperazione esterna con paesi terzi", "external-cooperation"),
    ],
)
def test_english_role_words_are_known_in_the_other_four_languages(
    catalogue: Catalogue, text: str, community_id: str
) -> None:
    u = Understander(catalogue).understand(text)
    assert u.intent == Intent.RECOMMEND and u.matches[0].community_id == community_id, u


def test_intent_phrases_and_faq_phrasings_are_examples_in_their_own_language(catalogue) -> None:
    """Cross-validation holds out a language with all of its examples: a German phrase of
    intents.yaml or faq.yaml is a German example, not an English one."""
    items = training_examples(DATA, catalogue)
    language = {(e.label, e.text): e.language for e in items if e.template == ""}
    assert language[("list", "alle teams anzeigen")] == "de"
    assert language[("list", "list all communities")] == "en"
    assert language[("faq:platform", "wie viele Teams gibt es?")] == "de"
    assert not any(e.label == "list" and e.text == "overview" for e in items)  # a list pattern
