"""Issue 10, "tasks instead of titles" for the programme staff and the networks (communication,
programme and project management, National Contact Points, the Interact Monitoring Committee,
Jems, External Cooperation): people who describe their daily work get that work's community,
in English, German, French, Italian and Spanish. Run with the trained model the bot serves.

Sentences of our own, none of them a phrase of data/ or of an evaluation set; each class is fixed
by rules, vocabulary and training material, not by a sentence.
"""

from __future__ import annotations

import pytest

from bot.core.understanding import Intent


@pytest.mark.parametrize(
    "text",
    [
        "I help applicants from my country find project partners",
        "Aiuto i proponenti della mia regione a cercare partner",
        "Ayudo a los solicitantes de mi país a encontrar socios",
        "Ich helfe Antragstellern aus meinem Land bei der Partnersuche",
    ],
)
def test_helping_others_in_one_s_work_is_no_request_for_help(reader, text):
    """ "I help ...", "aiuto ..." is the user's work, not a question about what the bot can do
    (the help words alone still are: tests/unit/test_message_classes.py)."""
    u = reader.understand(text)
    assert u.intent != Intent.HELP, text
    assert u.intent == Intent.RECOMMEND and u.matches[0].community_id == "ncp", (text, u.intent)


@pytest.mark.parametrize(
    ("text", "team"),
    [
        # communication: print, fairs, social posts, results to the public
        (
            "I put together the brochure about our best projects and run the stand at fairs",
            "communication",
        ),
        ("preparo i post per i social e aggiorno il sito del programma", "communication"),
        ("diffondo i risultati dei progetti e curo la capitalizzazione", "communication"),
        ("Ich plane die Jahresveranstaltung und schreibe den Newsletter", "communication"),
        ("organizo el evento anual y redacto el boletín", "communication"),
        # programme and project management: assessment, calls, reports, changes, committee
        (
            "I score the applications we receive and later read the partners' progress reports",
            "programme-management",
        ),
        (
            "je prépare les appels à projets et le secrétariat du comité de suivi",
            "programme-management",
        ),
        ("faccio l'istruttoria delle domande e preparo la graduatoria", "programme-management"),
        (
            "seguo la rendicontazione dei progetti e le richieste di modifica",
            "programme-management",
        ),
        (
            "Ich bewerte eingereichte Projektanträge und bearbeite Änderungsanträge",
            "programme-management",
        ),
        ("puntúo las solicitudes y sigo la ejecución de los proyectos", "programme-management"),
        # the Interact Monitoring Committee is no programme's own monitoring committee
        ("sono delegato del ministero nel comitato di sorveglianza del programma Interact", "imc"),
        ("je représente mon ministère au comité de suivi d'Interact", "imc"),
        ("Ich bin Delegierte meines Landes im Begleitausschuss von Interact", "imc"),
        ("represento al ministerio en el comité de seguimiento de Interact", "imc"),
    ],
)
def test_daily_work_gets_its_community(reader, text, team):
    u = reader.understand(text)
    assert u.intent == Intent.RECOMMEND and u.matches, (text, u.intent)
    assert u.matches[0].community_id == team, (text, u.matches[0].community_id)


@pytest.mark.parametrize(
    "text",
    [
        "our programme took a Jems licence and I administer our own installation",
        "nous avons une licence Jems et je m'occupe de notre instance",
        "tenemos licencia de Jems y administro nuestra instalación",
        "abbiamo la licenza di Jems e gestisco la nostra installazione",
    ],
)
def test_a_programme_holding_a_jems_licence_gets_the_user_group(reader, text):
    """The User Group is the sub-space of the representatives of licence holders (the source
    page); a licence named with Jems points at it."""
    u = reader.understand(text)
    assert u.intent == Intent.RECOMMEND and u.matches, (text, u.intent)
    assert u.matches[0].community_id == "jems-user-group", (text, u.matches[0].community_id)


def test_an_italian_cross_border_programme_alone_is_no_function(reader):
    """Working in a cross-border programme says no function (External Cooperation is for
    programmes with partners outside the EU): ask back, never recommend."""
    u = reader.understand("lavoro in un programma transfrontaliero")
    assert u.intent != Intent.RECOMMEND, u.matches
