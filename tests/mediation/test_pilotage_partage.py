"""Issue 17: the dashboards' public share link. Its service (creation with its refusals, the
creator's scope frozen, withdrawal, the signed key), its pages in the espace pro, and the
public page: aggregates only with the "< 5" rule, and refused when withdrawn, ended or
tampered with. Figures on the fixed territory of tests/mediation/monde_pilotage.py."""

import datetime
import re
from html import unescape

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from inclusion.enums import Role
from inclusion.models import Journal
from mediation.models_pilotage import LienPartage
from mediation.pilotage.filtres import Portee
from mediation.services import partages
from tests.clock import FROZEN_AT, TODAY
from tests.inclusion.factories import member
from tests.mediation.monde_pilotage import FILTRES, monde_for_module
from tests.validation import refused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

LISTE = "/pro/pilotage/partages/"
QUERY = {"du": FILTRES.du.isoformat(), "au": FILTRES.au.isoformat()}


@pytest.fixture(scope="module")
def monde(django_db_setup, django_db_blocker):
    yield from monde_for_module(django_db_blocker)


def share(user, titre="Conseil municipal", params=None, **kwargs):
    return partages.create_partage(
        acteur=user, titre=titre, params=QUERY if params is None else params, **kwargs
    )


def public_url(lien):
    return reverse("partage:tableau", kwargs={"jeton": partages.jeton(lien)})


def text_of(response):
    """The page's text without tags or repeated spaces (and its narrow spaces as spaces)."""
    html = response.content.decode()
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u202f", " ")
    return " ".join(text.split())


# The service ------------------------------------------------------------------------------


def test_a_link_freezes_the_filters_and_the_creators_scope(monde):
    lien = share(monde.m1, params={**QUERY, "commune": str(monde.c1.pk)})
    assert lien.filtres == {**QUERY, "commune": str(monde.c1.pk)}
    assert (lien.structures, lien.role) == ([monde.s1.pk], Role.MEDIATEUR)
    assert partages.portee_of(lien) == Portee(
        structures=frozenset({monde.s1.pk}), role=Role.MEDIATEUR, publique=True
    )
    territoire = share(monde.coordinateur)
    assert territoire.structures is None
    assert partages.portee_of(territoire) == Portee(publique=True)
    line = Journal.objects.filter(action="pilotage.partage.creation", objet_id=str(lien.pk)).get()
    assert line.acteur == monde.m1


def test_a_filter_outside_the_creators_scope_is_dropped(monde):
    lien = share(monde.m1, params={**QUERY, "structure": str(monde.s2.pk)})
    assert lien.filtres == QUERY


def test_bad_titles_and_end_dates_are_refused_and_nothing_is_written(monde):
    before = LienPartage.objects.count()
    refused("titre_requis", share, monde.coordinateur, titre="   ")
    refused("titre_trop_long", share, monde.coordinateur, titre="x" * 151)
    refused("fin_passee", share, monde.coordinateur, expire_le=TODAY - datetime.timedelta(days=1))
    refused(
        "fin_trop_lointaine", share, monde.coordinateur, expire_le=TODAY + datetime.timedelta(367)
    )
    assert LienPartage.objects.count() == before
    assert share(monde.coordinateur, expire_le=TODAY).expire_le == TODAY


def test_only_professionals_share(monde):
    with pytest.raises(PermissionDenied):
        share(member(Role.VOLONTAIRE))


def test_withdrawal_by_its_creator_or_a_coordinator_once(monde):
    lien = share(monde.m1)
    with pytest.raises(PermissionDenied):
        partages.withdraw_partage(acteur=monde.m2, lien=lien)
    partages.withdraw_partage(acteur=monde.coordinateur, lien=lien)
    lien.refresh_from_db()
    assert lien.revoque_par == monde.coordinateur
    refused("deja_retire", partages.withdraw_partage, acteur=monde.m1, lien=lien)
    assert Journal.objects.filter(action="pilotage.partage.retrait").count() == 1


