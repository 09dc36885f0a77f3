"""Issue 10: classes of messages the bot got wrong, each with sentences of our own in the
languages people write them in, run with the trained model the bot serves (data/model).

None of these sentences is a phrase of data/ or of an evaluation set; each class is fixed by rules
and vocabulary (data/intents.yaml, data/vocabulary.yaml, data/escalation.yaml), not by a sentence.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.catalogue import load_catalogue
from bot.core.understanding import Intent, Understander
from tests.support.catalogues import top_community as _top
from tests.unit.test_catalogue import copy_of_fixture

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize(
    "text",
    [
        "The All Communities page shows nothing at all for me",
        "the list of teams is completely blank",
        "I open the join page and there's nothing there",
        "All Communities loads but without any content",
        "Die Seite All Communities ist leer",
        "Bei mir ist die Liste der Teams leer",
        "La page All Communities est vide",
        "La liste des équipes s'affiche vide chez moi",
        "La pagina All Communities è vuota",
        "L'elenco dei team risulta vuoto",
        "La página All Communities está vacía",
        "La lista de equipos me aparece vacía",
        "La page des communautés est toute blanche",
    ],
)
def test_an_empty_communities_page_is_a_problem_for_tech_support(reader, text):
    u = reader.understand(text)
    assert (u.intent, u.contact_id) == (Intent.ESCALATE, "tech-support"), (text, u.intent)


@pytest.mark.parametrize(
    "text",
    [
        "Wie hoch ist der EFRE-Fördersatz bei Interreg Europe?",
        "Welcher Kofinanzierungssatz gilt im Alpenraum?",
        "Quelle est la date limite de l'appel à projets ?",
        "Quelles dépenses sont éligibles dans Interreg Europe ?",
        "Qual è il tasso di cofinanziamento nel programma Alpine Space?",
        "Quali spese sono ammissibili per un partner transnazionale?",
        "¿Qué gastos son elegibles en POCTEP?",
        "¿Cuánto presupuesto tiene el programa Interreg Europe?",
    ],
)
def test_a_programme_s_rates_deadlines_and_costs_get_no_team(reader, text):
    u = reader.understand(text)
    assert u.intent == Intent.FALLBACK and not u.matches, (text, u.intent, _top(u))


def test_someone_who_works_on_calls_still_gets_a_team(reader):
    """The words of a call or a budget in what someone does, not in a question, are no reason
    to fall back."""
    u = reader.understand("Je suis contrôleur, je vérifie les dépenses éligibles")
    assert _top(u) == "controllers"


@pytest.mark.parametrize(
    "text",
    [
        "Impossible de voir le canal IPA Communication",
        "Je n'arrive pas à trouver le canal User Group",
        "Ich sehe den Kanal Baltic Sea nicht",
        "Ich kann das Unterteam User Group nicht finden",
        "Das Core-Group-Unterteam taucht bei mir nicht auf",
        "Il canale User Group non compare",
        "Non riesco a trovare il sottogruppo Med Lab",
        "No encuentro el subequipo Core Group",
        "Je ne vois nulle part le canal Med Lab Group",
        "Der Kanal Med Lab Group wird mir nicht angezeigt",  # "nicht", not the empty "nichts"
    ],
)
def test_a_sub_team_one_cannot_see_gets_the_sub_teams_faq(reader, text):
    u = reader.understand(text)
    assert (u.intent, u.faq_id) == (Intent.FAQ, "subteams"), (text, u.intent, _top(u))


@pytest.mark.parametrize(
    ("text", "team"),
    [
        ("Kommunikation Ausrichtung B", "transnational-communication"),
        ("chargé de communication volet B", "transnational-communication"),
        ("comunicazione componente B", "transnational-communication"),
        ("comunicación capítulo B", "transnational-communication"),
        ("press officer at Interreg Alpine Space", "transnational-communication"),
        ("Responsable de comunicación de Interreg Sudoe", "transnational-communication"),
        ("Pressearbeit für Interreg Baltic Sea Region", "transnational-communication"),
        ("chargée de communication, Interreg Euro-MED", "transnational-communication"),
        ("Ich bin Pressesprecherin eines IPA-Programms", "ipa-communication"),
        (
            "Ich bin Kommunikationsmanagerin bei Interreg Central Europe",
            "transnational-communication",
        ),
        ("head of programme at Interreg North Sea", "transnational-heads"),
        ("I direct an Interreg C programme", "interregional-heads"),
    ],
)
def test_strand_and_function_pick_the_sub_team(reader, text, team):
    assert _top(reader.understand(text)) == team, text


@pytest.mark.parametrize(
    "text",
    [
        "Wie erreiche ich den Support?",
        "Wie kann ich den technischen Support kontaktieren?",
        "Comment contacter le support technique ?",
        "Comment joindre le support ?",
        "Come posso contattare il supporto?",
        "Come raggiungo l'assistenza tecnica?",
        "¿Cómo contacto con el soporte?",
        "¿Cómo puedo contactar al soporte técnico?",
    ],
)
def test_how_to_reach_support_asked_as_a_question_gets_the_contact_faq(reader, text):
    u = reader.understand(text)
    assert (u.intent, u.faq_id) == (Intent.FAQ, "account-contact"), (text, u.intent)


@pytest.mark.parametrize(
    ("text", "faq_id"),
    [
        ("who should I e-mail about the working groups?", "general-contact"),
        ("whom do I email about the communities on Teams?", "general-contact"),
        ("whom do I email about my login?", "account-contact"),
    ],
)
def test_the_contact_faq_follows_what_the_question_is_about_not_the_verb(reader, text, faq_id):
    """ "email" is a route to tech support and a contact verb: as the verb it says nothing about
    whom to write to."""
    u = reader.understand(text)
    assert (u.intent, u.faq_id) == (Intent.FAQ, faq_id), (text, u.intent, u.faq_id)


@pytest.mark.parametrize(
    "text", ["where do I find the page to join teams?", "what must I do to join the teams?"]
)
def test_joining_is_no_contact_question(reader, text):
    assert not reader.understand(text).contact_question, text


@pytest.mark.parametrize(
    "text",
    [
        "Bitte verbinden Sie mich mit dem Support",
        "Mettez-moi en relation avec le support, svp",
        "Per favore mettetemi in contatto con il supporto",
        "please put me through to support",
    ],
)
def test_a_request_to_reach_support_still_escalates(reader, text):
    assert reader.understand(text).intent == Intent.ESCALATE, text


@pytest.mark.parametrize(
    "text",
    [
        "À qui dois-je écrire pour mon mot de passe ?",
        "À qui m'adresser pour un problème de compte ?",
        "A chi scrivo per la password?",
        "A chi mi rivolgo per il mio login?",
        "¿A quién escribo por mi contraseña?",
        "An wen wende ich mich wegen meines Passworts?",
        "Wem schreibe ich wegen meines Logins?",
        "whom should I write to about my password?",
    ],
)
def test_whom_to_write_to_about_an_account_gets_the_tech_support_faq(reader, text):
    u = reader.understand(text)
    assert (u.intent, u.faq_id) == (Intent.FAQ, "account-contact"), (text, u.intent, u.faq_id)


@pytest.mark.parametrize(
    "text",
    [
        "J'ai besoin d'assistance pour mon compte",
        "Ho bisogno di assistenza per il mio account",
        "Necesito asistencia con mi cuenta",
        "Ich brauche Hilfe beim Konto",
        "Ich brauche Unterstützung bei meinem Konto",
        "I need assistance with my account",
    ],
)
def test_help_with_an_account_goes_to_tech_support(reader, text):
    u = reader.understand(text)
    assert (u.intent, u.contact_id) == (Intent.ESCALATE, "tech-support"), (text, u.intent)


@pytest.mark.parametrize(
    "text",
    [
        "contacter l'assistance pour mon compte",
        "contattare l'assistenza per il mio account, per favore",
        "quiero contactar con asistencia por mi cuenta",
    ],
)
def test_a_request_for_account_help_is_routed_to_tech_support(reader, text):
    u = reader.understand(text)
    assert (u.intent, u.contact_id) == (Intent.ESCALATE, "tech-support"), (text, u.contact_id)


@pytest.mark.parametrize(
    ("text", "team"),
    [
        ("JS here, I handle our press contacts", "communication"),
        ("MA – I look after the payment claims", "financial-management"),
        ("joint secretariat, I take care of press relations", "communication"),
        ("autorité de gestion, je traite les demandes de paiement", "financial-management"),
        ("Verwaltungsbehörde, ich bearbeite die Zahlungsanträge", "financial-management"),
        ("segretariato congiunto, curo i rapporti con la stampa", "communication"),
    ],
)
def test_an_employer_and_a_short_task_get_the_task_s_community(reader, text, team):
    assert _top(reader.understand(text)) == team, text


@pytest.mark.parametrize(
    "text",
    [
        "I look after our social media channels",
        "Ich kümmere mich um die Social-Media-Kanäle unseres Programms",
        "gestisco i canali social del programma",
        "llevo los canales de redes sociales del programa",
    ],
)
def test_one_s_own_communication_channels_are_no_sub_teams(reader, text):
    """ "channels" of social media are no Teams channels: the communication community itself."""
    assert _top(reader.understand(text)) == "communication", text


@pytest.mark.parametrize(
    "text",
    [
        "what sort of things can I ask you?",
        "what do you know about?",
        "Wobei kannst du mir helfen?",
        "Was weißt du alles?",
        "Quelles questions puis-je te poser ?",
        "Che cosa posso chiederti?",
        "Su cosa mi puoi aiutare?",
        "¿Qué te puedo preguntar?",
        "¿En qué me puedes ayudar?",
        "Welche Fragen kannst du beantworten?",
        "Qu'est-ce que je peux te demander exactement ?",
        "Cosa si può chiederti?",
        "¿Qué cosas te puedo preguntar?",
    ],
)
def test_what_the_bot_can_do_gets_help(reader, text):
    assert reader.understand(text).intent == Intent.HELP, text


@pytest.mark.parametrize(
    "text", ["core group of HIT", "HIT Kerngruppe", "gruppo ristretto HIT", "grupo central HIT"]
)
def test_the_hit_core_group_is_hit_not_the_jems_core_group(reader, text):
    assert _top(reader.understand(text)) == "hit", text


def test_the_core_group_alone_is_still_jems(reader):
    assert _top(reader.understand("I'd like to join the core group")) == "jems-core-group"


@pytest.mark.parametrize(
    "text",
    [
        "which teams do you have?",
        "what networks do you have?",
        "I'd like an overview",
        "Welche Teams hast du?",
        "Gib mir die vollständige Liste",
        "quelles équipes avez-vous ?",
        "quelles sont les équipes ?",
        "quali sono i team?",
        "una panoramica per favore",
        "¿cuáles son los equipos?",
        "¿qué redes tenéis?",
        "todo lo que tienes",
    ],
)
def test_a_short_question_for_the_list_gets_the_list(reader, text):
    assert reader.understand(text).intent == Intent.LIST, text


@pytest.mark.parametrize(
    "text",
    [
        "show me the teams and their sub-channels",
        "Zeig mir die Teams mit ihren privaten Kanälen",
        "les équipes avec leurs canaux privés",
        "i team con i loro canali privati",
        "todas las comunidades con sus subgrupos",
    ],
)
def test_the_teams_with_their_sub_teams_get_the_list(reader, text):
    """The list shows every Team with its private sub-teams: no FAQ about sub-teams."""
    assert reader.understand(text).intent == Intent.LIST, text


@pytest.mark.parametrize(
    ("text", "faq_id"),
    [
        ("combien d'équipes avez-vous ?", "platform"),
        ("¿cuántos equipos tenéis?", "platform"),
        ("Wo kann man Dateien teilen?", "platform"),
        ("où partager des documents ?", "platform"),
        ("où sont rangés les fichiers des équipes ?", "platform"),
        ("dove vengono archiviati i file dei team?", "platform"),
        ("where do I sign up for a team?", "browse"),
        ("Wo melde ich mich für ein Team an?", "browse"),
        ("où est-ce que je m'inscris à une équipe ?", "browse"),
        ("dove mi iscrivo a un team?", "browse"),
        ("¿dónde me apunto a un equipo?", "browse"),
        ("Wann war die Umstellung auf Teams?", "migration"),
        ("quando è avvenuta la migrazione?", "migration"),
        ("Ist eure Webseite aktuell?", "website"),
        ("¿vuestra web está al día?", "website"),
    ],
)
def test_a_fact_of_the_source_page_in_new_words_gets_its_faq(reader, text, faq_id):
    u = reader.understand(text)
    assert (u.intent, u.faq_id) == (Intent.FAQ, faq_id), (text, u.intent, u.faq_id)


@pytest.mark.parametrize(
    ("text", "team"),
    [
        ("Welches Team für Prüfer, und an wen schreibe ich allgemeine Fragen?", "auditors"),
        (
            "quelle équipe pour un auditeur, et quelle est l'adresse de contact générale ?",
            "auditors",
        ),
        ("quale team per un auditor, e qual è l'indirizzo di contatto generale?", "auditors"),
        ("¿qué equipo para un auditor, y cuál es la dirección de contacto general?", "auditors"),
        ("Ich bin Kontrolleur. An wen schicke ich allgemeine Fragen?", "controllers"),
        ("je suis contrôleur et à qui écrire pour une question générale ?", "controllers"),
        ("soy controlador y ¿a quién escribo con preguntas generales?", "controllers"),
    ],
)
def test_a_team_and_the_general_contact_asked_at_once_get_both(reader, text, team):
    u = reader.understand(text)
    assert _top(u) == team, (text, u.intent)
    assert [(a.intent, a.faq_id) for a in u.also] == [(Intent.FAQ, "general-contact")], text


@pytest.mark.parametrize(
    "text",
    [
        "Was kann ich dich hier noch fragen?",
        "cos'altro posso chiederti?",
        "¿qué otras preguntas puedo hacerte?",
    ],
)
def test_what_else_one_may_ask_gets_help(reader, text):
    assert reader.understand(text).intent == Intent.HELP, text


@pytest.mark.parametrize(
    "text",
    [
        "who takes care of passwords?",
        "who is in charge of logins?",
        "Wer kümmert sich um das Passwort?",
        "qui s'occupe des mots de passe ?",
        "qui est en charge des connexions ?",
        "chi si occupa delle password?",
        "chi si occupa degli accessi?",
        "¿quién se encarga de las contraseñas?",
        "¿quién se ocupa de las cuentas?",
    ],
)
def test_who_looks_after_accounts_gets_the_tech_support_faq(reader, text):
    u = reader.understand(text)
    assert (u.intent, u.faq_id) == (Intent.FAQ, "account-contact"), (text, u.intent, u.faq_id)


@pytest.mark.parametrize(
    "text",
    [
        "the teams including sub-teams",
        "can I get a list of all your networks?",
        "Was für Teams gibt es bei euch?",
        "che team ci sono da voi?",
        "tell me which communities you've got",
    ],
)
def test_list_patterns_ask_for_the_list(reader, text):
    assert reader.understand(text).intent == Intent.LIST, text


@pytest.mark.parametrize(
    "text",
    [
        "wie viele Teams gibt es bei Interact?",
        "¿cuántos Teams hay en total?",
        "Anzahl der Communities?",
        "le nombre d'équipes ?",
    ],
)
def test_how_many_teams_is_the_faq_not_the_list(reader, text):
    u = reader.understand(text)
    assert (u.intent, u.faq_id) == (Intent.FAQ, "platform"), (text, u.intent, u.faq_id)


@pytest.mark.parametrize(
    "text",
    [
        "Warum ist der Kanal Baltic Sea versteckt?",
        "pourquoi le canal Med Lab Group est-il caché ?",
        "perché il canale Core Group è nascosto?",
        "¿por qué está oculto el canal User Group?",
    ],
)
def test_a_hidden_sub_team_gets_the_sub_teams_faq(reader, text):
    u = reader.understand(text)
    assert (u.intent, u.faq_id) == (Intent.FAQ, "subteams"), (text, u.intent, _top(u))


def test_werden_is_no_typo_of_a_contact_verb(reader):
    """ "werden" is a common German word, not "wenden" misspelt (which made a question about
    where files are kept a question about whom to contact)."""
    u = reader.understand("Wo werden die Dateien der Teams gespeichert?")
    assert not u.contact_question and u.faq_id == "platform", (u.intent, u.faq_id)


# ---------------------------------------------------------------- the rules are data (fixture)


def _reader_with(tmp_path: Path, extra: str) -> Understander:
    folder = copy_of_fixture(tmp_path)
    path = folder / "intents.yaml"
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return Understander(load_catalogue(folder))


def test_a_gap_in_a_cue_phrase_stands_for_up_to_five_words(tmp_path):
    reader = _reader_with(tmp_path, "invisible: [lamp ... dark]\n")
    assert "invisible" in reader.understand("the lamp in the north tower stays dark").cues
    assert "invisible" not in reader.understand("the lamp is fine but the sea is rather dark").cues
    assert "invisible" not in reader.understand("dark lamp").cues  # in their order


def test_an_offtopic_question_falls_back_only_with_the_words_in_intents(tmp_path):
    text = "what is the tidal coefficient in the fjords?"
    assert Understander(load_catalogue(copy_of_fixture(tmp_path))).understand(text).intent == (
        Intent.CLARIFY
    )
    reader = _reader_with(tmp_path / "2", "offtopic: [tidal coefficient]\nfirst_person: [i]\n")
    assert reader.understand(text).intent == Intent.FALLBACK
    # said by someone with a role who speaks of themselves (first_person) it is about their work
    assert reader.understand("I am a port captain, what is the tidal coefficient?").matches


def test_a_question_about_whom_to_write_gets_the_faq_linking_the_route_s_contact(tmp_path):
    reader = _reader_with(tmp_path, "contact_verbs: [write to]\nquestion_words: [who, whom]\n")
    u = reader.understand("whom do I write to about my password?")
    assert (u.intent, u.faq_id) == (Intent.FAQ, "helpdesk")
    # no FAQ links the communication contact first: no contact FAQ for a question about events
    assert reader.understand("whom do I write to about the event?").faq_id != "helpdesk"


@pytest.mark.parametrize(
    "text",
    [
        "JS",
        "I'm at the managing authority",
        "we are the joint secretariat",
        "MA here",
        "I'm in the JTS",
        "I work in the JS",
        "Ich arbeite im Gemeinsamen Sekretariat",
        "Je travaille au secrétariat conjoint",
        "Lavoro nel segretariato congiunto",
        "Trabajo en la secretaría conjunta",
    ],
)
def test_an_employer_alone_asks_which_function(reader, text):
    """An employer is context, not a role (MA and JS have programme, finance and communication
    staff): alone it asks back with those functions as the choices, never a guess."""
    u = reader.understand(text)
    choices = {m.community_id for m in u.matches}
    assert u.intent == Intent.CLARIFY, (text, u.intent, _top(u), u.model_label)
    assert {"programme-management", "financial-management", "communication"} <= choices


@pytest.mark.parametrize(
    ("text", "community_id"),
    [
        ("joint secretariat, I assess the applications", "programme-management"),
        ("managing authority, I'm the finance officer", "financial-management"),
        ("I head the JS of an Interreg B programme", "transnational-heads"),
    ],
)
def test_an_employer_with_a_function_gets_the_function(reader, text, community_id):
    u = reader.understand(text)
    assert _top(u) == community_id, (text, u.intent, _top(u), u.model_label)


@pytest.mark.parametrize(
    ("text", "community_id"),
    [
        ("PM in an Interreg programme", "programme-management"),
        ("I am a PM", "programme-management"),
        ("PM at the JS, which team?", "programme-management"),
        ("I'm the fin. officer of our programme", "financial-management"),
        ("MA, fin manager", "financial-management"),
        ("JS, I'm a comms officer", "communication"),
        ("I work in the AA", "auditors"),
        ("FLC for partners in my region", "controllers"),
        ("CP for my country", "ncp"),
        ("member of the Interact MC", "imc"),
    ],
)
def test_abbreviations_map_as_the_glossary_says(reader, text, community_id):
    u = reader.understand(text)
    assert _top(u) == community_id, (text, u.intent, _top(u), u.model_label)


@pytest.mark.parametrize(
    ("text", "community_id"),
    [
        ("I'm a programe manger", "programme-management"),
        ("projekt managment team", "programme-management"),
        ("finacial managment please", "financial-management"),
        ("comunication oficer", "communication"),
        ("Ich bin Finanzmanagerin, welche Gruppe?", "financial-management"),
        ("chargée de comunication", "communication"),
        ("responsabile della comunicazzione", "communication"),
        ("soy controladora de primer nivell", "controllers"),
    ],
)
def test_misspelt_multi_word_roles_are_corrected(reader, text, community_id):
    u = reader.understand(text)
    assert _top(u) == community_id, (text, u.intent, _top(u), u.corrections)


@pytest.mark.parametrize(
    "text",
    [
        "my account is still pending approval, nobody has got back to me for a week",
        "I registered days ago and my account has not been activated yet",
        "I requested access to the Jems network team and never heard back",
        "I asked to join the Jems network but nobody answered",
        "Ich habe den Beitritt zu einem Team beantragt, aber niemand hat reagiert",
        "Ich bin dem Kommunikationsteam beigetreten, aber keiner hat geantwortet",
        "Mon compte n'a toujours pas été activé après cinq jours",
        "J'ai demandé à rejoindre le Jems network, toujours aucune réponse",
        "Ho chiesto di entrare in un team ma nessuno mi ha risposto",
        "Il mio account non è ancora stato attivato dopo una settimana",
        "Mi cuenta sigue pendiente de aprobación desde hace días",
        "Solicité unirme a un equipo y nadie me ha contestado",
        "Pedí unirme al Controllers network y nadie respondió",
    ],
)
def test_an_account_or_a_join_request_left_waiting_goes_to_tech_support(reader, text):
    """Only tech support can approve an account or chase a request to join: escalated there,
    whatever community the message names."""
    u = reader.understand(text)
    assert (u.intent, u.contact_id) == (Intent.ESCALATE, "tech-support"), (text, u.intent, _top(u))


@pytest.mark.parametrize(
    "text",
    [
        "how can I get the email on my Interact account changed?",
        "I have a new employer and my account needs my new work e-mail",
        "Wie ändere ich die E-Mail-Adresse in meinem Konto?",
        "Ich habe den Arbeitgeber gewechselt und muss die E-Mail-Adresse meines Kontos ändern",
        "Comment changer l'adresse e-mail de mon compte Interact ?",
        "Je dois modifier l'adresse e-mail de mon compte, j'ai changé d'employeur",
        "Come cambio l'indirizzo e-mail del mio account?",
        "Devo cambiare l'indirizzo email del mio account perché ho un nuovo datore di lavoro",
        "¿Cómo cambio el correo electrónico de mi cuenta?",
        "Necesito cambiar la dirección de correo de mi cuenta porque cambié de empleador",
    ],
)
def test_changing_an_account_s_e_mail_address_goes_to_tech_support(reader, text):
    """The e-mail in "change the e-mail of my account" is what changes: no question about whom
    to e-mail (the contact FAQ), a request for tech support."""
    u = reader.understand(text)
    assert (u.intent, u.contact_id) == (Intent.ESCALATE, "tech-support"), (text, u.intent, u.faq_id)


@pytest.mark.parametrize(
    "text",
    [
        "is the Financial management team open for auditors?",
        "does the finance team admit auditors?",
        "is Financial management only for finance people or for controllers too?",
        "Would the South West Europe finance group accept a controller?",
        "Ist Financial management auch für Prüfer offen?",
        "Ist das Team Financial management für Controller zugänglich?",
        "Nimmt das Finanzteam auch Prüfer auf?",
        "Financial management est-il ouvert aux auditeurs ?",
        "L'équipe finance accepte-t-elle les contrôleurs ?",
        "Financial management è aperto agli auditor?",
        "Il team finanza accetta anche i controllori?",
        "¿Está Financial management abierto a los auditores?",
        "¿El equipo de finanzas admite auditores?",
    ],
)
def test_whom_financial_management_is_open_to_gets_the_eligibility_rule(reader, text):
    """A question about Financial management, whom it is open to, is about Financial
    management: its eligibility FAQ answers it (not open to controllers or auditors, and their
    own networks), not a recommendation of the asker's own network."""
    u = reader.understand(text)
    assert (u.intent, u.faq_id) == (Intent.FAQ, "finance-eligibility"), (text, u.intent, _top(u))


