"""A person's file shows their history in one timeline ("Son parcours"): the socle's lines
(file created, SMS consent), the whole page's query count, the grouping by month and the
"voir tout" link. Each layer's own lines are tested in tests/<app>/test_chronologie.py."""

import datetime
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ateliers.enums import Canal
from ateliers.services import attendance, registrations
from inclusion import registry
from inclusion.enums import ModeConsentement, Role
from inclusion.models import Membership
from inclusion.services import beneficiaires as services
from inclusion.sms.optout import refuse_sms
from mediation.models import Diagnostic
from mediation.services import activites
from mediation.vocabulaire import OutilDiagnostic, Thematique
from pass_numerique.enums import Prestation
from pass_numerique.services import issuance
from pass_numerique.services.redemption import redeem_cheque
from tests.ateliers.factories import SessionFactory
from tests.inclusion.factories import LieuFactory, StructureFactory, member
from tests.pass_numerique.factories import EnveloppeFactory, ProgrammeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def build_world():
    """Structure A with a qualified lieu, a professional who is both prescripteur and
    médiateur there, an envelope of pass, and a person of A with a mobile."""
    structure = StructureFactory(nom="CCAS de Bellerive")
    lieu = LieuFactory(structure=structure, qualifie=True, nom="Médiathèque Jules-Verne")
    pro = member(Role.PRESCRIPTEUR, structure=structure, first_name="Maëlle")
    Membership.objects.create(user=pro, structure=structure, role=Role.MEDIATEUR)
    programme = ProgrammeFactory(cheques_par_carnet=2, nom="Pass 2026")
    enveloppe = EnveloppeFactory(programme=programme, structure=structure, nb_cheques=1000)
    personne = services.create_beneficiaire(
        acteur=pro,
        structure=structure,
        prenom="Jeanne",
        nom="Martin",
        telephone="0612345678",
        consentement_sms=True,
        consentement_sms_mode=ModeConsentement.ORAL,
    )
    return {
        "structure": structure,
        "lieu": lieu,
        "pro": pro,
        "enveloppe": enveloppe,
        "personne": personne,
    }


def add_events(ctx, n, start=0):
    """n events of each kind for ctx's person, through the services: consent changes,
    carnets issued and handed over, chèques redeemed, workshop registrations with
    attendance, individual records, diagnostics."""
    pro, personne, lieu = ctx["pro"], ctx["personne"], ctx["lieu"]
    now = timezone.now()
    for i in range(start, start + n):
        personne = services.update_beneficiaire(
            acteur=pro,
            beneficiaire=personne,
            prenom=personne.prenom,
            nom=personne.nom,
            telephone="0612345678",
            consentement_sms=i % 2 == 1,
            consentement_sms_mode=ModeConsentement.ORAL if i % 2 == 1 else "",
        )
        issued = issuance.issue_carnets(
            acteur=pro, enveloppe=ctx["enveloppe"], beneficiaire=personne
        )[0]
        issuance.hand_over(acteur=pro, carnet=issued.carnet)
        redeem_cheque(
            acteur=pro,
            lieu=lieu,
            code=issued.cheque_codes[0][1],
            prestation=Prestation.ACCOMPAGNEMENT,
            demande_id=issuance.new_request_id(),
        )
        debut = now - datetime.timedelta(days=2 + i, hours=1)
        session = SessionFactory(lieu=lieu, debut=debut)
        inscription = registrations.register(
            session=session,
            beneficiaire=personne,
            canal=Canal.PRO,
            acteur=pro,
            now=debut - datetime.timedelta(days=1),
        )
        attendance.set_presence(acteur=pro, inscription=inscription, statut="present", now=debut)
        activites.record_individuelle(
            acteur=pro,
            beneficiaire=personne,
            lieu=lieu,
            date=timezone.localdate() - datetime.timedelta(days=i % 300),
            thematiques=[Thematique.EMAIL],
        )
        Diagnostic.objects.create(
            beneficiaire=personne,
            structure=ctx["structure"],
            auteur=pro,
            date=timezone.localdate() - datetime.timedelta(days=i % 300),
            outil=OutilDiagnostic.INCLUSION,
            obstacles=["materiel"],
            scores={"appareil": 3, "recherche": 1},
        )
    ctx["personne"] = personne


def test_file_created_and_consent_history():
    ctx = build_world()
    pro, personne = ctx["pro"], ctx["personne"]
    services.update_beneficiaire(
        acteur=pro,
        beneficiaire=personne,
        prenom="Jeanne",
        telephone="0612345678",
        consentement_sms=False,
    )
    services.update_beneficiaire(
        acteur=pro, beneficiaire=personne, prenom="Jeanne", nom="Martin", telephone="0612345678"
    )  # other fields: no consent line
    refuse_sms(telephone="+33612345678", canal="sms")

    from inclusion.chronologie import evenements

    lignes = {(e.nature, e.titre, e.detail) for e in evenements(pro, personne)}
    assert lignes == {
        ("dossier", "Dossier créé", "Par CCAS de Bellerive."),
        ("sms", "Accepte de recevoir des SMS", ""),
        ("sms_refus", "N'accepte plus les SMS", ""),
        ("sms_refus", "Ne veut plus recevoir de SMS", "Demandé par SMS."),
    }