def test_the_key_is_signed_and_checked_before_any_lookup(monde, django_assert_num_queries):
    lien = share(monde.coordinateur)
    signed = partages.jeton(lien)
    assert signed.startswith(lien.cle.hex + ":")
    tampered = [
        signed[:-1] + ("A" if signed[-1] != "A" else "B"),  # the signature
        ("0" if signed[0] != "0" else "1") + signed[1:],  # the key, signature unchanged
        lien.cle.hex,  # no signature
        "",
    ]
    for key in tampered:
        with django_assert_num_queries(0), pytest.raises(partages.PartageRefuse) as info:
            partages.open_partage(key)
        assert info.value.code == "invalide"
    LienPartage.objects.filter(pk=lien.pk).delete()
    with pytest.raises(partages.PartageRefuse) as info:
        partages.open_partage(signed)  # a genuine signature of a key that no longer exists
    assert info.value.code == "invalide"


def test_an_end_date_is_the_last_day_the_link_opens(monde):
    lien = share(monde.coordinateur, expire_le=TODAY + datetime.timedelta(days=2))
    last_day = FROZEN_AT + datetime.timedelta(days=2, hours=13, minutes=59)  # 23:59 in Paris
    with time_machine.travel(last_day, tick=False):
        assert partages.open_partage(partages.jeton(lien)) == lien
    with time_machine.travel(last_day + datetime.timedelta(minutes=1), tick=False):
        with pytest.raises(partages.PartageRefuse) as info:
            partages.open_partage(partages.jeton(lien))
    assert info.value.code == "expire"
    assert "19 novembre 2026" in info.value.message


def test_visits_are_counted(monde):
    lien = share(monde.coordinateur)
    partages.open_partage(partages.jeton(lien))
    partages.open_partage(partages.jeton(lien))
    lien.refresh_from_db()
    assert (lien.consultations, lien.derniere_consultation_le) == (2, FROZEN_AT)


# The public page ---------------------------------------------------------------------------


def test_the_public_page_shows_aggregates_with_small_counts_masked(client, monde):
    response = client.get(public_url(share(monde.coordinateur)))
    assert response.status_code == 200
    text = text_of(response)
    assert "Conseil municipal" in text
    assert "Les chiffres de tout le territoire." in text
    # Publics: 6 people reached (3 before: masked, so no change is written), 2 in a QPV.
    assert "6 Personnes atteintes" in text
    assert "< 5 Dont en quartier prioritaire" in text
    personnes = re.search(r"6 Personnes atteintes (.*?) < 5 Dont en quartier", text).group(1)
    assert "période précédente" not in personnes
    # By gender: 2, 3 and 1 person(s): every cell masked.
    assert "Masculin < 5 Féminin < 5 Non communiqué < 5" in text
    # Not published: the priority neighbourhoods' own table (the same rows as the
    # neighbourhoods' one) and the places' median delays.
    assert "Délais de réponse par lieu" not in text
    assert "tableau-publics_quartiers_prioritaires" not in response.content.decode()
    # Not people: workshops held and money are shown as they are.
    assert "Sessions tenues" in text
    # Aggregates only: no name of a person, no export form, no filter form.
    for name in ("Alice", monde.b1.prenom, monde.b1.nom, monde.b4.prenom):
        assert name not in text
    html = response.content.decode()
    assert "exports/" not in html and 'name="nature"' not in html
    assert 'role="search"' not in html


def test_the_public_page_is_never_cached_indexed_or_referred(client, monde):
    response = client.get(public_url(share(monde.coordinateur)))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_mediateurs_link_shows_only_their_places_figures(client, monde):
    text = text_of(client.get(public_url(share(monde.m1))))
    assert f"Les chiffres de : {monde.s1.nom}." in text
    # M1's scope: 5 people reached (see test_pilotage_sections_territoire).
    assert "5 Personnes atteintes" in text


