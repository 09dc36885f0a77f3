"""Issue 10: FAQs and problems in new words, several questions in one message, the question
whether the bot is a person, and the main roles and problems in the other EU languages, run with
the trained model the bot serves (data/model). Every sentence here is our own; each class is
fixed in data/ (faq.yaml, intents.yaml, vocabulary.yaml, escalation.yaml, training/) or in the
general way a message is cut into its questions, not for one sentence."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.assistant import Assistant
from bot.core.understanding import Intent, Understander
from tests.support.catalogues import real_catalogue
from tests.support.catalogues import top_community as _top

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def assistant(reader: Understander) -> Assistant:
    return Assistant(real_catalogue(), model=reader.model, languages=reader.languages)


# ------------------------------------------------------------ several questions in one message


@pytest.mark.parametrize(
    ("text", "team"),
    [
        ("I'm an auditor: which team is mine, and how many teams are there?", "auditors"),
        ("Ich bin Prüferin. Welches Team passt zu mir und wie viele Teams gibt es?", "auditors"),
        (
            "Je travaille dans la communication : quelle équipe, et combien d'équipes y a-t-il ?",
            "communication",
        ),
        (
            "Sono un punto di contatto nazionale, quale team fa per me e quanti team ci sono?",
            "ncp",
        ),
        (
            "Soy controladora de primer nivel, ¿qué equipo me toca y cuántos equipos existen?",
            "controllers",
        ),
        ("Jestem kontrolerem pierwszego stopnia. Który zespół i ile jest zespołów?", "controllers"),
        ("Ik ben communicatiemedewerker. Welk team en hoeveel teams zijn er?", "communication"),
        ("Könyvvizsgáló vagyok, melyik csapat és hány csapat van?", "auditors"),
        (
            "Sou técnica financeira, qual é a equipa e quantas equipas existem?",
            "financial-management",
        ),
    ],
)
def test_a_team_and_how_many_teams_asked_at_once_get_both(reader, text, team):
    """The second question, a fact ("how many teams?"), is cut off at "and" / "und" / "et" /
    "e" / "y" / "i" / "en" / "és" / "e" and the question word after it, and answered too, also
    when a statement of one's role opens the message as a sentence of its own."""
    u = reader.understand(text)
    assert _top(u) == team, (text, u.intent)
    assert [(a.intent, a.faq_id) for a in u.also] == [(Intent.FAQ, "platform")], text


def test_two_facts_asked_at_once_get_both(reader):
    u = reader.understand("How do I get an account? And what happened to the old IBM communities?")
    assert [(x.intent, x.faq_id) for x in (u, *u.also)] == [
        (Intent.FAQ, "register"),
        (Intent.FAQ, "old-communities"),
    ]


def test_the_count_asked_with_a_team_is_in_the_reply(assistant):
    reply = assistant.respond(
        "Soy responsable de comunicación: ¿qué equipo me corresponde y cuántos equipos hay?", TODAY
    )
    assert "10" in reply.text and "Communication and visibility" in reply.text


@pytest.mark.parametrize(
    "text",
    [
        "I'm a first level controller and my colleague works on finance",
        "Ich bin Kontrolleur und prüfe auch Rechnungen",
        "Kontroluję wydatki i sprawdzam faktury partnerów",
    ],
)
def test_one_statement_with_and_stays_one_question(reader, text):
    assert not reader.understand(text).also


# ------------------------------------------------------------ who may register


@pytest.mark.parametrize(
    "text",
    [
        "As a lead partner, am I allowed to create an account on the portal?",
        "Can beneficiaries sign up as well or only people from the programmes?",
        "Darf ich mich als Projektpartner beim Portal registrieren?",
        "Können Begünstigte eines Projekts auch ein Konto bekommen?",
        "Un bénéficiaire a-t-il le droit de s'inscrire sur le portail ?",
        "Anche un partner di progetto può registrarsi sul portale?",
        "Sono capofila di un progetto: posso iscrivermi?",
        "¿Un beneficiario también puede registrarse en el portal?",
        "Soy socio de un proyecto, ¿puedo abrirme una cuenta?",
    ],
)
def test_whether_a_partner_or_a_beneficiary_may_register_is_the_registration_faq(reader, text):
    """Anyone involved in Interreg may register: asked by a lead partner, a beneficiary or a
    project partner about themselves, that is the answer (no team, no fallback)."""
    u = reader.understand(text)
    assert (u.intent, u.faq_id) == (Intent.FAQ, "register"), (text, u.intent, u.faq_id)


@pytest.mark.parametrize(
    "text",
    [
        "I'm a project partner in an Interreg project, am I allowed to sign up?",
        "Ich bin Lead Partner eines Projekts: darf ich mich registrieren?",
        "Ich bin Projektpartner, kann ich mich auch registrieren?",
        "Je suis chef de file, est-ce que je peux créer un compte ?",
        "Sono capofila di un progetto Interreg, posso registrarmi anch'io?",
        "Soy jefe de fila de un proyecto, ¿me puedo registrar en el portal?",
    ],
)
def test_a_role_said_to_ask_something_else_is_the_questions_context(reader, text):
    """Who the user is, said before a question about themselves that asks neither for a
    community nor whether one is open to them, is its context: the registration question is
    answered, not the role's community (the role, with a word of Programme and project
    management's name, read as if the community had been named)."""
    u = reader.understand(text)
    assert (u.intent, u.faq_id) == (Intent.FAQ, "register"), (text, u.intent, _top(u))


