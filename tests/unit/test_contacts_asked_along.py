"""Issue 10: whom to write to, asked along with a team question or on its own, and the list, an
account's e-mail address and the controllers' network in the other EU languages; what the bot
can do, asked informally. Run with the trained model the bot serves (data/model). Every sentence
here is our own; each class is fixed in data/ (intents.yaml: the clause words, question words,
contact verbs, problems, help, list and account phrases; escalation.yaml: a general question in
more languages; vocabulary.yaml; training/questions.yaml) or in the general way a message is cut
into its questions, never for one sentence."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.assistant import Assistant
from bot.core.understanding import Intent, Understander
from tests.support.catalogues import real_catalogue
from tests.support.catalogues import top_community as _top

TODAY = dt.date(2026, 11, 30)
TECH = "tech.support@interact.eu"
GENERAL = "communication@interact.eu"


@pytest.fixture(scope="module")
def assistant(reader: Understander) -> Assistant:
    return Assistant(real_catalogue(), model=reader.model, languages=reader.languages)


# ------------------------------------------- a team question, then whom to write to (one message)


@pytest.mark.parametrize(
    ("text", "team", "address"),
    [
        (
            "I'm a controller, which team for me, and if I have problems with my account, "
            "who do I contact?",
            "controllers",
            TECH,
        ),
        (
            "Which community is for auditors, and who should I write to if my login doesn't work?",
            "auditors",
            TECH,
        ),
        (
            "which team for a first level controller, and if my account is blocked, whom do I "
            "email?",
            "controllers",
            TECH,
        ),
        (
            "Ich bin Prüferin, welches Team passt, und wen frage ich bei Problemen mit meinem "
            "Konto?",
            "auditors",
            TECH,
        ),
        (
            "Ich arbeite in der Finanzabteilung, welches Team ist meins, und wenn ich eine "
            "allgemeine Frage habe, wem schreibe ich?",
            "financial-management",
            GENERAL,
        ),
        (
            "Je suis contrôleur, quelle équipe, et en cas de problème de compte, qui dois-je "
            "contacter ?",
            "controllers",
            TECH,
        ),
        (
            "Sono un controllore, quale team fa per me, e se la password non va chi contatto?",
            "controllers",
            TECH,
        ),
        (
            "Soy auditora, ¿qué equipo me toca y, si tengo problemas con la cuenta, a quién "
            "contacto?",
            "auditors",
            TECH,
        ),
        (
            "Sou a responsável de comunicação do nosso programa: qual a equipa certa? E para "
            "perguntas gerais, a quem escrevo?",
            "communication",
            GENERAL,
        ),
        (
            "Δουλεύω ως ελεγκτής πρώτου επιπέδου: ποια κοινότητα είναι η δική μου και σε ποιον "
            "γράφω για μια γενική ερώτηση;",
            "controllers",
            GENERAL,
        ),
        (
            "Ik ben controleur, welk team is voor mij en wie contacteer ik bij problemen met "
            "mijn account?",
            "controllers",
            TECH,
        ),
        (
            "Ik doe communicatie voor een programma: welk team, en naar wie schrijf ik met een "
            "algemene vraag?",
            "communication",
            GENERAL,
        ),
        (
            "Zajmuję się komunikacją: jaki zespół i do kogo piszę z ogólnym pytaniem?",
            "communication",
            GENERAL,
        ),
        (
            "Jestem kontrolerem, który zespół jest dla mnie i do kogo pisać w razie problemów "
            "z kontem?",
            "controllers",
            TECH,
        ),
    ],
)
def test_a_team_question_with_whom_to_write_to_gets_both(assistant, text, team, address):
    """Which team, and whom to write to (about an account, or with a general question), in one
    message: the community is recommended and the contact named after it (the contact was
    lost: only the recommendation was answered)."""
    reply = assistant.respond(text, TODAY)
    assert _top(reply.understanding) == team, (text, reply.understanding.intent)
    assert address in reply.text, text


@pytest.mark.parametrize(
    "text",
    [
        "Ich habe eine allgemeine Frage zu den Communities, an wen wende ich mich am besten?",
        "J'ai une question générale sur vos communautés, à qui dois-je écrire ?",
        "Ho una domanda generica sulle vostre community, a chi posso scrivere?",
        "Tengo una duda general sobre vuestras comunidades, ¿a quién le escribo?",
        "Komu mam napisać, jeśli mam ogólne pytanie o społeczności?",
        "A quem devo escrever com uma pergunta geral sobre as comunidades?",
        "Komu napíšu s obecným dotazem ke komunitám?",
        "Kam se obrnem, če imam splošno vprašanje o skupnostih?",
        "Kome se mogu obratiti s općim pitanjem o zajednicama?",
        "Kinek írhatok általános kérdéssel a közösségekkel kapcsolatban?",
        "Σε ποιον απευθύνομαι για μια γενική ερώτηση σχετικά με τις κοινότητες;",
        "Cui mă adresez cu o întrebare generală despre comunități?",
    ],
)
def test_whom_to_write_to_with_a_general_question(assistant, text):
    """A general question's contact, asked after the question's subject or in another EU
    language: the FAQ that names communication@ (these fell back or asked back)."""
    reply = assistant.respond(text, TODAY)
    u = reply.understanding
    assert (u.intent, u.faq_id) == (Intent.FAQ, "general-contact"), (text, u.intent, u.faq_id)
    assert GENERAL in reply.text


def test_whom_to_write_to_about_someone_else_stays_unanswered_by_the_faq(reader):
    """A question about whom to contact in a programme is no question for Interact's contacts
    (only a bare "whom do I write to?" gets the general contact's FAQ)."""
    u = reader.understand("how do I contact the joint secretariat of my programme?")
    assert u.faq_id != "general-contact" or u.intent != Intent.FAQ


# ------------------------------------------------------------ what the bot can do, informally


@pytest.mark.parametrize(
    "text",
    [
        "¿En qué asuntos me podrías echar una mano?",
        "buenas, soy nueva por aquí, ¿para qué me puedes servir?",
        "Dimmi in che cosa potresti essermi utile",
        "Salve, sono nuovo: come mi puoi dare una mano?",
        "ciao, è la prima volta che uso questo bot, in cosa potresti essermi utile?",
    ],
)
def test_what_the_bot_can_do_asked_informally(reader, text):
    assert reader.understand(text).intent == Intent.HELP, text


# --------------------------------------------------------------------- the other EU languages


@pytest.mark.parametrize(
    "text",
    [
        "Hvilke fællesskaber findes der? Jeg vil gerne have et overblik",
        "Hvilke teams har I? Giv mig en oversigt",
        "Hvilke netværk findes der? Giv et overblik",
        "Jakie grupy u was istnieją? Proszę o przegląd",
        # shown all of them, in more words
        "fammi vedere tutti i gruppi che ci sono",
        "show me every network you run",
    ],
)
def test_the_list_asked_in_other_languages_and_words(reader, text):
    assert reader.understand(text).intent == Intent.LIST, text


@pytest.mark.parametrize(
    "text",
    [
        "Mano el. pašto adresas pasikeitė, kaip jį atnaujinti paskyroje?",
        "Mana e-pasta adrese ir mainījusies, kā to nomainīt Interact kontā?",
        "Minu e-posti aadress muutus, kuidas seda Interacti kontol muuta?",
        "Megváltozott az e-mail címem, hogyan módosíthatom az Interact fiókomban?",
        "Promijenila mi se e-mail adresa, kako je mogu promijeniti u Interact računu?",
        "Η διεύθυνση email μου άλλαξε, πώς την αλλάζω στον λογαριασμό μου στο Interact;",
        "Min e-mailadresse er ændret, hvordan ændrer jeg den i min Interact-konto?",
    ],
)
def test_a_changed_email_address_in_other_languages_goes_to_tech_support(reader, text):
    u = reader.understand(text)
    assert (u.intent, u.contact_id) == (Intent.ESCALATE, "tech-support"), (text, u.intent)


@pytest.mark.parametrize(
    "text",
    [
        "hogy tudok belepni a kontrollerek csoportjaba",
        "a kontrollerek halozata erdekel, hogyan tudok bekerulni?",
    ],
)
def test_controllers_in_hungarian_without_accents(reader, text):
    u = reader.understand(text)
    assert _top(u) == "controllers", (text, u.intent)