def test_socle_lines_need_the_file():
    ctx = build_world()
    from inclusion.chronologie import evenements

    autre = member(Role.MEDIATEUR)
    assert evenements(autre, ctx["personne"]) == []
    volontaire = member(Role.VOLONTAIRE, structure=ctx["structure"])
    assert evenements(volontaire, ctx["personne"]) == []


def test_timeline_is_newest_first_across_layers():
    ctx = build_world()
    add_events(ctx, 2)
    lignes = registry.timeline_for(ctx["pro"], ctx["personne"])
    natures = {e.nature for e in lignes}
    assert natures >= {
        "dossier",
        "sms",
        "sms_refus",
        "carnet",
        "cheque",
        "inscription",
        "presence",
        "activite",
        "diagnostic",
    }

    def instant(e):
        q = e.quand
        if isinstance(q, datetime.datetime):
            return q.replace(tzinfo=None)
        return datetime.datetime.combine(q, datetime.time.max)

    instants = [instant(e) for e in lignes]
    assert instants == sorted(instants, reverse=True)


def _page(client, ctx, **params):
    url = reverse("pro:beneficiaire_detail", args=[ctx["personne"].uuid])
    return client.get(url, params)


def test_page_query_count_does_not_grow_with_events(
    client, django_assert_num_queries, habillage_en_cache
):
    ctx = build_world()
    add_events(ctx, 1)
    client.force_login(ctx["pro"])
    _page(client, ctx, parcours="tout")  # warms the caches
    with CaptureQueriesContext(connection) as one:
        response = _page(client, ctx, parcours="tout")
    assert response.status_code == 200
    petit = response.context["parcours"]["total"]
    add_events(ctx, 19, start=1)
    with django_assert_num_queries(len(one.captured_queries)):
        response = _page(client, ctx, parcours="tout")
    assert response.status_code == 200
    assert response.context["parcours"]["total"] >= petit + 19 * 8


def test_page_shows_the_last_50_then_everything(client):
    ctx = build_world()
    add_events(ctx, 8)
    client.force_login(ctx["pro"])
    response = _page(client, ctx)
    parcours = response.context["parcours"]
    assert parcours["total"] > 50
    assert parcours["affiches"] == 50 and parcours["tronque"]
    html = response.content.decode()
    assert "Son parcours" in html
    assert "?parcours=tout#titre-parcours" in html
    response = _page(client, ctx, parcours="tout")
    parcours = response.context["parcours"]
    assert parcours["affiches"] == parcours["total"] and not parcours["tronque"]
    assert "?parcours=tout#titre-parcours" not in response.content.decode()
    # Grouped by month, newest month first, each line once.
    mois = [m for m, _ in parcours["mois"]]
    assert mois == sorted(set(mois), reverse=True)
    assert sum(len(lignes) for _, lignes in parcours["mois"]) == parcours["total"]


def test_page_lists_each_kind_with_its_icon_and_link(client):
    ctx = build_world()
    add_events(ctx, 1)
    client.force_login(ctx["pro"])
    html = unescape(_page(client, ctx).content.decode())
    assert "Dossier créé" in html
    assert "Carnet n°" in html
    assert "Chèque encaissé à Médiathèque Jules-Verne" in html
    assert "Présence à l'atelier" in html
    assert "Accompagnement individuel" in html
    assert "Diagnostic numérique" in html
    carnet = ctx["personne"].carnets.get()
    assert reverse("pass:carnet_detail", args=[carnet.pk]) in html
    assert 'class="parcours__icone"' in html and 'aria-hidden="true"' in html
    assert '<time datetime="' in html


def test_empty_timeline_says_so(client):
    structure = StructureFactory()
    pro = member(Role.PRESCRIPTEUR, structure=structure)
    personne = services.create_beneficiaire(acteur=pro, structure=structure, prenom="Odette")
    client.force_login(pro)
    response = client.get(reverse("pro:beneficiaire_detail", args=[personne.uuid]))
    # The file's creation is always there.
    assert response.context["parcours"]["total"] == 1
    assert "Dossier créé" in response.content.decode()


def test_another_structure_gets_404_not_a_timeline(client):
    ctx = build_world()
    add_events(ctx, 1)
    client.force_login(member(Role.MEDIATEUR))
    assert _page(client, ctx).status_code == 404