@pytest.mark.parametrize(
    ("text", "team"),
    [
        ("are controllers allowed to join Financial management?", "controllers"),
        ("as an auditor, may I be a member of financial management?", "auditors"),
        ("I'm a first level controller, can I join the finance group?", "controllers"),
        ("Dürfen Kontrolleure dem Team Financial management beitreten?", "controllers"),
        ("Les contrôleurs peuvent-ils rejoindre Financial management ?", "controllers"),
        ("I controllori possono entrare in Financial management?", "controllers"),
        ("Soy auditora, ¿puedo entrar en el equipo de finanzas?", "auditors"),
        # asked to join it, with words of whom it is open to as well
        (
            "can auditors join Financial management, or is it reserved for programme staff?",
            "auditors",
        ),
        ("may I join the finance team as a controller, or is it only for the MA?", "controllers"),
        (
            "Können Prüfer dem Finanzteam beitreten, oder ist es nur für Programme offen?",
            "auditors",
        ),
        (
            "Als Controllerin möchte ich Financial management beitreten, ist es für mich offen?",
            "controllers",
        ),
        (
            "Un contrôleur peut-il rejoindre l'équipe finance, ou est-elle réservée aux AG ?",
            "controllers",
        ),
        (
            "Posso entrare in Financial management come revisore o è riservato ai programmi?",
            "auditors",
        ),
        (
            "¿Los controladores pueden unirse a Financial management o solo es para el programa?",
            "controllers",
        ),
    ],
)
def test_may_i_as_a_controller_or_auditor_join_finance_gets_the_refusal_and_my_network(
    reader, text, team
):
    """Asked about oneself (or one's role): the rule refuses Financial management and the
    answer is the asker's own network (the reply says Financial management is not open)."""
    u = reader.understand(text)
    assert _top(u) == team, (text, u.intent, u.faq_id)
    assert [r.community_id for r in u.refusals] == ["financial-management"], text


