"""Espace pro pages of the ateliers: Mes sessions, create/change/cancel, detail, register."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ateliers.enums import Canal, StatutInscription, StatutSession
from ateliers.models import Inscription, Session
from ateliers.services import registrations
from ateliers.templatetags.ateliers_mots import places_en_mots, quand_en_mots
from inclusion import registry
from inclusion.enums import Role
from tests.ateliers.factories import SessionFactory, ThemeFactory, setup_atelier
from tests.inclusion.factories import BeneficiaireFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def ctx():
    ctx = setup_atelier(capacite=2)
    session = ctx["session"]
    ctx["personne"] = BeneficiaireFactory(
        structure=session.lieu.structure, prenom="Fatima", nom="Benali", consentant=True
    )
    ctx["autre_mediateur"] = member(Role.MEDIATEUR)
    return ctx


def _register(session, n, structure=None, mediateur=None):
    people = []
    for _ in range(n):
        b = BeneficiaireFactory(structure=structure or session.lieu.structure)
        registrations.register(session=session, beneficiaire=b, canal=Canal.PRO, acteur=mediateur)
        people.append(b)
    return people


def _future(days=10, hour=14):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return day, timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


# Words -------------------------------------------------------------------------------------


def test_places_in_plain_words(ctx):
    session, mediateur = ctx["session"], ctx["mediateur"]
    assert places_en_mots(session) == "2 places libres"
    _register(session, 1, mediateur=mediateur)
    session.refresh_from_db()
    assert places_en_mots(session) == "1 place libre"
    _register(session, 1, mediateur=mediateur)
    session.refresh_from_db()
    assert places_en_mots(session) == "Complet"
    _register(session, 2, mediateur=mediateur)
    session.refresh_from_db()
    assert places_en_mots(session) == "Complet — liste d'attente : 2 personnes"


def test_date_in_words():
    debut = timezone.make_aware(datetime.datetime(2025, 12, 2, 14, 0))
    session = Session(debut=debut, fin=debut + datetime.timedelta(hours=2, minutes=30))
    assert quand_en_mots(session).startswith("mardi 2 décembre")
    assert quand_en_mots(session).endswith(", de 14 h à 16 h 30")


def test_registry_entries(ctx):
    entries = [e.url_name for e in registry.pro_entries_for(ctx["mediateur"])]
    assert "ateliers:mes_sessions" in entries
    actions = registry.beneficiaire_actions_for(ctx["mediateur"], ctx["personne"])
    assert "ateliers:inscrire_personne" in [a.url_name for a in actions]
    volontaire = member(Role.VOLONTAIRE)
    assert "ateliers:mes_sessions" not in [e.url_name for e in registry.pro_entries_for(volontaire)]


# Anonymous ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,args",
    [
        ("mes_sessions", []),
        ("liste", []),
        ("session_create", []),
        ("session_detail", [1]),
        ("session_update", [1]),
        ("session_cancel", [1]),
        ("feuille", [1]),
        ("inscrire_session", [1]),
        ("inscrire_personne", ["00000000-0000-0000-0000-000000000000"]),
        ("inscrire_confirmer", [1, "00000000-0000-0000-0000-000000000000"]),
        ("inscription_resultat", [1]),
        ("inscription_annuler", [1]),
    ],
)
def test_anonymous_goes_to_login(client, name, args):
    for method in ("get", "post"):
        response = getattr(client, method)(reverse(f"ateliers:{name}", args=args))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("pro:connexion"))


def test_volontaire_is_refused(client):
    client.force_login(member(Role.VOLONTAIRE))
    assert client.get(reverse("ateliers:mes_sessions")).status_code == 403


# Mes sessions ------------------------------------------------------------------------------


def test_week_view(client, ctx):
    session = ctx["session"]
    _register(session, 3, mediateur=ctx["mediateur"])
    client.force_login(ctx["mediateur"])
    semaine = timezone.localtime(session.debut).date().isoformat()
    response = client.get(reverse("ateliers:mes_sessions"), {"semaine": semaine})
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert session.theme.titre in html
    assert "Complet — liste d'attente : 1 personne" in html
    assert "0/" not in html
    assert "Semaine précédente" in html and "Semaine suivante" in html


def test_week_view_highlights_today(client, ctx):
    client.force_login(ctx["mediateur"])
    html = client.get(reverse("ateliers:mes_sessions")).content.decode().replace("&#x27;", "'")
    assert 'aria-current="date"' in html and "Aujourd'hui" in html


def test_week_view_bad_week_falls_back_to_this_week(client, ctx):
    client.force_login(ctx["mediateur"])
    response = client.get(reverse("ateliers:mes_sessions"), {"semaine": "pas-une-date"})
    assert response.status_code == 200
    assert 'aria-current="date"' in response.content.decode().replace("&#x27;", "'")


def test_mediateur_of_another_structure_sees_only_the_territory(client, ctx):
    client.force_login(ctx["autre_mediateur"])
    semaine = timezone.localtime(ctx["session"].debut).date().isoformat()
    url = reverse("ateliers:mes_sessions")
    mine = client.get(url, {"semaine": semaine}).content.decode().replace("&#x27;", "'")
    assert ctx["session"].theme.titre not in mine
    territoire = (
        client.get(url, {"semaine": semaine, "portee": "territoire"})
        .content.decode()
        .replace("&#x27;", "'")
    )
    assert ctx["session"].theme.titre in territoire


def test_prescripteur_sees_the_territory_by_default(client, ctx):
    client.force_login(ctx["prescripteur"])
    semaine = timezone.localtime(ctx["session"].debut).date().isoformat()
    html = (
        client.get(reverse("ateliers:mes_sessions"), {"semaine": semaine})
        .content.decode()
        .replace("&#x27;", "'")
    )
    assert ctx["session"].theme.titre in html


def _sessions_with_registrations(lieu, mediateur, n):
    for k in range(n):
        s = SessionFactory(
            lieu=lieu,
            capacite=1,
            debut=timezone.now() + datetime.timedelta(days=1, minutes=10 * k),
        )
        _register(s, 2, mediateur=mediateur)


@pytest.mark.parametrize("name", ["mes_sessions", "liste"])
def test_query_count_does_not_grow(client, ctx, django_assert_max_num_queries, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lieu, mediateur = ctx["session"].lieu, ctx["mediateur"]
    client.force_login(mediateur)
    semaine = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    url = reverse(f"ateliers:{name}") + f"?semaine={semaine}"
    _sessions_with_registrations(lieu, mediateur, 1)
    client.get(url)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _sessions_with_registrations(lieu, mediateur, 29)
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(url)
    assert response.status_code == 200
    assert (
        response.content.decode().replace("&#x27;", "'").count("liste d'attente : 1 personne") >= 20
    )
    assert len(thirty) == len(one)


def test_list_filters(client, ctx):
    other = SessionFactory(lieu=ctx["session"].lieu, theme=ThemeFactory(titre="Zoom famille"))
    client.force_login(ctx["mediateur"])
    url = reverse("ateliers:liste")
    html = client.get(url, {"theme": other.theme.pk}).content.decode().replace("&#x27;", "'")
    assert reverse("ateliers:session_detail", args=[other.pk]) in html
    assert reverse("ateliers:session_detail", args=[ctx["session"].pk]) not in html


def test_list_date_filters_follow_paris_days(client, ctx):
    """ "À partir du" and "Jusqu'au" are Paris days: 23:30 on the 1st (22:30 UTC) belongs to the
    1st, 00:30 on the 2nd (23:30 UTC on the 1st) to the 2nd."""
    paris = timezone.get_current_timezone()
    soir = SessionFactory(
        lieu=ctx["session"].lieu,
        debut=datetime.datetime(2026, 12, 1, 23, 30, tzinfo=paris),
        fin=datetime.datetime(2026, 12, 1, 23, 50, tzinfo=paris),
    )
    nuit = SessionFactory(
        lieu=ctx["session"].lieu,
        debut=datetime.datetime(2026, 12, 2, 0, 30, tzinfo=paris),
        fin=datetime.datetime(2026, 12, 2, 1, 30, tzinfo=paris),
    )
    client.force_login(ctx["mediateur"])

    def shown(params):
        html = client.get(reverse("ateliers:liste"), params).content.decode()
        return {s for s in (soir, nuit) if reverse("ateliers:session_detail", args=[s.pk]) in html}

    assert shown({"du": "2026-12-02", "au": "2026-12-02"}) == {nuit}
    assert shown({"du": "2026-12-01", "au": "2026-12-01"}) == {soir}
    assert shown({"du": "2026-12-01", "au": "2026-12-02"}) == {soir, nuit}


def test_list_bad_date(client, ctx):
    client.force_login(ctx["mediateur"])
    response = client.get(reverse("ateliers:liste"), {"du": "32/13/2025"})
    assert response.status_code == 422
    assert "Indiquez une date sous la forme" in response.content.decode().replace("&#x27;", "'")


# Create / update / cancel ------------------------------------------------------------------


def _form_data(ctx, **overrides):
    day, _ = _future()
    data = {
        "lieu": ctx["session"].lieu.pk,
        "theme": ctx["session"].theme.pk,
        "date": day.isoformat(),
        "heure_debut": "14:00",
        "heure_fin": "16:00",
        "capacite": "8",
        "public": "tout_public",
        "notes_accessibilite": "Ascenseur",
    }
    data.update(overrides)
    return data


def test_create_session(client, ctx):
    client.force_login(ctx["mediateur"])
    url = reverse("ateliers:session_create")
    assert client.get(url).status_code == 200
    response = client.post(url, _form_data(ctx))
    created = Session.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("ateliers:session_detail", args=[created.pk])
    assert timezone.localtime(created.debut).hour == 14 and created.capacite == 8
    assert list(created.animateurs.all()) == [ctx["mediateur"]]


def test_create_recurring(client, ctx):
    client.force_login(ctx["mediateur"])
    before = Session.objects.count()
    response = client.post(
        reverse("ateliers:session_create"), _form_data(ctx, repeter="on", nb_semaines="6")
    )
    assert response.status_code == 302
    created = Session.objects.order_by("-pk")[:6]
    assert Session.objects.count() == before + 6
    assert len({s.serie for s in created}) == 1
    assert {timezone.localtime(s.debut).weekday() for s in created} == {
        timezone.localtime(created[0].debut).weekday()
    }


def test_create_bad_input(client, ctx):
    client.force_login(ctx["mediateur"])
    before = Session.objects.count()
    response = client.post(
        reverse("ateliers:session_create"),
        _form_data(ctx, heure_fin="13:00", capacite="0", repeter="on", nb_semaines=""),
    )
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 422
    assert "L'heure de fin doit être après l'heure de début." in html
    assert "Il faut au moins 1 place." in html
    assert "Indiquez pendant combien de semaines répéter." in html
    assert Session.objects.count() == before


def test_create_in_the_past(client, ctx):
    client.force_login(ctx["mediateur"])
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(reverse("ateliers:session_create"), _form_data(ctx, date=yesterday))
    assert response.status_code == 422
    assert "La session doit commencer dans le futur." in response.content.decode().replace(
        "&#x27;", "'"
    )


def test_create_at_another_structures_lieu(client, ctx):
    client.force_login(ctx["autre_mediateur"])
    SessionFactory(lieu__structure=ctx["autre_mediateur"].memberships.first().structure)
    response = client.post(reverse("ateliers:session_create"), _form_data(ctx))
    assert response.status_code == 422
    assert "Choisissez un lieu de vos structures." in response.content.decode().replace(
        "&#x27;", "'"
    )


def test_prescripteur_cannot_create(client, ctx):
    client.force_login(ctx["prescripteur"])
    assert client.get(reverse("ateliers:session_create")).status_code == 403


def test_update_session_tells_people(client, ctx, sms_outbox, django_capture_on_commit_callbacks):
    session = ctx["session"]
    registrations.register(
        session=session, beneficiaire=ctx["personne"], canal=Canal.PRO, acteur=ctx["mediateur"]
    )
    sms_outbox.clear()
    client.force_login(ctx["mediateur"])
    url = reverse("ateliers:session_update", args=[session.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _form_data(ctx, capacite="5"), follow=True)
    html = response.content.decode().replace("&#x27;", "'")
    assert "1 personne est prévenue" in html
    session.refresh_from_db()
    assert session.capacite == 5
    assert len(sms_outbox) == 1 and "Changement" in sms_outbox[0].body


def test_update_bad_input(client, ctx):
    _register(ctx["session"], 2, mediateur=ctx["mediateur"])
    client.force_login(ctx["mediateur"])
    url = reverse("ateliers:session_update", args=[ctx["session"].pk])
    response = client.post(url, _form_data(ctx, capacite="1"))
    assert response.status_code == 422
    assert (
        "annulez des inscriptions avant de réduire les places"
        in response.content.decode().replace("&#x27;", "'")
    )


@pytest.mark.parametrize("name", ["session_update", "session_cancel", "feuille"])
def test_manage_pages_are_404_for_another_structure(client, ctx, name):
    url = reverse(f"ateliers:{name}", args=[ctx["session"].pk])
    for user in (ctx["autre_mediateur"], ctx["prescripteur"]):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"motif": "x"}).status_code == 404
    assert Session.objects.get(pk=ctx["session"].pk).statut == StatutSession.PLANIFIEE


def test_cancel_session(client, ctx, sms_outbox):
    session = ctx["session"]
    _register(session, 3, mediateur=ctx["mediateur"])
    client.force_login(ctx["mediateur"])
    url = reverse("ateliers:session_cancel", args=[session.pk])
    assert "3 personnes" in client.get(url).content.decode().replace("&#x27;", "'")
    response = client.post(url, {"motif": "Animateur malade"}, follow=True)
    assert (
        "La session est annulée. 3 personnes ont été prévenues"
        in response.content.decode().replace("&#x27;", "'")
    )
    session.refresh_from_db()
    assert session.statut == StatutSession.ANNULEE and session.motif_annulation


def test_cancel_session_needs_a_reason(client, ctx):
    client.force_login(ctx["mediateur"])
    url = reverse("ateliers:session_cancel", args=[ctx["session"].pk])
    response = client.post(url, {"motif": "  "})
    assert response.status_code == 422
    assert "Indiquez pourquoi la session est annulée." in response.content.decode().replace(
        "&#x27;", "'"
    )
    assert Session.objects.get(pk=ctx["session"].pk).statut == StatutSession.PLANIFIEE


# Detail ------------------------------------------------------------------------------------


def test_detail_for_the_mediateur(client, ctx):
    session = ctx["session"]
    registrations.register(
        session=session, beneficiaire=ctx["personne"], canal=Canal.PRO, acteur=ctx["mediateur"]
    )
    _register(session, 3, mediateur=ctx["mediateur"])
    client.force_login(ctx["mediateur"])
    html = (
        client.get(reverse("ateliers:session_detail", args=[session.pk]))
        .content.decode()
        .replace("&#x27;", "'")
    )
    assert "Fatima Benali" in html
    assert "Complet — liste d'attente : 2 personnes" in html
    assert "n° 1" in html and "n° 2" in html
    assert reverse("ateliers:feuille", args=[session.pk]) in html
    assert "Modifier la session" in html


def _names_setup(ctx):
    """Fatima (followed by the lieu's structure) and a person followed by the prescripteur's
    structure hold the 2 seats; 2 people of a third structure wait."""
    session = ctx["session"]
    registrations.register(
        session=session, beneficiaire=ctx["personne"], canal=Canal.PRO, acteur=ctx["mediateur"]
    )
    suivie = BeneficiaireFactory(
        structure=ctx["prescripteur"].memberships.get().structure, prenom="Yasmina", nom="Kaci"
    )
    registrations.register(
        session=session, beneficiaire=suivie, canal=Canal.PRO, acteur=ctx["prescripteur"]
    )
    ailleurs = BeneficiaireFactory().structure
    attente = [
        BeneficiaireFactory(structure=ailleurs, prenom=p, nom=n)
        for p, n in (("Odile", "Quentel"), ("Wassim", "Zerrouk"))
    ]
    for b in attente:
        registrations.register(session=session, beneficiaire=b, canal=Canal.PUBLIC)
    return suivie, attente


def _detail(client, user, session):
    client.force_login(user)
    response = client.get(reverse("ateliers:session_detail", args=[session.pk]))
    assert response.status_code == 200
    return response.content.decode().replace("&#x27;", "'")


def _no_trace_of(html, *people):
    """Neither the first name, nor the name, nor "Prénom N." of these people."""
    for b in people:
        assert b.prenom not in html
        assert b.nom not in html
        assert f"{b.prenom} {b.nom[0]}." not in html


def test_detail_for_a_prescripteur_of_another_structure(client, ctx):
    """Issue 12 changes this test: a prescripteur of another structure saw "Fatima B." of
    everyone; now the names of the people their structure follows, and counts for the rest."""
    session = ctx["session"]
    suivie, attente = _names_setup(ctx)
    html = _detail(client, ctx["prescripteur"], session)
    assert "Yasmina Kaci" in html
    _no_trace_of(html, ctx["personne"], *attente)
    assert "Personnes inscrites (2)" in html
    assert "Et 1 autre personne inscrite, suivie par d'autres structures." in html
    assert "Liste d'attente (2)" in html
    assert "2 personnes en attente, suivies par d'autres structures." in html
    assert "Modifier la session" not in html and "feuille" not in html
    assert "Inscrire une personne" in html


def test_detail_for_a_mediateur_of_another_structure_shows_counts_only(client, ctx):
    session = ctx["session"]
    suivie, attente = _names_setup(ctx)
    html = _detail(client, ctx["autre_mediateur"], session)
    _no_trace_of(html, ctx["personne"], suivie, *attente)
    assert "Personnes inscrites (2)" in html
    assert "2 personnes inscrites, suivies par d'autres structures." in html
    assert "Liste d'attente (2)" in html
    assert "2 personnes en attente, suivies par d'autres structures." in html
    assert "seulement leur nombre" in html
    assert "Annuler<" not in html and "Retirer<" not in html


@pytest.mark.parametrize("qui", ["mediateur", "prescripteur_du_lieu", "animateur", "coordinateur"])
def test_detail_names_for_the_place_and_the_animators(client, ctx, qui):
    session = ctx["session"]
    suivie, attente = _names_setup(ctx)
    if qui == "prescripteur_du_lieu":
        user = member(Role.PRESCRIPTEUR, structure=session.lieu.structure)
    elif qui == "animateur":  # of another structure, animating this session
        user = member(Role.MEDIATEUR)
        session.animateurs.add(user)
    elif qui == "coordinateur":
        user = member(Role.COORDINATEUR)
    else:
        user = ctx["mediateur"]
    html = _detail(client, user, session)
    for b in (ctx["personne"], suivie, *attente):
        assert f"{b.prenom} {b.nom}" in html
    assert "n° 1" in html and "n° 2" in html
    assert "suivie par d'autres structures" not in html and "seulement leur nombre" not in html


def test_detail_waiting_rank_of_a_followed_person_counts_everyone(client, ctx):
    """A follower sees their person's true rank, though the people before stay unnamed."""
    session = ctx["session"]
    _, attente = _names_setup(ctx)
    troisieme = BeneficiaireFactory(
        structure=ctx["autre_mediateur"].memberships.get().structure, prenom="Zoé", nom="Lamy"
    )
    registrations.register(session=session, beneficiaire=troisieme, canal=Canal.PUBLIC)
    html = _detail(client, ctx["autre_mediateur"], session)
    assert "n° 3" in html and "Zoé Lamy" in html
    assert "Et 2 autres personnes en attente" in html
    _no_trace_of(html, *attente)


def test_detail_query_count_is_the_same_for_1_and_20_people(client, ctx):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session = ctx["session"]
    session.capacite = 40
    session.save(update_fields=["capacite"])
    prescripteur = ctx["prescripteur"]
    structure = prescripteur.memberships.get().structure
    _register(session, 1, structure=structure, mediateur=prescripteur)
    url = reverse("ateliers:session_detail", args=[session.pk])
    counts = {}
    for user in (prescripteur, ctx["mediateur"]):
        client.force_login(user)
        client.get(url)  # warm caches
        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        counts[user.pk] = len(one)
    _register(session, 10, structure=structure, mediateur=prescripteur)
    _register(session, 9, mediateur=ctx["mediateur"])
    for user in (prescripteur, ctx["mediateur"]):
        client.force_login(user)
        client.get(url)
        with CaptureQueriesContext(connection) as twenty:
            assert client.get(url).status_code == 200
        assert len(twenty) == counts[user.pk]


def test_cancelling_does_not_name_a_promoted_person_of_another_structure(client, ctx):
    session = ctx["session"]
    suivie, attente = _names_setup(ctx)
    inscription = Inscription.objects.get(beneficiaire=suivie)
    client.force_login(ctx["prescripteur"])
    url = reverse("ateliers:inscription_annuler", args=[inscription.pk])
    html = client.post(url, follow=True).content.decode().replace("&#x27;", "'")
    assert "L'inscription de Yasmina est annulée." in html
    assert "Une personne sort de la liste d'attente" in html
    _no_trace_of(html, *attente)
    assert Inscription.objects.get(beneficiaire=attente[0]).statut == StatutInscription.INSCRIT
    assert Inscription.objects.get(beneficiaire=attente[0]).session == session


def test_can_see_names_predicate(ctx):
    from ateliers import perms

    session = ctx["session"]
    suivie, attente = _names_setup(ctx)
    volontaire = member(Role.VOLONTAIRE, structure=session.lieu.structure)
    assert perms.can_see_all_names(ctx["mediateur"], session)
    assert not perms.can_see_all_names(volontaire, session)
    assert not perms.can_see_name(volontaire, session, ctx["personne"])
    assert not perms.can_see_all_names(ctx["prescripteur"], session)
    assert perms.can_see_name(ctx["prescripteur"], session, suivie)
    assert not perms.can_see_name(ctx["prescripteur"], session, attente[0])
    nommees = perms.inscriptions_nommees(ctx["prescripteur"], session, session.inscriptions.all())
    assert [i.beneficiaire_id for i in nommees] == [suivie.pk]


def test_detail_of_a_past_session_of_another_structure_is_404(client, ctx):
    past = SessionFactory(
        debut=timezone.now() - datetime.timedelta(days=3),
        fin=timezone.now() - datetime.timedelta(days=3, hours=-2),
    )
    client.force_login(ctx["autre_mediateur"])
    assert client.get(reverse("ateliers:session_detail", args=[past.pk])).status_code == 404
    assert client.get(reverse("ateliers:session_detail", args=[999999])).status_code == 404


# Registering -------------------------------------------------------------------------------


def test_register_from_the_session(client, ctx, sms_outbox, django_capture_on_commit_callbacks):
    session, b = ctx["session"], ctx["personne"]
    client.force_login(ctx["mediateur"])
    url = reverse("ateliers:inscrire_session", args=[session.pk])
    html = client.get(url, {"q": "fatima"}).content.decode().replace("&#x27;", "'")
    confirm = reverse("ateliers:inscrire_confirmer", args=[session.pk, b.uuid])
    assert confirm in html
    assert client.get(confirm).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm)
    response = client.get(response["Location"])
    html = response.content.decode().replace("&#x27;", "'")
    assert "Fatima Benali est inscrite" in html
    assert "Un SMS de confirmation a été envoyé" in html
    assert Inscription.objects.get(beneficiaire=b).statut == StatutInscription.INSCRIT
    assert len(sms_outbox) == 1


