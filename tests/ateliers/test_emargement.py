"""The attendance page (émargement): presence, chèques, walk-ins, closing."""

import datetime
import html as html_lib
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ateliers.enums import Canal, StatutInscription, StatutSession
from ateliers.models import Inscription, Session
from ateliers.services import attendance
from inclusion.enums import ModeConsentement, Role
from inclusion.models import Beneficiaire
from pass_numerique.models import Encaissement
from pass_numerique.services import issuance
from tests.ateliers.factories import setup_atelier
from tests.inclusion.factories import BeneficiaireFactory, member
from tests.pass_numerique.factories import EnveloppeFactory, ProgrammeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _inscrire(session, person, statut=StatutInscription.INSCRIT, rang=None):
    inscription = Inscription.objects.create(
        session=session,
        beneficiaire=person,
        statut=statut,
        rang_attente=rang,
        canal=Canal.PRO,
        inscrit_le=session.debut,
    )
    if statut == StatutInscription.INSCRIT:
        Session.objects.filter(pk=session.pk).update(nb_inscrits=session.inscriptions.count())
    elif rang:
        Session.objects.filter(pk=session.pk).update(dernier_rang_attente=rang)
    session.refresh_from_db()
    return inscription


@pytest.fixture
def ctx():
    ctx = setup_atelier(commencee=True)
    session = ctx["session"]
    structure = session.lieu.structure
    enveloppe = EnveloppeFactory(programme=ProgrammeFactory(), structure=structure)
    person = BeneficiaireFactory(structure=structure, prenom="Fatima", nom="Benali")
    [item] = issuance.issue_carnets(
        acteur=member(Role.PRESCRIPTEUR, structure=structure),
        enveloppe=enveloppe,
        beneficiaire=person,
    )
    ctx.update(
        person=person,
        codes=[code for _, code in item.cheque_codes],
        inscription=_inscrire(session, person),
        url=reverse("emargement:session", args=[session.pk]),
    )
    return ctx


@pytest.fixture
def mediateur_client(client, ctx):
    client.force_login(ctx["mediateur"])
    return client


def _present(ctx):
    return attendance.set_presence(
        acteur=ctx["mediateur"], inscription=ctx["inscription"], statut="present"
    )


def _cheque_url(ctx):
    return reverse("emargement:cheque", args=[ctx["session"].pk, ctx["inscription"].pk])


def _cheque_post(client, ctx, code="", mode="code", demande_id=None):
    prefix = f"c{ctx['inscription'].pk}"
    return client.post(
        _cheque_url(ctx),
        {
            f"{prefix}-code": code,
            f"{prefix}-mode": mode,
            f"{prefix}-demande_id": str(demande_id or uuid.uuid4()),
        },
    )


# Access


def test_anonymous_goes_to_login(client, ctx):
    response = client.get(ctx["url"])
    assert response.status_code == 302
    assert response.url.startswith(reverse("pro:connexion"))
    response = client.post(
        reverse("emargement:presence", args=[ctx["session"].pk, ctx["inscription"].pk]),
        {"statut": "present"},
    )
    assert response.status_code == 302
    assert Inscription.objects.get(pk=ctx["inscription"].pk).statut == StatutInscription.INSCRIT


@pytest.mark.parametrize("role", [Role.MEDIATEUR, Role.PRESCRIPTEUR])
def test_other_structure_gets_404(client, ctx, role):
    client.force_login(member(role))
    session = ctx["session"]
    assert client.get(ctx["url"]).status_code == 404
    response = client.post(
        reverse("emargement:presence", args=[session.pk, ctx["inscription"].pk]),
        {"statut": "present"},
    )
    assert response.status_code == 404
    assert client.post(reverse("emargement:cloturer", args=[session.pk])).status_code == 404
    assert Inscription.objects.get(pk=ctx["inscription"].pk).statut == StatutInscription.INSCRIT


def test_inscription_of_another_session_is_404(mediateur_client, ctx):
    other = setup_atelier(commencee=True)["session"]
    other_ins = _inscrire(other, BeneficiaireFactory(structure=other.lieu.structure))
    response = mediateur_client.post(
        reverse("emargement:presence", args=[ctx["session"].pk, other_ins.pk]),
        {"statut": "present"},
    )
    assert response.status_code == 404


# Presence


