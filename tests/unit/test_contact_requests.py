"""Issue 10: a short request to reach support, in the user's words ("mail the helpdesk, please")
starts the escalation, whatever articles or words such as "team" stand between the contact verb
and the support target; a question about whom or how to contact gets the contact FAQ."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.catalogue import Catalogue, load_catalogue
from bot.core.understanding import Intent, Understander
from tests.unit.test_catalogue import broken, copy_of_fixture, problems_of, the_problem

DATA = Path(__file__).resolve().parents[2] / "data"
CONTACT_FAQS = {"account-contact", "general-contact"}


@pytest.mark.parametrize(
    "text",
    [
        # English: with and without an article, "tech", "team"
        "please email tech support",
        "put me through to tech support",
        "mail the helpdesk for me",
        "I'd like to e-mail the support staff",
        "connect me with the technical support team",
        # German, French, Italian, Spanish
        "bitte den Support kontaktieren",
        "ich möchte den technischen Support anschreiben",
        "je voudrais écrire au support technique",
        "vorrei scrivere al supporto tecnico",
        "quiero escribir al equipo de soporte",
    ],
)
def test_a_request_to_reach_support_is_escalated(reader: Understander, text: str) -> None:
    u = reader.understand(text)
    assert u.intent == Intent.ESCALATE, (text, u.intent, u.faq_id)
    assert u.contact_id == "tech-support", (text, u.contact_id)


@pytest.mark.parametrize(
    "text",
    [
        "how do I reach tech support?",
        "where can I email the support team?",
        "who do I contact about my account?",
        "an wen schreibe ich wegen meines Kontos?",
        "à qui faut-il écrire pour une question générale ?",
        "a chi devo scrivere per domande generali?",
        "¿a quién escribo por una duda sobre mi cuenta?",
    ],
)
def test_a_question_about_whom_or_how_to_contact_gets_the_contact_faq(
    reader: Understander, text: str
) -> None:
    u = reader.understand(text)
    assert u.intent == Intent.FAQ and u.faq_id in CONTACT_FAQS, (text, u.intent, u.faq_id)


def test_a_support_target_before_the_contact_verb_is_no_request(reader: Understander) -> None:
    """The words must come in the order of a request: "support email" names an address."""
    assert not reader.understand("tech support email").support_request
    assert reader.understand("email tech support").support_request


def test_the_contact_words_are_data(tmp_path: Path, catalogue: Catalogue) -> None:
    """A verb and a target of intents.yaml make a request; with the lists gone, none is."""
    folder = copy_of_fixture(tmp_path)
    path = folder / "intents.yaml"
    plain = path.read_text(encoding="utf-8")
    path.write_text(
        plain + "contact_verbs: [ping]\nsupport_targets: [service crew]\nquestion_words: [who]\n",
        encoding="utf-8",
    )
    reader = Understander(load_catalogue(folder))
    assert reader.understand("ping the service crew").intent == Intent.ESCALATE
    assert not reader.understand("who do I ping, the service crew?").support_request
    path.write_text(plain, encoding="utf-8")
    assert (
        not Understander(load_catalogue(folder)).understand("ping the service crew").support_request
    )


def test_a_contact_verb_without_letters_is_named_by_check(tmp_path: Path) -> None:
    folder = broken(
        tmp_path,
        "intents.yaml",
        "person: [talk to someone, human]",
        "person: [talk to someone, human]\ncontact_verbs: [ping, '!!']",
    )
    problem = the_problem(problems_of(folder), "intents.yaml", "contact_verbs")
    assert problem.entry == "contact_verbs" and "'!!'" in problem.message