def test_search_bad_input(client, ctx):
    client.force_login(ctx["mediateur"])
    url = reverse("ateliers:inscrire_session", args=[ctx["session"].pk])
    response = client.get(url, {"q": "a"})
    assert response.status_code == 422
    assert "Tapez au moins 2 caractères." in response.content.decode().replace("&#x27;", "'")


def test_search_only_finds_followed_people(client, ctx):
    client.force_login(ctx["prescripteur"])
    url = reverse("ateliers:inscrire_session", args=[ctx["session"].pk])
    assert "Benali" not in client.get(url, {"q": "fatima"}).content.decode().replace("&#x27;", "'")
    confirm = reverse("ateliers:inscrire_confirmer", args=[ctx["session"].pk, ctx["personne"].uuid])
    assert client.get(confirm).status_code == 404
    assert client.post(confirm).status_code == 404


def test_full_session_waiting_list_and_overbooking(client, ctx):
    session, b = ctx["session"], ctx["personne"]
    _register(session, 2, mediateur=ctx["mediateur"])
    confirm = reverse("ateliers:inscrire_confirmer", args=[session.pk, b.uuid])
    client.force_login(ctx["mediateur"])
    html = client.get(confirm).content.decode().replace("&#x27;", "'")
    assert "surbooking" in html and "ira sur la liste d'attente" in html
    response = client.post(confirm, {"surbooking": "on"}, follow=True)
    assert "ajoutée en plus du nombre de places prévu" in response.content.decode().replace(
        "&#x27;", "'"
    )
    session.refresh_from_db()
    assert session.nb_inscrits == 3
    assert places_en_mots(session) == "Complet (avec 1 place en plus)"