@pytest.mark.parametrize(
    "text",
    [
        "can a programme finance officer join Financial management?",
        "who is allowed into Financial management?",
        "Kann eine Finanzverantwortliche eines Programms Financial management beitreten?",
        "L'équipe finance est-elle réservée aux gestionnaires de programme ?",
        "Il team finanza è riservato a chi lavora per i programmi?",
    ],
)
def test_who_may_join_financial_management_is_answered_about_it(reader, text):
    """Asked without a role it is not open to: an answer about Financial management (the rule's
    FAQ, or its card)."""
    u = reader.understand(text)
    assert (u.intent == Intent.FAQ and u.faq_id == "finance-eligibility") or _top(u) == (
        "financial-management"
    ), (text, u.intent, u.faq_id, _top(u))


@pytest.mark.parametrize(
    ("text", "team"),
    [
        ("I'm a controller and check financial reports of partners", "controllers"),
        ("auditor in the financial area of our programme", "auditors"),
        ("I'm a controller, which team can I join?", "controllers"),
        ("Je suis auditeur dans le domaine financier", "auditors"),
        ("I'm the finance officer, can I join a team?", "financial-management"),
        ("financial management", "financial-management"),
    ],
)
def test_a_role_with_finance_words_is_no_eligibility_question(reader, text, team):
    assert _top(reader.understand(text)) == team, text


