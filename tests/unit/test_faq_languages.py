"""The FAQs and the list of all communities asked in German, French, Italian and Spanish, in
people's own words, with the trained understanding model the bot serves (data/model).

These sentences are written for this test: they are not the phrasings of data/ (training
examples, FAQ questions, intent phrases), so they show that the model generalises from those,
and none is a sentence of the shared evaluation sets (``test_no_eval_copies`` checks it).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.assistant import Assistant
from bot.core.catalogue import Catalogue
from bot.core.understanding import Intent
from tests.support.catalogues import served_understanding

TODAY = dt.date(2026, 11, 24)

FAQS = [
    # German
    ("In welchem Ordner liegen die Dokumente, SharePoint?", "platform"),
    ("Wie viele Teams gibt es eigentlich insgesamt?", "platform"),
    ("Was wurde aus den alten IBM Connections Communities?", "old-communities"),
    ("Wer ist berechtigt, sich zu registrieren?", "register"),
    ("Wann war die Migration zu Teams?", "migration"),
    ("Wieso kann ich das private Unterteam nicht sehen?", "subteams"),
    ("Wo kann ich einer Community beitreten?", "browse"),
    # French
    ("Où puis-je trouver les documents sur SharePoint ?", "platform"),
    ("Combien y a-t-il de Teams chez Interact ?", "platform"),
    ("Que sont devenues les communautés IBM Connections ?", "old-communities"),
    ("Qui a le droit de créer un compte ?", "register"),
    ("Quand a eu lieu la migration vers Teams ?", "migration"),
    ("Pourquoi le sous-groupe privé n'apparaît pas chez moi ?", "subteams"),
    ("Où est-ce que je peux rejoindre une communauté ?", "browse"),
    # Italian
    ("Dove si trovano i documenti su SharePoint?", "platform"),
    ("Quanti Teams ci sono in totale?", "platform"),
    ("Che fine hanno fatto le comunità di IBM Connections?", "old-communities"),
    ("Chi ha diritto a registrarsi?", "register"),
    ("Quando è avvenuta la migrazione a Teams?", "migration"),
    ("Perché non riesco a vedere il sottogruppo privato?", "subteams"),
    ("Dove posso entrare in una comunità?", "browse"),
    # Spanish
    ("¿Dónde puedo encontrar los documentos en SharePoint?", "platform"),
    ("¿Cuántos Teams hay en total?", "platform"),
    ("¿Qué fue de las comunidades de IBM Connections?", "old-communities"),
    ("¿Quién tiene derecho a registrarse?", "register"),
    ("¿Cuándo fue la migración a Teams?", "migration"),
    ("¿Por qué no veo el subequipo privado?", "subteams"),
    ("¿Dónde me puedo unir a una comunidad?", "browse"),
]

LISTS = [
    "Kannst du mir alle Communities zeigen?",
    "Peux-tu me montrer la liste de toutes les communautés ?",
    "Puoi mostrarmi l'elenco di tutte le comunità?",
    "¿Me enseñas la lista de todas las comunidades?",
]


@pytest.fixture(scope="module")
def served(catalogue: Catalogue) -> Assistant:
    """The assistant as the bot serves it: with the committed model."""
    loaded = served_understanding()
    return Assistant(catalogue, model=loaded.model, languages=loaded.languages)


@pytest.mark.parametrize(("text", "faq_id"), FAQS)
def test_faq_questions_in_other_languages_get_their_faq(served, text, faq_id):
    reply = served.respond(text, TODAY, None)
    u = reply.understanding
    assert (u.intent, u.faq_id) == (Intent.FAQ, faq_id), (text, u.intent, u.faq_id)
    assert reply.answer.faq is not None and reply.answer.faq.id == faq_id


@pytest.mark.parametrize("text", LISTS)
def test_asking_for_all_communities_in_other_languages_gets_the_list(served, text):
    reply = served.respond(text, TODAY, None)
    assert reply.understanding.intent == Intent.LIST, (text, reply.understanding.intent)


@pytest.mark.parametrize(
    ("text", "faq_id"),
    [
        ("is there somewhere for the files", "platform"),
        ("c'è un posto per i file", "platform"),
        ("when did all this start on teams", "migration"),
        ("seit wann ist das auf teams", "migration"),
        ("depuis quand vous êtes sur teams", "migration"),
        ("desde cuándo están en teams", "migration"),
        ("the web pages are old", "website"),
    ],
)
def test_a_faq_asked_vaguely_is_answered_or_offered_first(served, text, faq_id):
    # these fell back with "list all teams" and "what can you do?" only: the model leant to the
    # FAQ, under its answer threshold, and nothing of it reached the user
    reply = served.respond(text, TODAY)
    if reply.answer.intent == Intent.FAQ:
        assert reply.answer.faq.id == faq_id
        return
    assert reply.answer.intent == Intent.FALLBACK
    first = reply.answer.choices[0]
    clicked = served.respond(first.text, TODAY, language=served.language(first.text))
    assert clicked.answer.intent == Intent.FAQ
    assert clicked.answer.faq.id == faq_id
    assert first.title in json.dumps(reply.activities, ensure_ascii=False)  # on the card