def test_full_session_prescripteur_goes_to_waiting_list(client, ctx):
    session = ctx["session"]
    _register(session, 3, mediateur=ctx["mediateur"])
    structure = ctx["prescripteur"].memberships.first().structure
    b = BeneficiaireFactory(structure=structure, prenom="Karim", nom="Diallo")
    confirm = reverse("ateliers:inscrire_confirmer", args=[session.pk, b.uuid])
    client.force_login(ctx["prescripteur"])
    html = client.get(confirm).content.decode().replace("&#x27;", "'")
    assert "surbooking" not in html
    response = client.post(confirm, {"surbooking": "on"}, follow=True)
    html = response.content.decode().replace("&#x27;", "'")
    assert "Liste d'attente, n° 2" in html
    assert "Pas de SMS envoyé : la personne n'a pas de téléphone" in html


def test_register_twice_is_refused(client, ctx):
    session, b = ctx["session"], ctx["personne"]
    registrations.register(
        session=session, beneficiaire=b, canal=Canal.PRO, acteur=ctx["mediateur"]
    )
    client.force_login(ctx["mediateur"])
    confirm = reverse("ateliers:inscrire_confirmer", args=[session.pk, b.uuid])
    response = client.post(confirm)
    assert response.status_code == 422
    assert "Fatima est déjà inscrit(e) à cette session." in response.content.decode().replace(
        "&#x27;", "'"
    )
    assert Inscription.objects.filter(beneficiaire=b).count() == 1