def test_an_eligibility_question_gets_the_rule_s_faq_only_with_the_words_in_intents(tmp_path):
    folder = copy_of_fixture(tmp_path)
    rules = folder / "communities.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("lighthouse keepers\n", "lighthouse keepers\n    faq: browse\n"))
    question = "can a ferry operator join the Fisheries office?"
    u = Understander(load_catalogue(folder)).understand(question)
    assert _top(u) == "ferries" and u.refusals  # no `eligibility` phrases: the refusal
    path = folder / "intents.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "eligibility: [can ... join]\n")
    u = Understander(load_catalogue(folder)).understand(question)
    assert (u.intent, u.faq_id, u.matches) == (Intent.FAQ, "browse", ())
    # the rule's FAQ is given by the rule only, never matched by its words
    assert Understander(load_catalogue(folder)).understand(
        "where do I see every network?"
    ).faq_id != ("browse")


def test_an_account_request_is_escalated_to_the_problem_contact_whatever_it_names(tmp_path):
    words = "contact_verbs: [email]\nquestion_words: [how, whom]\n"
    assert _reader_with(tmp_path, words).understand("how do I change the email?").contact_question
    reader = _reader_with(
        tmp_path / "2", words + "account_request: [still pending, change ... email]\n"
    )
    u = reader.understand("my request for the Harbour masters is still pending")
    assert (u.intent, u.contact_id) == (Intent.ESCALATE, "tech-support")
    # the e-mail that changes is no contact verb: no question about whom to e-mail
    u = reader.understand("how do I change the email?")
    assert (u.intent, u.contact_question) == (Intent.ESCALATE, False)
    assert reader.understand("whom do I email?").contact_question