@pytest.mark.parametrize("etat", ["retire", "expire", "invalide"])
def test_refused_links_say_why_with_their_status(client, monde, etat):
    lien = share(monde.coordinateur, expire_le=TODAY)
    url = public_url(lien)
    if etat == "retire":
        partages.withdraw_partage(acteur=monde.coordinateur, lien=lien)
    if etat == "invalide":
        url = url.replace(":", ":x", 1)
    moment = FROZEN_AT + datetime.timedelta(days=1 if etat == "expire" else 0)
    with time_machine.travel(moment, tick=False):
        response = client.get(url)
        pdf = client.get(url + "pdf/")
    expected = {"retire": 410, "expire": 410, "invalide": 404}[etat]
    assert (response.status_code, pdf.status_code) == (expected, expected)
    text = text_of(response)
    assert {
        "retire": "Ce lien de partage a été retiré par son auteur.",
        "expire": "Ce lien de partage a pris fin le 17 novembre 2026.",
        "invalide": "Ce lien de partage n'existe pas.",
    }[etat] in text
    assert "Personnes atteintes" not in text
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_public_pdf(client, monde):
    response = client.get(public_url(share(monde.coordinateur)) + "pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]


def test_the_public_page_takes_no_post(client, monde):
    assert client.post(public_url(share(monde.coordinateur))).status_code == 405


# The espace pro's pages --------------------------------------------------------------------


def test_the_dashboard_links_to_sharing_with_its_filters(client, monde):
    client.force_login(monde.coordinateur)
    html = client.get("/pro/pilotage/", QUERY).content.decode()
    assert f'href="{LISTE}?du=2026-10-01&amp;au=2026-11-30"' in html


def test_creating_a_link_from_the_page(client, monde):
    client.force_login(monde.p)
    page = client.get(LISTE, QUERY)
    assert page.status_code == 200
    assert "du 1er octobre 2026 au 30 novembre 2026" in text_of(page)
    response = client.post(LISTE, {**QUERY, "titre": "  Comité  de pilotage ", "expire_le": ""})
    lien = LienPartage.objects.get(titre="Comité de pilotage")
    assert response.status_code == 302
    assert response["Location"] == f"{LISTE}?du=2026-10-01&au=2026-11-30#lien-{lien.pk}"
    assert (lien.cree_par, lien.filtres) == (monde.p, QUERY)
    listing = client.get(LISTE)
    assert "testserver" + public_url(lien) in listing.content.decode()


def test_a_refused_creation_keeps_what_was_typed(client, monde):
    client.force_login(monde.coordinateur)
    response = client.post(LISTE, {**QUERY, "titre": "Bilan", "expire_le": "01/01/2020"})
    assert response.status_code == 400
    text = text_of(response)
    assert "La date de fin est déjà passée" in text
    assert 'value="Bilan"' in response.content.decode()
    assert not LienPartage.objects.filter(titre="Bilan").exists()


def test_each_sees_their_own_links_a_coordinator_all(client, monde):
    mine, theirs = share(monde.m1, titre="Le mien"), share(monde.p, titre="Le leur")
    client.force_login(monde.m1)
    text = text_of(client.get(LISTE))
    assert "Le mien" in text and "Le leur" not in text
    # Withdrawing someone else's link: it is not in their list (404), nothing changes.
    assert client.post(f"{LISTE}{theirs.pk}/retirer/").status_code == 404
    client.force_login(monde.coordinateur)
    text = text_of(client.get(LISTE))
    assert "Le mien" in text and "Le leur" in text
    response = client.post(f"{LISTE}{mine.pk}/retirer/", follow=True)
    assert "Le lien « Le mien » est retiré" in text_of(response)
    again = client.post(f"{LISTE}{mine.pk}/retirer/", follow=True)
    assert "Ce lien était déjà retiré." in text_of(again)
    theirs.refresh_from_db()
    assert theirs.revoque_le is None


def test_volontaires_and_anonymous_cannot_share(client, monde):
    assert client.get(LISTE).status_code == 302
    client.force_login(member(Role.VOLONTAIRE))
    assert client.get(LISTE).status_code == 403
    assert client.post(LISTE, {"titre": "x"}).status_code == 403