def test_page_lists_people_with_toggles(mediateur_client, ctx):
    attente = BeneficiaireFactory(structure=ctx["session"].lieu.structure, prenom="Zoé")
    _inscrire(ctx["session"], attente, statut=StatutInscription.EN_ATTENTE, rang=1)
    response = mediateur_client.get(ctx["url"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fatima Benali" in html
    assert "Liste d'attente (1)" in html
    assert html.count('aria-pressed="false"') == 6  # 3 toggles × 2 people, none chosen yet
    assert 'aria-pressed="true"' not in html
    assert "Encaisser ce chèque" not in html  # only once the person is present


def test_mark_present_redirects_to_the_row(mediateur_client, ctx):
    ins = ctx["inscription"]
    response = mediateur_client.post(
        reverse("emargement:presence", args=[ctx["session"].pk, ins.pk]), {"statut": "present"}
    )
    assert response.status_code == 302
    assert response.url == f"{ctx['url']}?cheque={ins.pk}#"
    assert Inscription.objects.get(pk=ins.pk).statut == StatutInscription.PRESENT
    html = mediateur_client.get(response.url).content.decode()
    assert html.count('aria-pressed="true"') == 1
    assert "✓&nbsp;</span>Présent" in html
    assert "Encaisser ce chèque" in html
    assert "Utiliser un de ses chèques" in html
    assert "autofocus" in html  # the code field of that person, for the scanner


def test_mark_absent_then_excuse(mediateur_client, ctx):
    url = reverse("emargement:presence", args=[ctx["session"].pk, ctx["inscription"].pk])
    response = mediateur_client.post(url, {"statut": "absent"})
    assert response.url == f"{ctx['url']}#personne-{ctx['inscription'].pk}"
    mediateur_client.post(url, {"statut": "excuse"})
    assert Inscription.objects.get(pk=ctx["inscription"].pk).statut == StatutInscription.EXCUSE


def test_waiting_list_person_who_comes_gets_a_seat(mediateur_client, ctx):
    attente = _inscrire(
        ctx["session"],
        BeneficiaireFactory(structure=ctx["session"].lieu.structure),
        statut=StatutInscription.EN_ATTENTE,
        rang=1,
    )
    mediateur_client.post(
        reverse("emargement:presence", args=[ctx["session"].pk, attente.pk]),
        {"statut": "present"},
    )
    attente.refresh_from_db()
    assert attente.statut == StatutInscription.PRESENT
    assert attente.rang_attente is None


def test_bad_presence_value_is_refused(mediateur_client, ctx):
    response = mediateur_client.post(
        reverse("emargement:presence", args=[ctx["session"].pk, ctx["inscription"].pk]),
        {"statut": "annule"},
    )
    assert response.status_code == 422
    assert "Choisissez présent, absent ou excusé." in response.content.decode()
    assert Inscription.objects.get(pk=ctx["inscription"].pk).statut == StatutInscription.INSCRIT


def test_presence_on_a_cancelled_session_is_refused(mediateur_client, ctx):
    Session.objects.filter(pk=ctx["session"].pk).update(statut=StatutSession.ANNULEE)
    response = mediateur_client.post(
        reverse("emargement:presence", args=[ctx["session"].pk, ctx["inscription"].pk]),
        {"statut": "present"},
    )
    assert response.status_code == 409
    assert "Cette session est annulée." in response.content.decode()
    assert Inscription.objects.get(pk=ctx["inscription"].pk).statut == StatutInscription.INSCRIT
    page = mediateur_client.get(ctx["url"]).content.decode()
    assert "aria-pressed" not in page  # read-only


# Chèques


def test_cheque_by_code(mediateur_client, ctx):
    _present(ctx)
    # What a USB scanner types: the QR code's address.
    response = _cheque_post(mediateur_client, ctx, code=f"https://exemple.fr/c/{ctx['codes'][0]}")
    assert response.status_code == 302
    assert response.url == f"{ctx['url']}#personne-{ctx['inscription'].pk}"
    ins = Inscription.objects.get(pk=ctx["inscription"].pk)
    assert ins.encaissement.reference == f"ateliers.session#{ctx['session'].pk}"
    html = mediateur_client.get(response.url).content.decode()
    assert "Chèque encaissé" in html
    assert "Encaisser ce chèque" not in html
    assert "Code du chèque" not in html


def test_own_cheque(mediateur_client, ctx):
    _present(ctx)
    response = _cheque_post(mediateur_client, ctx, mode="sien")
    assert response.status_code == 302
    assert Inscription.objects.get(pk=ctx["inscription"].pk).encaissement is not None
    assert Encaissement.objects.count() == 1


def test_resubmitted_form_redeems_nothing_twice(mediateur_client, ctx):
    _present(ctx)
    demande = uuid.uuid4()
    for code in ctx["codes"][:2]:
        response = _cheque_post(mediateur_client, ctx, code=code, demande_id=demande)
        assert response.status_code == 302
    assert Encaissement.objects.count() == 1


def test_exactly_one_cheque_per_present_person(mediateur_client, ctx):
    _present(ctx)
    assert _cheque_post(mediateur_client, ctx, code=ctx["codes"][0]).status_code == 302
    for kwargs in ({"code": ctx["codes"][1]}, {"mode": "sien"}):
        response = _cheque_post(mediateur_client, ctx, **kwargs)
        assert response.status_code == 409
        assert "Un chèque a déjà été encaissé pour cette personne." in response.content.decode()
    assert Encaissement.objects.count() == 1


def test_empty_code_is_explained_next_to_the_field(mediateur_client, ctx):
    _present(ctx)
    response = _cheque_post(mediateur_client, ctx, code="")
    assert response.status_code == 422
    html = response.content.decode()
    field_id = f"id_c{ctx['inscription'].pk}-code"
    assert f'id="{field_id}_erreurs"' in html
    assert f'aria-describedby="{field_id}_aide {field_id}_erreurs"' in html
    assert "Scannez le QR code du chèque" in html


def test_bad_code_is_refused_with_the_reason(mediateur_client, ctx):
    _present(ctx)
    response = _cheque_post(mediateur_client, ctx, code="K7MQ-3ZP9-XW2H-D4RT-V")
    assert response.status_code == 409
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Chèque refusé" in html
    assert Encaissement.objects.count() == 0
    assert Inscription.objects.get(pk=ctx["inscription"].pk).encaissement is None


def test_already_used_cheque_is_refused(mediateur_client, ctx):
    _present(ctx)
    code = ctx["codes"][0]
    other = BeneficiaireFactory(structure=ctx["session"].lieu.structure, prenom="Marc")
    other_ins = attendance.add_walk_in(
        acteur=ctx["mediateur"], session=ctx["session"], beneficiaire=other
    )
    attendance.redeem_for_presence(
        acteur=ctx["mediateur"], inscription=other_ins, code=code, demande_id=uuid.uuid4()
    )
    response = _cheque_post(mediateur_client, ctx, code=code)
    assert response.status_code == 409
    assert "Ce chèque a déjà été utilisé le " in response.content.decode()
    assert Inscription.objects.get(pk=ctx["inscription"].pk).encaissement is None


def test_too_many_wrong_codes(mediateur_client, ctx):
    _present(ctx)
    for _ in range(10):
        assert _cheque_post(mediateur_client, ctx, code="K7MQ-3ZP9-XW2H-D4RT-V").status_code == 409
    response = _cheque_post(mediateur_client, ctx, code=ctx["codes"][0])
    assert response.status_code == 429
    assert "Trop de codes faux en peu de temps." in response.content.decode()
    assert Encaissement.objects.count() == 0


def test_no_cheque_form_for_a_free_theme(mediateur_client, ctx):
    ctx["session"].theme.avec_cheque = False
    ctx["session"].theme.save()
    _present(ctx)
    html = mediateur_client.get(ctx["url"]).content.decode()
    assert "Encaisser ce chèque" not in html
    assert _cheque_post(mediateur_client, ctx, code=ctx["codes"][0]).status_code == 409
    assert Encaissement.objects.count() == 0


# Walk-ins


def test_walk_in_search_and_add(mediateur_client, ctx):
    structure = ctx["session"].lieu.structure
    walk_in = BeneficiaireFactory(structure=structure, prenom="Josiane", nom="Leroy")
    BeneficiaireFactory(prenom="Josiane", nom="Ailleurs")  # another structure: not found
    html = mediateur_client.get(ctx["url"], {"q": "josi"}).content.decode()
    assert "Josiane Leroy" in html
    assert "Ailleurs" not in html
    response = mediateur_client.post(
        reverse("emargement:ajouter", args=[ctx["session"].pk]), {"beneficiaire": walk_in.uuid}
    )
    assert response.status_code == 302
    ins = Inscription.objects.get(session=ctx["session"], beneficiaire=walk_in)
    assert ins.statut == StatutInscription.PRESENT
    assert response.url == f"{ctx['url']}?cheque={ins.pk}#"
    html = mediateur_client.get(ctx["url"], {"q": "josi"}).content.decode()
    assert "déjà sur la liste" in html


def test_walk_in_search_by_phone(mediateur_client, ctx):
    BeneficiaireFactory(
        structure=ctx["session"].lieu.structure,
        prenom="Ali",
        telephone="+33698765432",
        type_telephone="mobile",
    )
    html = mediateur_client.get(ctx["url"], {"q": "06 98 76"}).content.decode()
    assert "Ali" in html
    assert "06 •• •• •• 32" in html
    assert "06 98 76 54 32" not in html


def test_walk_in_of_another_structure_is_404(mediateur_client, ctx):
    stranger = BeneficiaireFactory()
    response = mediateur_client.post(
        reverse("emargement:ajouter", args=[ctx["session"].pk]), {"beneficiaire": stranger.uuid}
    )
    assert response.status_code == 404
    assert not Inscription.objects.filter(beneficiaire=stranger).exists()


def test_quick_create_then_present(mediateur_client, ctx):
    response = mediateur_client.post(
        reverse("emargement:creer", args=[ctx["session"].pk]),
        {"prenom": " Nadia ", "telephone": "06 11 22 33 44", "consentement_sms": "on"},
    )
    assert response.status_code == 302
    person = Beneficiaire.objects.get(prenom="Nadia")
    assert person.structure == ctx["session"].lieu.structure
    assert person.consentement_sms
    assert person.consentement_sms_mode == ModeConsentement.ORAL
    assert person.consentement_sms_par == ctx["mediateur"]
    ins = Inscription.objects.get(session=ctx["session"], beneficiaire=person)
    assert ins.statut == StatutInscription.PRESENT


def test_quick_create_without_phone(mediateur_client, ctx):
    response = mediateur_client.post(
        reverse("emargement:creer", args=[ctx["session"].pk]), {"prenom": "Paul"}
    )
    assert response.status_code == 302
    person = Beneficiaire.objects.get(prenom="Paul")
    assert not person.telephone
    assert not person.consentement_sms


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"prenom": ""}, "Indiquez le prénom de la personne."),
        ({"prenom": "Paul", "consentement_sms": "on"}, "il faut un numéro de mobile"),
        ({"prenom": "Paul", "telephone": "12"}, "Ce numéro de téléphone n&#x27;est pas valide."),
        (
            {"prenom": "Paul", "telephone": "01 42 00 00 00", "consentement_sms": "on"},
            "Ce numéro est un fixe",
        ),
        (
            {"prenom": "Paul", "telephone": "+225 07 01 23 45 67", "consentement_sms": "on"},
            "portables français",
        ),
    ],
)
def test_quick_create_bad_input(mediateur_client, ctx, data, message):
    response = mediateur_client.post(reverse("emargement:creer", args=[ctx["session"].pk]), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    assert not Beneficiaire.objects.filter(prenom="Paul").exists()


# Closing


def test_close_marks_the_rest_absent_then_read_only(mediateur_client, ctx):
    _present(ctx)
    _cheque_post(mediateur_client, ctx, code=ctx["codes"][0])
    structure = ctx["session"].lieu.structure
    reste = _inscrire(ctx["session"], BeneficiaireFactory(structure=structure))
    url = reverse("emargement:cloturer", args=[ctx["session"].pk])
    confirmation = mediateur_client.get(url).content.decode()
    assert "1 personne pas encore notée sera notée absente" in confirmation
    response = mediateur_client.post(url)
    assert response.status_code == 302
    assert Session.objects.get(pk=ctx["session"].pk).statut == StatutSession.TERMINEE
    assert Inscription.objects.get(pk=reste.pk).statut == StatutInscription.ABSENT
    html = mediateur_client.get(ctx["url"]).content.decode()
    assert "La session est clôturée. 1 personne notée absente." in html
    assert "<form" not in html.split("Bilan")[1]  # read-only
    for label, number in [("présent", 1), ("absent", 1), ("excusé", 0), ("chèque", 1)]:
        assert f'<span class="stat__number">{number}</span> {label}' in html
    response = mediateur_client.post(
        reverse("emargement:presence", args=[ctx["session"].pk, reste.pk]), {"statut": "present"}
    )
    assert response.status_code == 409
    assert Inscription.objects.get(pk=reste.pk).statut == StatutInscription.ABSENT


def test_close_before_the_start_is_refused(client):
    ctx = setup_atelier()
    client.force_login(ctx["mediateur"])
    url = reverse("emargement:cloturer", args=[ctx["session"].pk])
    assert "pas encore commencé" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 409
    assert "La session n&#x27;a pas encore commencé." in response.content.decode()
    assert Session.objects.get(pk=ctx["session"].pk).statut == StatutSession.PLANIFIEE


# Queries


def _page_queries(client, ctx, n):
    session = ctx["session"]
    structure = session.lieu.structure
    for k in range(n - 1):
        person = BeneficiaireFactory(structure=structure, prenom=f"Personne {k}")
        ins = _inscrire(session, person)
        attendance.set_presence(acteur=ctx["mediateur"], inscription=ins, statut="present")
    _present(ctx)
    assert session.inscriptions.count() == n
    client.force_login(ctx["mediateur"])
    client.get(ctx["url"])  # warm up (session, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ctx["url"])
    assert response.status_code == 200
    assert response.content.decode().count("Encaisser ce chèque") == n
    return len(queries)


def test_page_queries_do_not_grow_with_registrations(client, ctx):
    one = _page_queries(client, ctx, 1)
    other = setup_atelier(commencee=True)
    other_ctx = {
        **other,
        "inscription": _inscrire(
            other["session"], BeneficiaireFactory(structure=other["session"].lieu.structure)
        ),
        "url": reverse("emargement:session", args=[other["session"].pk]),
    }
    thirty = _page_queries(client, other_ctx, 30)
    assert one == thirty
    assert one <= 12, one


# Issue 12: attendance and chèques only while the session is on


T0 = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def frozen():
    """This module's clock stops at T0 (not the shared instant): its tests sign in, then look
    at pages at T0, and a sign-in two weeks older would have expired."""
    with time_machine.travel(T0, tick=False):
        yield T0


def _session_with_pass(debut):
    """A session starting at `debut`, with Fatima registered and marked present directly in
    the table (as a row written before the rule), holding a pass of 10 chèques."""
    with time_machine.travel(T0, tick=False):
        ctx = setup_atelier(debut=debut, fin=debut + datetime.timedelta(hours=2))
        session = ctx["session"]
        structure = session.lieu.structure
        enveloppe = EnveloppeFactory(programme=ProgrammeFactory(), structure=structure)
        person = BeneficiaireFactory(structure=structure, prenom="Fatima", nom="Benali")
        issuance.issue_carnets(
            acteur=member(Role.PRESCRIPTEUR, structure=structure),
            enveloppe=enveloppe,
            beneficiaire=person,
        )
        inscription = _inscrire(session, person)
    Inscription.objects.filter(pk=inscription.pk).update(statut=StatutInscription.PRESENT)
    ctx.update(
        person=person,
        inscription=inscription,
        url=reverse("emargement:session", args=[session.pk]),
    )
    return ctx


def test_session_in_20_days_cashes_nothing_and_says_when_it_opens(client):
    ctx = _session_with_pass(T0 + datetime.timedelta(days=20))
    client.force_login(ctx["mediateur"])
    walk_in = BeneficiaireFactory(structure=ctx["session"].lieu.structure)
    with time_machine.travel(T0, tick=False):
        page = client.get(ctx["url"]).content.decode()
        assert "l'émargement ouvre le 22/12/2026 à 09:30" in html_lib.unescape(page)
        assert "aria-pressed" not in page
        assert "Utiliser un de ses chèques" not in page
        assert 'id="ajouter"' not in page
        # "Utiliser un de ses chèques" posted anyway: refused, with the reason.
        response = _cheque_post(client, ctx, mode="sien")
        assert response.status_code == 409
        text = html_lib.unescape(response.content.decode())
        assert "Cette session n'a pas encore commencé" in text
        assert "à partir du 22/12/2026 à 09:30" in text
        response = client.post(
            reverse("emargement:presence", args=[ctx["session"].pk, ctx["inscription"].pk]),
            {"statut": "absent"},
        )
        assert response.status_code == 409
        assert "l'émargement ouvre le" in html_lib.unescape(response.content.decode())
        response = client.post(
            reverse("emargement:ajouter", args=[ctx["session"].pk]),
            {"beneficiaire": walk_in.uuid},
        )
        assert response.status_code == 409
        assert "pas encore commencé" in html_lib.unescape(response.content.decode())
    assert not Encaissement.objects.exists()
    assert not Inscription.objects.filter(beneficiaire=walk_in).exists()
    assert Inscription.objects.get(pk=ctx["inscription"].pk).statut == StatutInscription.PRESENT


def test_cheques_close_a_few_days_after_the_end(client):
    ctx = _session_with_pass(T0 - datetime.timedelta(days=4))
    client.force_login(ctx["mediateur"])
    with time_machine.travel(T0, tick=False):
        page = html_lib.unescape(client.get(ctx["url"]).content.decode())
        assert "Le délai pour encaisser un chèque pour cette session est dépassé" in page
        assert "jusqu'au 01/12/2026 à 12:00" in page
        assert "Encaisser ce chèque" not in page
        assert 'aria-pressed="true"' in page  # attendance itself can still be corrected
        response = _cheque_post(client, ctx, mode="sien")
        assert response.status_code == 409
        assert "est dépassé" in html_lib.unescape(response.content.decode())
    assert not Encaissement.objects.exists()