def test_a_list_pattern_is_a_cue_for_the_list_but_no_training_example(tmp_path):
    folder = copy_of_fixture(tmp_path)
    path = folder / "intents.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "list_patterns: [gizmos ... offer]\n",
        encoding="utf-8",
    )
    reader = Understander(load_catalogue(folder))
    assert reader.understand("which gizmos do you have on offer?").intent == Intent.LIST
    assert reader.understand("gizmos").intent != Intent.LIST


@pytest.mark.parametrize(
    ("text", "team"),
    [
        ("Mi occupo dei progetti finanziati dal nostro programma", "programme-management"),
        ("Sigo los proyectos financiados por el programa", "programme-management"),
        ("Je suis les projets financés par le programme", "programme-management"),
        ("Ich betreue die geförderten Projekte unseres Programms", "programme-management"),
        ("I follow up the funded projects for our secretariat", "programme-management"),
        # checking or paying the funded projects is still control or finance
        ("Controllo le spese dei progetti finanziati", "controllers"),
        ("I prepare the payments to the funded projects and the accounts", "financial-management"),
    ],
)
def test_following_funded_projects_is_project_work_not_finance(reader, text, team):
    """'funded' / 'finanziati' / 'financiados' / 'financés' is no finance word (and no typo of
    one): following the projects a programme funds is programme and project management."""
    assert _top(reader.understand(text)) == team


@pytest.mark.parametrize(
    "text",
    [
        "registered on the portal twelve days ago and my account still says pending",
        "I signed up ages ago and the account hasnt been activated",
        "je me suis inscrite il y a dix jours et mon compte est toujours en attente",
        "mi sono registrato la settimana scorsa e il mio account è ancora in attesa",
        "me registré hace una semana y mi cuenta sigue pendiente",
        "Ich habe mich vor zwei Wochen registriert, mein Konto ist noch ausstehend",
    ],
)
def test_an_account_left_pending_after_registering_is_escalated(reader, text):
    """Registering told as the story of an account left pending: the problem contact, never
    the registration FAQ (the model, reading "registered" as the FAQ's subject, answered it)."""
    u = reader.understand(text)
    assert (u.intent, u.contact_id) == (Intent.ESCALATE, "tech-support"), text


@pytest.mark.parametrize(
    "text",
    [
        "I signed up last week and my account still isn't approved",
        "I registered on the portal and since then nobody has activated my account",
        "Ich habe mich registriert und mein Konto ist immer noch nicht freigeschaltet",
        "Je me suis inscrite et mon compte est toujours en attente de validation",
    ],
)
def test_a_problem_told_with_its_story_is_one_problem(reader, text):
    """The clause before the problem ("I registered ...") is its story, no second question:
    the message escalates and nothing else is answered with it."""
    u = reader.understand(text)
    assert (u.intent, u.contact_id, u.also) == (Intent.ESCALATE, "tech-support", ()), text


@pytest.mark.parametrize(
    ("text", "team"),
    [
        (
            "I'm a controller in Austria, which team is mine? and the password link does not work",
            "controllers",
        ),
        (
            "I work as an auditor, which community fits me? Also I can't log in to the portal",
            "auditors",
        ),
        (
            "which team for a comms officer? by the way the portal only shows an error",
            "communication",
        ),
        (
            "Ich bin bei der Prüfbehörde, welches Team passt? Außerdem geht mein Login nicht",
            "auditors",
        ),
        (
            "Je suis contrôleur, quelle équipe ? Et je n'arrive pas à me connecter au portail",
            "controllers",
        ),
        ("Sono controllore, quale team? E non riesco ad accedere al portale", "controllers"),
        (
            "Soy controlador, ¿qué equipo me toca? Y además no puedo entrar en el portal",
            "controllers",
        ),
        ("I'm a controller, which team? also my account was never approved", "controllers"),
    ],
)
def test_a_team_question_with_a_problem_after_it_gets_both(reader, text, team):
    """Which team, and a problem asked second: the community is recommended and the problem
    escalated after it (the whole message was one escalation: the team question was lost)."""
    u = reader.understand(text)
    assert (u.intent, _top(u)) == (Intent.RECOMMEND, team), text
    assert [(a.intent, a.contact_id) for a in u.also] == [(Intent.ESCALATE, "tech-support")]


# ------------------------------------------- a programme's rules asked about a role (no team)


@pytest.mark.parametrize(
    "text",
    [
        "must the first level controller sign each payment claim?",
        "is the auditor required to visit every project on the spot?",
        "how long does an auditor have to keep the working papers?",
        "what do controllers need to see before they validate travel costs?",
        "Muss der Prüfer auch die Vergaben kontrollieren?",
        "Les auditeurs doivent-ils contrôler chaque marché public ?",
        "Il controllore deve andare in loco per ogni progetto?",
        "¿Los auditores tienen que visitar todos los proyectos?",
        "what is the funding rate for the costs of controllers?",
    ],
)
def test_a_rule_asked_about_a_role_gets_no_team(reader, text):
    """What a controller or an auditor must do, or a rate for their costs, is a programme's
    rule, which no community answers: the role in the question is whom the rule is about, not
    the user's own."""
    u = reader.understand(text)
    assert u.intent == Intent.FALLBACK and not u.matches, (text, u.intent, _top(u), u.cues)


@pytest.mark.parametrize(
    ("text", "community"),
    [
        ("I must check every claim of our partners as a controller", "controllers"),
        ("I'm an auditor and have to sample operations, where do I belong?", "auditors"),
        ("what community must a controller join?", "controllers"),
        ("Ich bin Prüferin und muss Stichproben ziehen", "auditors"),
        ("je suis contrôleur, je dois vérifier les dépenses", "controllers"),
    ],
)
def test_a_duty_of_the_user_s_own_still_gets_their_team(reader, text, community):
    """Users who say what they must do, or ask which community a role must join, still get the
    role's community."""
    u = reader.understand(text)
    assert u.intent == Intent.RECOMMEND and _top(u) == community, (text, u.intent, _top(u))


# ------------------------------------------------- a role the user denies is not theirs


@pytest.mark.parametrize(
    ("text", "community", "denied"),
    [
        ("sorry, I am not a controller, I do the audits of operations", "auditors", "controllers"),
        ("not the comms person, I'm the finance officer", "financial-management", "communication"),
        ("je ne suis pas contrôleuse, je suis auditrice", "auditors", "controllers"),
        ("non sono un controllore, sono un revisore", "auditors", "controllers"),
        ("no soy controlador, soy auditor", "auditors", "controllers"),
    ],
)
def test_a_denied_role_is_not_the_users(reader, text, community, denied):
    """ "I'm not an X, I'm a Y": the community of the role the user has, and not the one of the
    role they deny, not even as a second choice."""
    u = reader.understand(text)
    offered = [m.community_id for m in u.matches]
    assert u.intent == Intent.RECOMMEND and _top(u) == community, (text, u.intent, offered)
    assert denied not in offered, (text, offered)


