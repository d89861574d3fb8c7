"""Issue 15: the diagnostic in a person's file (espace pro) — recorded with its history,
counted as an activity, journalised; Pix and ABC Diag results; another structure's 404."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from ateliers.enums import Niveau, Thematique
from inclusion.models import Journal
from mediation import diagnostic
from mediation.models import Activite, Diagnostic
from mediation.services import diagnostics
from mediation.vocabulaire import Autonomie, OutilDiagnostic, TypeActivite
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.inclusion.factories import LieuFactory
from tests.mediation.factories_activites import setup_activites

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

SCORES = {
    "appareil": 2,
    "recherche": 1,
    "communication": 0,
    "documents": 3,
    "demarches": 1,
    "securite": 2,
    "depannage": 3,
}


@pytest.fixture
def ctx():
    return setup_activites()


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def record(ctx, acteur=None, **kwargs):
    kwargs.setdefault("obstacles", ["email"])
    kwargs.setdefault("scores", SCORES)
    return diagnostics.record_diagnostic(
        acteur=acteur or ctx["mediateur"], beneficiaire=ctx["personne"], **kwargs
    )


def form_data(**extra):
    data = {
        "obstacles": ["email", "langue"],
        "date": timezone.localdate().isoformat(),
        "duree_minutes": "15",
    }
    data.update({cle: str(v) for cle, v in SCORES.items()})
    data.update(extra)
    return data


# --- Service -------------------------------------------------------------------------------


def test_a_mediateur_s_diagnostic_is_kept_and_counted_as_an_activity(ctx):
    diag = record(ctx)
    assert diag.outil == OutilDiagnostic.INCLUSION
    assert diag.scores == SCORES and diag.obstacles == ["email"]
    activite = diag.activite
    assert activite.type == TypeActivite.INDIVIDUEL
    assert activite.thematiques == [Thematique.DIAGNOSTIC_NUMERIQUE]
    assert activite.autonomie == Autonomie.PARTIELLEMENT_AUTONOME  # mean 12/7 → 1
    assert activite.lieu == ctx["lieu"]
    assert activite.duree_minutes == diagnostics.DUREE_DEFAUT
    assert list(activite.participants.values_list("beneficiaire", flat=True)) == [
        ctx["personne"].pk
    ]
    assert diag.structure == ctx["structure"]
    journal = Journal.objects.get(action="diagnostic.creation")
    assert journal.objet_id == str(diag.pk)
    assert journal.details == {
        "outil": "inclusion",
        "beneficiaire": ctx["personne"].pk,
        "activite": activite.pk,
    }
    ctx["personne"].refresh_from_db()
    assert ctx["personne"].derniere_activite == timezone.now()


def test_a_prescripteur_s_diagnostic_is_kept_without_an_activity(ctx):
    diag = record(ctx, acteur=ctx["prescripteur"])
    assert diag.activite is None
    assert Activite.objects.count() == 0
    assert Journal.objects.filter(action="diagnostic.creation").count() == 1


def test_every_area_must_be_answered(ctx):
    incomplets = {k: v for k, v in SCORES.items() if k != "securite"}
    with pytest.raises(ValidationError) as exc:
        record(ctx, scores=incomplets)
    assert exc.value.error_dict["scores"][0].code == "reponses_incompletes"
    with pytest.raises(ValidationError) as exc:
        record(ctx, scores={**SCORES, "securite": 4})
    assert exc.value.error_dict["scores"][0].code == "reponses_incompletes"
    assert Diagnostic.objects.count() == 0 and Activite.objects.count() == 0


def test_another_structure_may_not_diagnose(ctx):
    with pytest.raises(ValidationError) as exc:
        record(ctx, acteur=ctx["autre"])
    assert exc.value.code == "non_autorise"
    assert Diagnostic.objects.count() == 0


def test_an_activity_refusal_writes_nothing(ctx):
    LieuFactory(structure=ctx["structure"])  # two lieux now: the place must be chosen
    with pytest.raises(ValidationError) as exc:
        record(ctx)
    assert exc.value.error_dict["lieu"][0].code == "lieu_requis"
    assert Diagnostic.objects.count() == 0 and Activite.objects.count() == 0


@pytest.mark.parametrize(
    ("kwargs", "champ", "code"),
    [
        ({"outil": "inclusion"}, "outil", "outil_inconnu"),
        ({"resultat": "  "}, "resultat_externe", "resultat_requis"),
        ({"resultat": "x" * 101}, "resultat_externe", "texte_trop_long"),
        ({"date": datetime.date(2026, 11, 18)}, "date", "date_future"),
        ({"date": datetime.date(2020, 1, 1)}, "date", "date_trop_ancienne"),
        ({"date": None}, "date", "date_requise"),
    ],
)
def test_pix_or_abc_diag_results_are_checked(ctx, kwargs, champ, code):
    valeurs = {"outil": OutilDiagnostic.PIX, "date": timezone.localdate(), "resultat": "niveau 2"}
    valeurs.update(kwargs)
    with pytest.raises(ValidationError) as exc:
        diagnostics.record_resultat_externe(
            acteur=ctx["prescripteur"], beneficiaire=ctx["personne"], **valeurs
        )
    assert exc.value.error_dict[champ][0].code == code
    assert Diagnostic.objects.count() == 0


def test_a_pix_result_is_kept_in_the_history_not_counted(ctx):
    ancien = record(ctx, date=timezone.localdate() - datetime.timedelta(days=30))
    pix = diagnostics.record_resultat_externe(
        acteur=ctx["prescripteur"],
        beneficiaire=ctx["personne"],
        outil=OutilDiagnostic.ABC_DIAG,
        date=timezone.localdate(),
        resultat="  7 sur 10 ",
    )
    assert pix.resultat_externe == "7 sur 10" and pix.activite is None
    assert list(diagnostics.historique(acteur=ctx["collegue"], beneficiaire=ctx["personne"])) == [
        pix,
        ancien,
    ]
    with pytest.raises(ValidationError):
        diagnostics.historique(acteur=ctx["autre"], beneficiaire=ctx["personne"])


def test_suggested_sessions_match_theme_and_level_nearest_first(ctx):
    personne = ctx["personne"]
    theme_mail = ThemeFactory(thematiques=[Thematique.EMAIL], niveau=Niveau.DEBUTANT)
    now = timezone.now()
    loin = SessionFactory(theme=theme_mail, debut=now + datetime.timedelta(days=1))
    pres = SessionFactory(
        theme=theme_mail,
        debut=now + datetime.timedelta(days=5),
        lieu=LieuFactory(commune=personne.commune, qualifie=True),
    )
    SessionFactory(theme=ThemeFactory(thematiques=[Thematique.EMAIL], niveau=Niveau.AVANCE))
    SessionFactory(theme=ThemeFactory(thematiques=[Thematique.SANTE], niveau=Niveau.DEBUTANT))
    SessionFactory(theme=theme_mail, debut=now - datetime.timedelta(hours=1))  # started
    resultat = diagnostic.resultat([], SCORES)
    assert diagnostics.sessions_pour(resultat, commune_id=personne.commune_id) == [loin, pres]
    assert diagnostics.sessions_pour(resultat, commune_id=personne.commune_id, limite=1) == [pres]


# --- Views ---------------------------------------------------------------------------------


def test_the_file_offers_faire_un_diagnostic(ctx):
    page = client_for(ctx["prescripteur"]).get(f"/pro/beneficiaires/{ctx['personne'].uuid}/")
    assert f"/pro/diagnostics/personnes/{ctx['personne'].uuid}/nouveau/" in page.content.decode()


def test_pro_form_records_and_shows_the_result_with_registration_links(ctx):
    personne = ctx["personne"]
    session = SessionFactory(
        theme=ThemeFactory(thematiques=[Thematique.EMAIL], niveau=Niveau.DEBUTANT)
    )
    client = client_for(ctx["mediateur"])
    url = f"/pro/diagnostics/personnes/{personne.uuid}/nouveau/"
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(duree_minutes="30"))
    diag = Diagnostic.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/pro/diagnostics/{diag.uuid}/"
    assert diag.activite.duree_minutes == 30
    assert diag.obstacles == ["email", "langue"]
    page = client.get(response["Location"]).content.decode()
    assert "Ce que la personne sait déjà faire" in page
    assert f"/pro/ateliers/sessions/{session.pk}/inscrire/{personne.uuid}/" in page
    assert Journal.objects.filter(action="beneficiaire.consultation").count() >= 2


def test_pro_form_bad_input_is_422_and_writes_nothing(ctx):
    client = client_for(ctx["mediateur"])
    url = f"/pro/diagnostics/personnes/{ctx['personne'].uuid}/nouveau/"
    response = client.post(url, form_data(securite=""))
    assert response.status_code == 422
    assert "Choisissez une réponse." in response.content.decode()
    response = client.post(url, form_data(date="2027-01-01"))
    assert response.status_code == 422
    assert "La date ne peut pas être dans le futur." in response.content.decode()
    assert Diagnostic.objects.count() == 0 and Activite.objects.count() == 0


def test_pro_external_result_form(ctx):
    client = client_for(ctx["prescripteur"])
    url = f"/pro/diagnostics/personnes/{ctx['personne'].uuid}/externe/"
    bad = client.post(url, {"outil": "pix", "date": "2026-11-17", "resultat_externe": ""})
    assert bad.status_code == 422
    ok = client.post(url, {"outil": "pix", "date": "2026-11-17", "resultat_externe": "niveau 3"})
    assert ok.status_code == 302
    page = client.get(ok["Location"]).content.decode()
    assert "niveau 3" in page


@pytest.mark.parametrize("suffixe", ["", "nouveau/", "externe/"])
def test_another_structure_gets_404(ctx, suffixe):
    url = f"/pro/diagnostics/personnes/{ctx['personne'].uuid}/{suffixe}"
    assert client_for(ctx["autre"]).get(url).status_code == 404
    if suffixe:
        assert client_for(ctx["autre"]).post(url, form_data()).status_code == 404
    assert Diagnostic.objects.count() == 0


def test_another_structure_gets_404_on_a_diagnostic(ctx):
    diag = record(ctx)
    assert client_for(ctx["autre"]).get(f"/pro/diagnostics/{diag.uuid}/").status_code == 404
    assert client_for(ctx["coordinateur"]).get(f"/pro/diagnostics/{diag.uuid}/").status_code == 200


def test_anonymous_is_sent_to_sign_in(ctx):
    response = Client().get(f"/pro/diagnostics/personnes/{ctx['personne'].uuid}/")
    assert response.status_code == 302 and "connexion" in response["Location"]


def test_demo_has_diagnostics_with_history_and_is_idempotent(settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("demo", "--wet-run", verbosity=0)
    par_personne = {}
    for diag in Diagnostic.objects.all():
        par_personne.setdefault(diag.beneficiaire_id, []).append(diag)
    assert len(par_personne) == 3
    assert max(len(d) for d in par_personne.values()) == 3  # two of ours and a Pix result
    comptes = Diagnostic.objects.filter(activite__isnull=False)
    assert comptes.count() == 3
    assert all(d.activite.thematiques == ["diagnostic_numerique"] for d in comptes)
    avant = Diagnostic.objects.count(), Activite.objects.count()
    call_command("demo", "--wet-run", verbosity=0)
    assert (Diagnostic.objects.count(), Activite.objects.count()) == avant
