"""A small territory for the open-data tests: two places (one described in every field of the
national standard, one minimal), a closed place, workshop themes and sessions, people
registered and staff with e-mail addresses (to prove none of them leaves)."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ateliers.enums import Canal, Public, StatutSession
from ateliers.services import registrations
from inclusion import enums
from inclusion.enums import Role
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.inclusion.factories import (
    BeneficiaireFactory,
    CommuneFactory,
    LieuFactory,
    StructureFactory,
    member,
)


def lieu_complet(**kwargs):
    commune = CommuneFactory(nom="Bordeaux", code_insee="33063", codes_postaux="33000")
    structure = StructureFactory(
        nom="CCAS de Bordeaux",
        commune=commune,
        contact_nom="Gertrude Vasseur-Privé",
        courriel="gertrude.vasseur@ccas-prive.example",
        telephone="+33556000001",
    )
    defaults = {
        "structure": structure,
        "commune": commune,
        "nom": "Médiathèque Flora Tristan",
        "code_postal": "33000",
        "adresse": "12 rue des Lilas",
        "complement_adresse": "Rez-de-chaussée",
        "latitude": Decimal("44.83780"),
        "longitude": Decimal("-0.57918"),
        "typologie": [enums.Typologie.BIB, enums.Typologie.MUNI],
        "telephone": "+33556112233",
        "courriels": "contact@mediatheque.example|numerique@mediatheque.example",
        "site_web": "https://mediatheque.example/|https://social.example/mediatheque",
        "horaires": "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00",
        "presentation_resume": "Un espace numérique ouvert à tous.",
        "presentation_detail": "Des ordinateurs en accès libre et des ateliers chaque semaine.",
        "source": "Ville de Bordeaux",
        "itinerance": [enums.Itinerance.FIXE],
        "structure_parente": "Ville de Bordeaux",
        "services": [enums.ServiceMediation.DEMARCHES, enums.ServiceMediation.QUOTIDIEN],
        "publics_specifiquement_adresses": [enums.PublicAdresse.SENIORS],
        "prise_en_charge_specifique": [enums.PriseEnChargeSpecifique.SURDITE],
        "frais_a_charge": [enums.FraisACharge.GRATUIT],
        "dispositif_programmes_nationaux": [
            enums.DispositifNational.CNFS,
            enums.DispositifNational.FRANCE_SERVICES,
        ],
        "formations_labels": [enums.FormationLabel.LA_POSTE, enums.FormationLabel.MES],
        "autres_formations_labels": "Label local",
        "modalites_acces": [enums.ModaliteAcces.SE_PRESENTER, enums.ModaliteAcces.TELEPHONER],
        "modalites_accompagnement": [
            enums.ModaliteAccompagnement.INDIVIDUEL,
            enums.ModaliteAccompagnement.COLLECTIF,
        ],
        "fiche_acces_libre": "https://acceslibre.beta.gouv.fr/app/33-bordeaux/a/bibliotheque/erp/mediatheque/",
        "prise_rdv": "https://rdv.example/mediatheque",
        "qualifie": True,
    }
    defaults.update(kwargs)
    return LieuFactory(**defaults)


def build():
    """The territory; returns what the tests look for."""
    complet = lieu_complet()
    minimal = LieuFactory(nom="Centre social", horaires="", structure__pivot="W123456789")
    ferme = LieuFactory(nom="Lieu fermé", actif=False)
    smartphone = ThemeFactory(
        titre="Prendre en main son smartphone",
        thematiques=["prendre_en_main_du_materiel", "email"],
    )
    demarches = ThemeFactory(
        titre="Faire ses démarches en ligne",
        titre_falc="Faire ses papiers sur internet",
        thematiques=["aide_aux_demarches_administratives", "logement"],
        service=enums.ServiceMediation.DEMARCHES,
        gratuit=True,
    )
    now = timezone.now()
    jour = datetime.timedelta(days=1)
    s1 = SessionFactory(theme=smartphone, lieu=complet, debut=now + 2 * jour, capacite=2)
    s2 = SessionFactory(theme=smartphone, lieu=complet, debut=now + 9 * jour, public=Public.SENIORS)
    s3 = SessionFactory(theme=demarches, lieu=minimal, debut=now + 3 * jour)
    annulee = SessionFactory(
        theme=demarches, lieu=complet, debut=now + 4 * jour, statut=StatutSession.ANNULEE
    )
    passee = SessionFactory(
        theme=demarches, lieu=complet, debut=now - 5 * jour, statut=StatutSession.TERMINEE
    )
    SessionFactory(theme=smartphone, lieu=ferme, debut=now + 2 * jour)
    mediateur = member(
        Role.MEDIATEUR,
        structure=complet.structure,
        email="medi.ateur.prive@staff.example",
        first_name="Anatole",
        last_name="Staffmember",
    )
    s1.animateurs.add(mediateur)
    coordinateur = member(Role.COORDINATEUR, email="coordo.prive@staff.example")
    personnes = [
        BeneficiaireFactory(
            prenom=prenom,
            nom=nom,
            telephone=tel,
            type_telephone=enums.TypeTelephone.MOBILE,
            courriel=courriel,
            structure=complet.structure,
        )
        for prenom, nom, tel, courriel in (
            ("Eulalie", "Brisefer", "+33612345678", "eulalie.brisefer@perso.example"),
            ("Théophraste", "Longuemare", "+33698765432", "theo.longuemare@perso.example"),
            ("Zénobie", "Quintaval", "+33611223344", "zenobie.q@perso.example"),
        )
    ]
    # Two seats taken on s1 (full), the third person waits; one seat on s3.
    for personne in personnes:
        registrations.register(session=s1, beneficiaire=personne, canal=Canal.PUBLIC)
    registrations.register(session=s3, beneficiaire=personnes[0], canal=Canal.PUBLIC)
    for session in (s1, s3):
        session.refresh_from_db()
    return {
        "complet": complet,
        "minimal": minimal,
        "ferme": ferme,
        "smartphone": smartphone,
        "demarches": demarches,
        "sessions": [s1, s2, s3],
        "annulee": annulee,
        "passee": passee,
        "personnes": personnes,
        "staff": [mediateur, coordinateur],
    }


def queries_of(client, url_name):
    """SQL queries of one whole download (a streamed body read to its end)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(url_name))
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)