@pytest.mark.parametrize(
    "text",
    [
        "who is the new director of the managing authority of the Alpine Space programme?",
        "who is our contact person at the joint secretariat?",
        "what is the name of the head of the audit authority in Austria?",
        "who's the head of the MA in our programme?",
        "Wer ist der neue Leiter der Verwaltungsbehörde des Programms Alpenraum?",
        "Wie heißt die Leiterin der Prüfbehörde?",
        "Wer ist unsere Ansprechpartnerin im Gemeinsamen Sekretariat?",
        "Qui est le nouveau directeur de l'autorité de gestion du programme France-Suisse ?",
        "Comment s'appelle le chef de l'autorité d'audit ?",
        "Qui est notre interlocuteur au secrétariat conjoint ?",
        "Chi è il nuovo direttore dell'autorità di gestione del programma Italia-Austria?",
        "Come si chiama il responsabile dell'autorità di audit?",
        "Chi è il nostro referente al segretariato congiunto?",
        "¿Quién es el nuevo director de la autoridad de gestión del programa POCTEP?",
        "¿Cómo se llama el jefe de la autoridad de auditoría?",
        "¿Quién es nuestra persona de contacto en la secretaría conjunta?",
    ],
)
def test_who_holds_a_post_in_a_programme_gets_no_team(reader, text):
    """People and posts of a programme or a body are no question for Interact's communities:
    the fallback (what the bot can do), whatever body, role or programme the question names."""
    u = reader.understand(text)
    assert (u.intent, u.matches) == (Intent.FALLBACK, ()), (text, u.intent, _top(u))


@pytest.mark.parametrize(
    ("text", "faq_id"),
    [
        ("who do I write to about my account?", "account-contact"),
        ("who is our contact person for login problems?", "account-contact"),
        ("Wer ist der Ansprechpartner für mein Konto?", "account-contact"),
        ("who is the contact for general questions?", "general-contact"),
    ],
)
def test_whom_to_contact_is_still_the_contact_faq(reader, text, faq_id):
    u = reader.understand(text)
    assert (u.intent, u.faq_id) == (Intent.FAQ, faq_id), (text, u.intent, u.faq_id)


@pytest.mark.parametrize(
    "text",
    [
        "I'm the head of a programme",
        "I'm the director of the joint secretariat",
        "Soy el jefe de la autoridad de auditoría",
    ],
)
def test_being_the_head_of_something_is_a_role_not_a_question_about_people(reader, text):
    assert reader.understand(text).intent != Intent.FALLBACK, text


@pytest.mark.parametrize(
    "text",
    [
        "what have you got?",
        "show me everything",
        "was habt ihr denn so?",
        "cosa avete?",
        "qu'est-ce que vous avez ?",
    ],
)
def test_a_colloquial_request_for_everything_gets_the_list(reader, text):
    assert reader.understand(text).intent == Intent.LIST, text


def test_what_you_have_about_a_fact_is_that_fact_s_faq(reader):
    """A colloquial list phrase with a FAQ's words in the rest asks that FAQ."""
    u = reader.understand("what do you have about the migration?")
    assert (u.intent, u.faq_id) == (Intent.FAQ, "migration"), (u.intent, u.faq_id)


@pytest.mark.parametrize(
    "text",
    [
        "Quand je clique sur le bouton Rejoindre, rien ne se passe",
        "Le bouton pour rejoindre l'équipe ne fait rien",
        "Le lien pour rejoindre ne réagit pas quand je clique dessus",
        "j'appuie sur rejoindre et il ne se passe rien",
        "Der Beitreten-Knopf reagiert nicht",
        "Wenn ich auf den Beitreten-Button klicke, passiert nichts",
        "Quando clicco sul pulsante Unisciti non succede niente",
        "Il pulsante per entrare nel team non fa nulla",
        "Cuando hago clic en el botón Unirse no pasa nada",
        "El enlace para unirme no responde",
        "the join link doesn't respond when I click it",
        "clicking Join has no effect",
    ],
)
def test_a_join_button_or_link_that_does_nothing_goes_to_tech_support(reader, text):
    u = reader.understand(text)
    assert (u.intent, u.contact_id) == (Intent.ESCALATE, "tech-support"), (text, u.intent)


@pytest.mark.parametrize(
    "text",
    [
        "I work in an IPA programme and do a bit of everything: management, finance, communication",
        "I'm in an Interreg NEXT programme, I do a bit of everything: management, finances, "
        "communication",
        "Ich arbeite in einem IPA-Programm und mache von allem etwas: Management, Finanzen, "
        "Kommunikation",
        "Je travaille dans un programme NEXT, je fais un peu de tout : gestion, finances, "
        "communication",
        "Lavoro in un programma IPA e faccio un po' di tutto: gestione, finanza, comunicazione",
        "Trabajo en un programa Interreg NEXT y hago un poco de todo: gestión, finanzas, "
        "comunicación",
    ],
)
def test_a_programme_type_decides_over_a_mix_of_functions(reader, text):
    """Several functions listed as a mix are no single function: the IPA or NEXT programme the
    message names is the specific evidence (External Cooperation: "crossing programme
    management, finance and more")."""
    u = reader.understand(text)
    assert _top(u) == "external-cooperation", (text, u.intent, _top(u), u.model_label)


@pytest.mark.parametrize(
    ("text", "teams"),
    [
        (
            "I do a bit of everything: management, finance, communication",
            {"financial-management", "communication"},
        ),
        (
            "I handle finance and communication for our programme",
            {"financial-management", "communication"},
        ),
        (
            "Je suis chargée de communication et des finances",
            {"financial-management", "communication"},
        ),
        (
            "Soy responsable de comunicación y de finanzas",
            {"financial-management", "communication"},
        ),
    ],
)
def test_a_mix_of_functions_without_a_programme_type_recommends_each(reader, text, teams):
    """No function of the mix wins alone (the model may not pick one of them): each of them is
    recommended."""
    u = reader.understand(text)
    assert u.intent == Intent.RECOMMEND, (text, u.intent)
    assert teams <= {m.community_id for m in u.matches}, (text, [m.community_id for m in u.matches])


@pytest.mark.parametrize(
    ("text", "team"),
    [
        ("I'm a communication officer in an IPA programme", "ipa-communication"),
        ("I'm a project officer and I check financial reports", "programme-management"),
        ("I'm a controller and check the budget of the partners", "controllers"),
    ],
)
def test_one_function_with_its_objects_is_no_mix(reader, text, team):
    assert _top(reader.understand(text)) == team, text


def test_an_abbreviated_audit_authority_is_the_auditors_network(reader):
    """ "with the AA" like "at the AA": the model's faint other guess is no reason to ask."""
    assert _top(reader.understand("I'm with the AA")) == "auditors"


@pytest.mark.parametrize(
    "text",
    [
        "browse the communities",
        "I want to explore the teams",
        "can I look through the communities?",
        "Ich möchte die Communities durchstöbern",
        "je veux parcourir les communautés",
        "voglio esplorare le community",
        "quiero explorar las comunidades",
    ],
)
def test_browsing_the_communities_gets_the_list_or_where_to_find_them(reader, text):
    u = reader.understand(text)
    assert u.intent == Intent.LIST or (u.intent, u.faq_id) == (Intent.FAQ, "browse"), (
        text,
        u.intent,
        u.faq_id,
    )


# ------------------------------------- what an auditor audits, a controller checks: no role