def test_register_from_the_persons_file(client, ctx):
    b = ctx["personne"]
    client.force_login(ctx["mediateur"])
    detail = (
        client.get(reverse("pro:beneficiaire_detail", args=[b.uuid]))
        .content.decode()
        .replace("&#x27;", "'")
    )
    url = reverse("ateliers:inscrire_personne", args=[b.uuid])
    assert url in detail and "Inscrire à un atelier" in detail
    html = (
        client.get(url, {"theme": ctx["session"].theme.pk}).content.decode().replace("&#x27;", "'")
    )
    confirm = reverse("ateliers:inscrire_confirmer", args=[ctx["session"].pk, b.uuid])
    assert confirm in html
    response = client.post(confirm + "?depuis=dossier")
    assert response.status_code == 302 and response["Location"].endswith("?depuis=dossier")
    html = client.get(response["Location"]).content.decode().replace("&#x27;", "'")
    assert "Fatima Benali est inscrite" in html


def test_choose_session_bad_input_and_other_structure(client, ctx):
    client.force_login(ctx["mediateur"])
    url = reverse("ateliers:inscrire_personne", args=[ctx["personne"].uuid])
    response = client.get(url, {"du": "pas une date"})
    assert response.status_code == 422
    client.force_login(ctx["autre_mediateur"])
    assert client.get(url).status_code == 404


