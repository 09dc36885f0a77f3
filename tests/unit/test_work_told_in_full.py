"""Issue 10: classes read from the development sets fresh7 and fresh8, each with sentences of our
own in several languages and shapes, run with the trained model the bot serves (data/model).

- A controller who tells their work in a long paragraph (the partners' invoices, payslips,
  timesheets, proofs of payment, procurement files; the certificate before the lead partner
  reports) is a controller: the lead partner and the project partners named in it are whose
  costs the user checks, not the user's role. Finance staff and auditors stay where they are.
- A National Contact Point told by its tasks (helping applicants of one's country find partners,
  answering their questions about the call) gets National Contact Points, even where the call
  is named.
- An IT administrator who answers the partners' helpdesk tickets about Jems tells their work: no
  problem report, the Jems network.
- An employer's short name (AG, AdG, VB, GS) with a communication function in its short forms
  ("chargée de com") is Communication and visibility.
- Joining a community named with a typo ("jemms") gets that community's card; which page of the
  portal one joins from is the FAQ about where to join.
- A member of their own programme's monitoring committee is asked back (Interact Monitoring
  Committee or Programme and project management), never answered with one of them.

None of these sentences is a phrase of data/ or of an evaluation set.
"""

from __future__ import annotations

import pytest

from bot.core.understanding import Intent
from tests.support.catalogues import top_community as _top


@pytest.mark.parametrize(
    "text",
    [
        "Most of my working hours go on partners' receipts, salary slips and timesheets, and once "
        "I'm happy I sign the confirmation that the costs are genuine; then the lead partner can "
        "report them",
        "I work in a county office on nothing but project paperwork: invoices, payment proofs and "
        "procurement files of our partners, then I issue the certificate before the lead "
        "partner's report goes in. Which community?",
        "Ich sitze in einer Bezirksregierung und gehe die Belege der Projektpartner durch, "
        "Rechnungen, Stundennachweise, Kontoauszüge, und bestätige danach, dass die Ausgaben echt "
        "sind, bevor der Lead Partner berichtet. Wo passe ich hin?",
        "En préfecture, je passe en revue ligne par ligne les factures, fiches de paie et preuves "
        "de paiement des partenaires, puis je signe l'attestation avant que le chef de file "
        "envoie son rapport. Quelle communauté ?",
        "In regione passo in rassegna fatture, buste paga e quietanze dei partner di progetto e "
        "poi firmo l'attestazione prima che il capofila invii la relazione. Dove mi collocate?",
        "En la consejería repaso facturas, nóminas y justificantes de pago de los socios y luego "
        "firmo el certificado de que el gasto es real antes de que el jefe de fila envíe el "
        "informe. ¿Qué comunidad me toca?",
    ],
)
def test_a_controller_s_work_told_in_a_paragraph_is_a_controller(reader, text):
    u = reader.understand(text)
    assert (u.intent, _top(u)) == (Intent.RECOMMEND, "controllers"), (text, u.intent, _top(u))


@pytest.mark.parametrize(
    ("text", "team"),
    [
        (
            "I keep the programme's books and transfer the ERDF money to the lead partners",
            "financial-management",
        ),
        (
            "Ich bin in der Prüfbehörde und prüfe stichprobenartig Vorhaben, auch "
            "Gehaltsabrechnungen und Stundenzettel",
            "auditors",
        ),
        ("I'm a lead partner of a cross-border project, which team?", "programme-management"),
    ],
)
def test_finance_staff_auditors_and_lead_partners_stay_where_they_are(reader, text, team):
    u = reader.understand(text)
    assert (u.intent, _top(u)) == (Intent.RECOMMEND, team), (text, u.intent, _top(u))


@pytest.mark.parametrize(
    "text",
    [
        "I'm based at our ministry and help organisations from my country find partners abroad "
        "and answer their questions on the calls. Is there a team for me?",
        "Vom Ministerium aus helfe ich Antragstellern aus Österreich bei der Partnersuche und "
        "beantworte Fragen zu den Aufrufen. Gibt es ein Team dafür?",
        "Au ministère, mon rôle est d'orienter les porteurs de projet de mon pays vers des "
        "partenaires et de répondre à leurs questions sur l'appel. Y a-t-il une équipe pour moi ?",
        "Lavoro al ministero: seguo gli enti del mio paese che cercano partner e chiarisco i loro "
        "dubbi sul bando. C'è un team per me?",
        "Trabajo en el ministerio y mi tarea es orientar a las entidades españolas que buscan "
        "socios y tienen preguntas sobre la convocatoria. ¿Hay un equipo para mí?",
    ],
)
def test_a_national_contact_point_told_by_its_tasks(reader, text):
    u = reader.understand(text)
    assert (u.intent, _top(u)) == (Intent.RECOMMEND, "ncp"), (text, u.intent, _top(u))