@pytest.mark.parametrize(
    "text",
    [
        "we run system audits of the joint secretariat and of the first level controllers",
        "my team audits the managing authority and the control bodies of both countries",
        "Wir machen Systemprüfungen bei der Verwaltungsbehörde und bei den Kontrolleuren",
        "Nous faisons des audits de système de l'autorité de gestion et des contrôleurs",
        "Facciamo audit di sistema sull'autorità di gestione e sui controllori di primo livello",
        "En mi unidad auditamos la secretaría conjunta y a los controladores de la región",
    ],
)
def test_the_bodies_an_auditor_audits_are_not_the_user_s_role(reader, text):
    """Auditors name the bodies they audit (the managing authority, the controllers): those are
    context (intents.yaml: examines; vocabulary.yaml: examined), the doer is an auditor. The
    controllers are neither recommended nor remembered as the user's role."""
    u = reader.understand(text)
    offered = [m.community_id for m in u.matches]
    assert _top(u) == "auditors", (text, u.intent, offered)
    assert "controllers" not in offered and "controller" not in u.roles, (text, offered, u.roles)


@pytest.mark.parametrize(
    "text",
    [
        "I audit the annual accounts and the payment applications of our programme",
        "we audit the accounting body every spring",
        "Je rédige l'avis d'audit sur les comptes annuels du programme",
        "Als Prüfbehörde prüfen wir die Jahresrechnung und die Bescheinigungsbehörde",
    ],
)
def test_an_auditor_of_the_accounts_is_no_finance_officer(reader, text):
    """Financial management is not open to auditors: the accounts and the accounting body an
    auditor audits say nothing of a finance role."""
    u = reader.understand(text)
    offered = [m.community_id for m in u.matches]
    assert _top(u) == "auditors", (text, u.intent, offered)
    assert "financial-management" not in offered, (text, offered)


@pytest.mark.parametrize(
    "text",
    [
        "I check the projects' progress reports and answer applicants' questions",
        "je vérifie les rapports d'avancement des projets et je conseille les candidats",
        "controllo le relazioni di avanzamento dei progetti e seguo i candidati",
    ],
)
def test_checking_the_projects_work_is_still_programme_management(reader, text):
    """Checking what projects report is the programme officer's work: "projects" is a word of
    a community's description, no body anyone audits, so it takes nothing from the answer."""
    assert _top(reader.understand(text)) == "programme-management", text


@pytest.mark.parametrize(
    "text",
    [
        "I check the beneficiaries' payment claims before anything is reported",
        "Ich prüfe die Zahlungsanträge der Partner und bestätige ihre Ausgaben",
        "je vérifie les demandes de paiement des partenaires puis je signe le certificat",
        "verifico le domande di pagamento dei beneficiari e firmo la convalida",
        "reviso las solicitudes de pago de los beneficiarios y firmo la validación",
    ],
)
def test_the_claims_a_controller_checks_are_not_the_user_s_role(reader, text):
    """A controller checks the partners' payment claims: "payment claims" is then what is
    checked, no finance role (Financial management is not open to controllers): the controllers'
    network, or a question back, never Financial management."""
    u = reader.understand(text)
    offered = [m.community_id for m in u.matches]
    assert "finance-officer" not in u.roles, (text, u.roles)
    assert _top(u) in ("controllers", None) and "financial-management" not in offered, (
        text,
        u.intent,
        offered,
    )


@pytest.mark.parametrize(
    ("text", "team"),
    [
        ("once the site visit is done I validate the partners' spending", "controllers"),
        ("I sign the control certificates after desk checks of each partner report", "controllers"),
        (
            "Ich mache Schreibtischprüfungen der Partnerberichte, dann die Bescheinigung",
            "controllers",
        ),
        ("je contrôle sur pièces les dépenses des partenaires puis je signe", "controllers"),
        ("effettuo verifiche amministrative sulle spese dei partner", "controllers"),
        ("hago la comprobación documental de los gastos de los socios", "controllers"),
        ("I pick the audit sample and write the annual control report", "auditors"),
        ("Ich erstelle den Prüfungsbericht und ziehe die Stichprobe der Vorhaben", "auditors"),
        ("je réalise l'audit des opérations tirées au sort", "auditors"),
        ("redigo il parere di audit e la relazione annuale di controllo", "auditors"),
        ("elaboro el dictamen de auditoría y el informe anual de control", "auditors"),
        ("I reconcile our bank statements and watch the decommitment risk", "financial-management"),
        ("Ich mache den Bankabgleich und die Jahresrechnung des Programms", "financial-management"),
        (
            "je prépare les comptes annuels et je suis le risque de dégagement",
            "financial-management",
        ),
        ("mi occupo dei conti annuali e del rischio di disimpegno", "financial-management"),
        ("me encargo de la conciliación bancaria y de las cuentas anuales", "financial-management"),
    ],
)
def test_audit_control_and_finance_tasks_get_their_network(reader, text, team):
    """What auditors, controllers and finance officers do, in their words: their network."""
    u = reader.understand(text)
    assert _top(u) == team, (text, u.intent, [m.community_id for m in u.matches])


def test_what_is_examined_is_context_only_with_the_words_in_data(tmp_path):
    """The rule is data: the acts (intents.yaml: examines) and the roles they may examine
    (vocabulary.yaml: examined). Right after an act, at most three words on, and listed with
    it, such a role is context; before an act, or far after it, it is the user's."""
    text = "I am a port captain and I inspect the ferry captains and the lamp trimmers"
    plain = Understander(load_catalogue(copy_of_fixture(tmp_path / "1")))
    assert {"ferry-operator", "keeper"} <= set(plain.understand(text).roles)
    folder = copy_of_fixture(tmp_path / "2")
    vocabulary = folder / "vocabulary.yaml"
    vocabulary.write_text(
        vocabulary.read_text(encoding="utf-8")
        .replace("communities: [ferries]\n", "communities: [ferries]\n    examined: true\n")
        .replace(
            "communities: [lighthouses]\n", "communities: [lighthouses]\n    examined: true\n"
        ),
        encoding="utf-8",
    )
    path = folder / "intents.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "examines: [inspect]\n", encoding="utf-8")
    reader = Understander(load_catalogue(folder))
    u = reader.understand(text)
    assert {m.community_id for m in u.matches} == {"harbours", "charts"}
    assert u.roles == ("harbour-master",) and set(u.examined) == {"ferries", "lighthouses"}
    # the user's own role, before the act, stays theirs
    u = reader.understand("I am a ferry operator and I inspect the harbour")
    assert u.roles == ("ferry-operator",)
    # too far after the act to be what it examines
    u = reader.understand("I inspect engines on weekdays, at night a ferry operator")
    assert u.roles == ("ferry-operator",)


@pytest.mark.parametrize(
    "text",
    [
        "Every year I verify, on a sample basis, the work of the first level controllers",
        "I audit each spring a sample of the work done by the national controllers",
        "Ich prüfe jedes Jahr stichprobenartig die Arbeit der Kontrolleure",
        "Als Prüferin kontrolliere ich stichprobenweise die Arbeit der Prüfstellen",
        "Je vérifie chaque année par échantillonnage le travail des contrôleurs",
        "Verifico ogni anno a campione il lavoro svolto dai controllori",
        "Controlliamo a campione, per conto del programma, il lavoro dei controllori",
        "Comprobamos por muestreo, cada año, el trabajo de los controladores de primer nivel",
    ],
)
def test_the_controllers_work_an_auditor_samples_is_not_the_user_s_role(reader, text):
    """Auditors check the controllers' work on a sample, often with words between the act and
    the controllers ("on a sample basis, the work of"): the controllers whose work is examined
    are context (intents.yaml: examined_work), never the user's role or their answer."""
    u = reader.understand(text)
    offered = [m.community_id for m in u.matches] if u.intent == Intent.RECOMMEND else []
    assert "controllers" not in offered and "controller" not in u.roles, (
        text,
        u.intent,
        offered,
        u.roles,
    )
    assert _top(u) in ("auditors", None), (text, u.intent, offered)