@pytest.mark.parametrize(
    "text",
    [
        "I'm a lead partner, which team should I join?",
        "Ich bin Lead Partner, welches Team passt zu mir?",
        "Sono capofila, quale community fa per me?",
    ],
)
def test_a_role_said_to_ask_for_a_community_still_gets_it(reader, text):
    u = reader.understand(text)
    assert _top(u) == "programme-management", (text, u.intent, _top(u))


# ------------------------------------------------------------ a request left without an answer


@pytest.mark.parametrize(
    "text",
    [
        "I asked to join the auditors team ten days ago and nothing has happened",
        "my request to join has been waiting for two weeks",
        "Meine Beitrittsanfrage ist seit Wochen unbearbeitet",
        "Ich warte seit zwei Wochen auf die Aufnahme ins Controllers network",
        "Ma demande d'adhésion est bloquée depuis des semaines",
        "J'attends depuis dix jours qu'on valide ma demande pour rejoindre l'équipe",
        "La mia domanda di adesione è ferma da giorni",
        "Aspetto da due settimane che accettino la mia richiesta di entrare nel team",
        "Mi solicitud para unirme al equipo lleva semanas parada",
        "Llevo diez días esperando que acepten mi petición",
    ],
)
def test_a_request_waiting_for_days_or_weeks_goes_to_tech_support(reader, text):
    u = reader.understand(text)
    assert (u.intent, u.contact_id) == (Intent.ESCALATE, "tech-support"), (text, u.intent)


# ------------------------------------------------------------ is the bot a person?


@pytest.mark.parametrize(
    "text",
    [
        "Are you a human?",
        "am I talking to a bot?",
        "are you a real person or a machine?",
        "Bist du ein Mensch oder ein Bot?",
        "Es-tu un robot ?",
        "Sei una persona vera?",
        "¿Eres una persona o una máquina?",
    ],
)
def test_asked_whether_it_is_a_person_the_bot_says_what_it_is(assistant, text):
    """Not escalated: the user asked what they are talking to. The reply says it is a bot and
    how to reach a person (the button that asks for one, and the address)."""
    reply = assistant.respond(text, TODAY)
    assert reply.understanding.intent == Intent.HELP, text
    assert "communication@interact.eu" in reply.text
    person = real_catalogue().texts(reply.language.code).get("choice.person.title")
    assert person in reply.text


@pytest.mark.parametrize(
    "text",
    [
        "can I talk to a person?",
        "are you a bot? I want to talk to a real person",
        "Ich möchte mit einer Person sprechen",
    ],
)
def test_a_request_for_a_person_is_still_escalated(reader, text):
    assert reader.understand(text).intent == Intent.ESCALATE, text


# ------------------------------------------------------------ the other EU languages


@pytest.mark.parametrize(
    ("text", "team"),
    [
        ("Jsem národní kontaktní místo pro náš program", "ncp"),
        ("Pracuji jako kontaktní bod pro Česko", "ncp"),
        ("Ik ben nationaal contactpunt voor Interreg in Vlaanderen", "ncp"),
        ("Jestem krajowym punktem kontaktowym", "ncp"),
        ("Olen kansallinen yhteyspiste Suomessa", "ncp"),
        ("Esu Interact stebėsenos komiteto narys", "imc"),
        ("Sunt membru al comitetului de monitorizare al programului Interact", "imc"),
        ("Jestem członkiem komitetu monitorującego programu Interact", "imc"),
        ("Zasedám v monitorovacím výboru programu Interact", "imc"),
        ("Dirbu programos vadybininke", "programme-management"),
    ],
)
def test_main_roles_in_other_eu_languages_are_recognised(reader, text, team):
    assert _top(reader.understand(text)) == team, text


@pytest.mark.parametrize(
    "text",
    [
        "Mijn account is vergrendeld",
        "Mój dostęp do portalu jest zablokowany",
        "Můj účet je zablokovaný",
        "A minha conta está bloqueada desde ontem",
        "Mano paskyra užblokuota",
        "Il mio account è bloccato",
        "My account is blocked",
        "Nikdo mi neodpověděl na žádost o připojení",
        "Niemand heeft gereageerd op mijn verzoek",
        "Nikt nie odpowiedział na moje zgłoszenie",
        "Még mindig nincs válasz a kérésemre",
    ],
)
def test_a_blocked_account_or_no_answer_in_any_language_goes_to_tech_support(reader, text):
    u = reader.understand(text)
    assert (u.intent, u.contact_id) == (Intent.ESCALATE, "tech-support"), (text, u.intent)