@pytest.mark.parametrize(
    "text",
    [
        "Our secretariat's Jems is my job: I build the application and report templates, grant "
        "access rights to users and I answer the support tickets beneficiaries raise. Where do I "
        "belong?",
        "Als IT-Administratorin im Gemeinsamen Sekretariat pflege ich die Formulare in Jems, "
        "vergebe die Rechte und beantworte die Helpdesk-Tickets der Projektpartner. Welches Team "
        "passt?",
        "Je gère Jems pour notre programme : je paramètre les formulaires, les droits des "
        "utilisateurs, et je réponds aux tickets du support envoyés par les bénéficiaires. "
        "Quelle équipe ?",
        "Sono il sistemista del segretariato congiunto: configuro i moduli di Jems, gestisco le "
        "utenze e rispondo ai ticket dell'helpdesk aperti dai beneficiari. Quale community?",
        "Llevo la parte informática de la secretaría conjunta: preparo los formularios en Jems, "
        "doy de alta a los usuarios y respondo los tickets del helpdesk de los beneficiarios. "
        "¿Qué equipo?",
    ],
)
def test_an_it_admin_who_answers_helpdesk_tickets_about_jems_gets_jems(reader, text):
    u = reader.understand(text)
    assert (u.intent, _top(u)) == (Intent.RECOMMEND, "jems"), (text, u.intent, _top(u))


@pytest.mark.parametrize(
    "text",
    [
        "I opened a helpdesk ticket two weeks ago and nobody has answered it",
        "please open a ticket for me, the portal shows an error page",
        "Ich möchte mit dem Helpdesk sprechen, mein Konto ist gesperrt",
    ],
)
def test_a_problem_with_a_ticket_is_still_escalated(reader, text):
    assert reader.understand(text).intent == Intent.ESCALATE, text


@pytest.mark.parametrize(
    "text",
    [
        "SC d'un programme transfrontalier, moi je suis la chargée de com, vous me conseillez "
        "quoi ?",
        "Responsable com à l'AdG d'un programme transfrontalier : où aller ?",
        "SC d'un programme Interreg transfrontalier, je suis la dircom, quelle équipe ?",
        "Chargé de com à l'autorité de gestion (AG), je cherche mon équipe",
        "VB eines Interreg-Programms, ich mache die PR, welches Team?",
        "GS eines grenzüberschreitenden Programms, PR-Referentin, welches Team?",
        "lavoro all'AdG come addetta comunicazione, dove vado?",
        "AG de un programa Interreg, encargada de comunicación, ¿qué equipo?",
        "MA, comms lead for the programme: which team?",
    ],
)
def test_an_employer_s_short_name_and_a_communication_function(reader, text):
    u = reader.understand(text)
    assert (u.intent, _top(u)) == (Intent.RECOMMEND, "communication"), (text, u.intent, _top(u))


@pytest.mark.parametrize(
    ("text", "team"),
    [
        ("how do I get into the jemms network?", "jems"),
        ("wie trete ich dem Jemss-Netzwerk bei?", "jems"),
        ("come posso unirmi alla rete jemms?", "jems"),
        ("vorrei entrare nel network jemms, come faccio?", "jems"),
        ("how can I join the controlers network?", "controllers"),
        ("je voudrais rejoindre le réseau des controleurs, comment faire ?", "controllers"),
    ],
)
def test_joining_a_community_named_with_a_typo_gets_its_card(reader, text, team):
    u = reader.understand(text)
    assert (u.intent, _top(u)) == (Intent.RECOMMEND, team), (text, u.intent, _top(u))


@pytest.mark.parametrize(
    "text",
    [
        "on which portal page do I sign up for the communities?",
        "Auf welcher Seite des Portals melde ich mich bei den Communities an?",
        "sur quelle page du portail s'inscrit-on aux communautés ?",
        "In che pagina del portale trovo il pulsante per entrare nei team?",
        "¿en qué página del portal me inscribo en las comunidades?",
    ],
)
def test_the_page_of_the_portal_one_joins_from_is_the_joining_faq(reader, text):
    u = reader.understand(text)
    assert (u.intent, u.faq_id) == (Intent.FAQ, "browse"), (text, u.intent, u.faq_id)


@pytest.mark.parametrize(
    "text",
    [
        "I'm on the monitoring committee of our programme as a regional delegate, what's in "
        "here for me?",
        "Ich sitze im Begleitausschuss unseres Programms. Was ist für mich relevant?",
        "Je siège au comité de suivi de notre programme pour ma région, qu'est-ce qui "
        "m'intéresse ici ?",
        "Faccio parte del comitato di sorveglianza del nostro programma, cosa fa al caso mio?",
        "Soy vocal del comité de seguimiento de nuestro programa, ¿qué me interesa aquí?",
        # a72ad13 answered this one with Programme and project management
        "I'm in the MC of our programme",
    ],
)
def test_a_member_of_one_s_own_programme_s_committee_is_asked_back(reader, text):
    u = reader.understand(text)
    choices = {m.community_id for m in u.matches}
    assert u.intent == Intent.CLARIFY, (text, u.intent, _top(u))
    assert {"imc", "programme-management"} <= choices, (text, choices)