@pytest.mark.parametrize(
    ("text", "team"),
    [
        ("I check partners' reports", "controllers"),
        ("Ich prüfe die Ausgaben der Partner im Rahmen der First Level Control", "controllers"),
        (
            "je vérifie les dépenses des partenaires dans le cadre du contrôle de premier niveau",
            "controllers",
        ),
        ("I coordinate the work of the first level controllers in our country", "controllers"),
    ],
)
def test_a_controller_s_own_checks_stay_a_controller_s(reader, text, team):
    """Only the work of someone else that is sampled or checked is context: a controller who
    checks reports within first level control, or who coordinates the controllers, is one."""
    assert _top(reader.understand(text)) == team, text


def test_someone_s_work_after_an_act_is_examined_only_with_the_words_in_data(tmp_path):
    """The rule is data (intents.yaml: examined_work): someone's work named after an act of
    checking, however far on, is what the user checks; without those words, or without an act
    before them, the role after them is the user's."""
    text = "I inspect every weekday in summer the work of the ferry captains"
    folder = copy_of_fixture(tmp_path / "1")
    vocabulary = folder / "vocabulary.yaml"
    vocabulary.write_text(
        vocabulary.read_text(encoding="utf-8").replace(
            "communities: [ferries]\n", "communities: [ferries]\n    examined: true\n"
        ),
        encoding="utf-8",
    )
    path = folder / "intents.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "examines: [inspect]\n", encoding="utf-8")
    assert Understander(load_catalogue(folder)).understand(text).roles == ("ferry-operator",)
    path.write_text(path.read_text(encoding="utf-8") + "examined_work: [work of]\n", "utf-8")
    reader = Understander(load_catalogue(folder))
    u = reader.understand(text)
    assert (u.roles, u.examined) == ((), ("ferries",))
    # no act before it: the work of the ferry captains is the user's own
    u = reader.understand("I share the work of the ferry captains")
    assert u.roles == ("ferry-operator",)


@pytest.mark.parametrize(
    "text",
    [
        "wo passe ich hin?",
        "Hallo, wohin gehöre ich eigentlich?",
        "welche Community wäre für mich die richtige?",
        "quelle communauté me conviendrait ?",
        "quale comunità fa per me?",
        "dove dovrei andare?",
        "¿dónde encajo yo?",
    ],
)
def test_where_do_i_belong_asks_the_role_in_every_language(reader, text):
    """'Where do I belong?' without saying what one does asks back for the role in German,
    French, Italian and Spanish as in English (intents.yaml `join`); it fell back ("I can't
    help") or only greeted."""
    assert reader.understand(text).intent == Intent.CLARIFY, text


# ---------------------------------------- a helpdesk the user runs is their work, no request


@pytest.mark.parametrize(
    "text",
    [
        "I run the helpdesk for applicants in our programme",
        "I provide support to beneficiaries during reporting",
        "Ich betreue den Helpdesk für Antragsteller unseres Programms",
        "Je gère le helpdesk des porteurs de projet",
        "Gestisco l'help desk per i beneficiari del programma",
        "Doy soporte a los beneficiarios en la fase de ejecución",
    ],
)
def test_a_helpdesk_the_user_runs_is_no_request_for_support(reader, text):
    """Users who run a helpdesk or give support to applicants describe their work
    (intents.yaml: serves): never escalated to tech support; programme and project management,
    or a question back."""
    u = reader.understand(text)
    assert u.intent != Intent.ESCALATE, (text, u.intent)
    assert _top(u) in ("programme-management", None), (text, u.intent, _top(u))


@pytest.mark.parametrize(
    "text",
    [
        "I need the helpdesk",
        "Ich brauche Support",
        "I run into an error, please contact support",
        "je voudrais parler au support",
    ],
)
def test_a_request_for_the_helpdesk_still_escalates(reader, text):
    assert reader.understand(text).intent == Intent.ESCALATE, text


def test_the_services_the_user_provides_are_data(tmp_path):
    """The rule is data (intents.yaml: serves): without those words a person phrase after
    "I run" asks for a person; with them it is what the user does."""
    folder = copy_of_fixture(tmp_path / "1")
    text = "I run a talk to someone service for sailors"
    assert Understander(load_catalogue(folder)).understand(text).intent == Intent.ESCALATE
    path = folder / "intents.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "serves: [i run]\n", encoding="utf-8")
    reader = Understander(load_catalogue(folder))
    assert reader.understand(text).intent != Intent.ESCALATE
    assert reader.understand("I want to talk to someone").intent == Intent.ESCALATE


# ------------------------------------------------- a cross-border programme is no function


@pytest.mark.parametrize(
    "text",
    [
        "I work for a cross-border cooperation programme",
        "Ich arbeite für ein Programm der grenzüberschreitenden Zusammenarbeit",
        "Je travaille pour un programme de coopération transfrontalière",
        "Lavoro in un programma di cooperazione transfrontaliera",
        "Trabajo en un programa de cooperación transfronteriza",
        "Trabajo para un programa Interreg A entre España y Francia",
    ],
)
def test_a_cross_border_programme_alone_asks_which_function(reader, text):
    """Interreg A is no function and no External Cooperation (that is for programmes with
    partners outside the EU): the bot asks back, never recommends."""
    u = reader.understand(text)
    assert u.intent == Intent.CLARIFY, (text, u.intent, _top(u))


# ------------------------------------------- preparing a call is programme management work


@pytest.mark.parametrize(
    "text",
    [
        "I draft the call for proposals",
        "Ich schreibe den Projektaufruf und die Auswahlkriterien",
        "scrivo il bando e i criteri di selezione",
        "redacto la convocatoria y los criterios",
    ],
)
def test_preparing_a_call_is_programme_management(reader, text):
    """The words of a call (offtopic in a question about its deadline) in what someone does
    are programme management work: never the fallback (a statement is no question about a
    programme's rules)."""
    u = reader.understand(text)
    assert u.intent != Intent.FALLBACK, (text, u.intent)
    assert _top(u) in ("programme-management", None), (text, _top(u))


# ------------------------------- how a beneficiary justifies costs: the programme's rules


@pytest.mark.parametrize(
    "text",
    [
        "How should I report travel costs to the controller?",
        "How do I declare office costs in the partner report?",
        "Wie weise ich Reisekosten gegenüber dem Kontrolleur nach?",
        "Comment justifier les frais de déplacement auprès du contrôleur ?",
        "Come dichiaro le spese di trasferta nel rapporto del partner?",
        "¿Cómo justifico los gastos de viaje ante el controlador?",
    ],
)
def test_how_to_justify_a_project_s_costs_gets_no_team(reader, text):
    """A beneficiary's question on how to justify or declare costs is the programme's rules,
    which no community answers (the controller in it is whom they report to): the fallback."""
    u = reader.understand(text)
    assert u.intent == Intent.FALLBACK and not u.matches, (text, u.intent, _top(u))


@pytest.mark.parametrize(
    ("text", "team"),
    [
        ("I'm a controller, how do I check travel costs?", "controllers"),
        ("Ich bin Kontrolleurin: wie prüfe ich Personalkosten?", "controllers"),
        ("je suis contrôleur et je vérifie les frais de déplacement", "controllers"),
    ],
)
def test_a_controller_asking_about_costs_still_gets_their_network(reader, text, team):
    assert _top(reader.understand(text)) == team, text