def test_cancel_registration_promotes(client, ctx):
    session = ctx["session"]
    registrations.register(
        session=session, beneficiaire=ctx["personne"], canal=Canal.PRO, acteur=ctx["mediateur"]
    )
    people = _register(session, 2, mediateur=ctx["mediateur"])
    inscription = Inscription.objects.get(beneficiaire=ctx["personne"])
    url = reverse("ateliers:inscription_annuler", args=[inscription.pk])
    client.force_login(ctx["autre_mediateur"])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(ctx["mediateur"])
    assert client.get(url).status_code == 200
    html = client.post(url, follow=True).content.decode().replace("&#x27;", "'")
    waiting = people[-1]
    assert "L'inscription de Fatima est annulée." in html
    assert f"{waiting.prenom} M. sort de la liste d'attente" in html
    # Again: the registration is no longer running.
    html = client.post(url, follow=True).content.decode().replace("&#x27;", "'")
    assert "plus en cours" in html


def test_result_page_of_another_structure_is_404(client, ctx):
    inscription = registrations.register(
        session=ctx["session"],
        beneficiaire=ctx["personne"],
        canal=Canal.PRO,
        acteur=ctx["mediateur"],
    )
    client.force_login(ctx["prescripteur"])
    url = reverse("ateliers:inscription_resultat", args=[inscription.pk])
    assert client.get(url).status_code == 404


def test_session_cards_keep_time_order_and_count_the_waiting_list(db):
    """for_display: the waiting-list count must not drop the model's order (start time)."""
    debut = timezone.now() + datetime.timedelta(days=5)
    tard = SessionFactory(debut=debut + datetime.timedelta(days=1), capacite=1)
    tot = SessionFactory(debut=debut)
    for _ in range(3):  # one seat, then two on the waiting list
        registrations.register(session=tard, beneficiaire=BeneficiaireFactory(), canal=Canal.PUBLIC)
    cartes = list(Session.objects.filter(pk__in=[tard.pk, tot.pk]).for_display())
    assert cartes == [tot, tard]
    assert [s.nb_attente for s in cartes] == [0, 2]
