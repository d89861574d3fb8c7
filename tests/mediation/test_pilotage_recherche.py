"""Issue 19: the dashboard's filters with too many choices for a list (a national territory's
selects weighed about 1 MB) become search fields: the text typed is found by the server
without a script (one match, none, several), an id in the URL still works and keeps its
label, an id outside the scope is still refused; the matches' JSON for the script; small
scopes keep their lists. The page's HTML size before and after is measured at the end."""

import json
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inclusion.enums import Role
from inclusion.models import Commune, Lieu, Quartier, Structure
from inclusion.search import accent_free_pattern
from mediation import forms_pilotage
from mediation.forms_pilotage import (
    HORS_LISTE,
    ChoixRecherche,
    PilotageFiltreForm,
)
from mediation.pilotage.filtres import Portee
from tests.inclusion.factories import (
    CommuneFactory,
    LieuFactory,
    QuartierFactory,
    StructureFactory,
    member,
)
from tests.mediation.pilotage_fausse_section import use_fake_section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

URL = "/pro/pilotage/"
RECHERCHE = "/pro/pilotage/recherche/"


@pytest.fixture
def fake(monkeypatch):
    return use_fake_section(monkeypatch)


@pytest.fixture
def seuil(monkeypatch):
    """Lists longer than 3 become search fields (the real threshold is 200)."""
    monkeypatch.setattr(forms_pilotage, "SEUIL_LISTE", 3)


@pytest.fixture
def coordinateur():
    return member(Role.COORDINATEUR)


@pytest.fixture
def structures():
    names = ["École numérique", "Centre social Nord", "Centre social Sud", "Mairie annexe"]
    return {name: StructureFactory(nom=name) for name in names}


def signed(client, user):
    client.force_login(user)
    return client


# --- The threshold ------------------------------------------------------------------------


def test_small_scope_keeps_its_lists(client, fake):
    structure = StructureFactory(nom="Espace Nord")
    LieuFactory(structure=structure, nom="Mon lieu")
    html = signed(client, member(Role.MEDIATEUR, structure)).get(URL).content.decode()
    for name in forms_pilotage.CHOIX_IDS:
        assert f'<select name="{name}"' in html
    assert "_saisie" not in html
    assert "pilotage_recherche.js" not in html  # nothing more to load


def test_long_list_becomes_a_search_field(client, coordinateur, structures, fake, seuil):
    html = signed(client, coordinateur).get(URL).content.decode()
    assert '<input type="text" name="structure_saisie" value=""' in html
    assert '<input type="hidden" name="structure" value="">' in html
    assert '<select name="structure"' not in html
    assert "Centre social Nord" not in html  # no option of the long list
    assert forms_pilotage.AIDE_RECHERCHE in html
    assert 'aria-describedby="id_structure_aide"' in html
    assert '<label for="id_structure">Structure</label>' in html
    assert "mediation/pilotage_recherche.js" in html and "<script>" not in html


def test_threshold_counts_the_viewer_scope():
    """Every structure of the territory for a coordinator, their own for a médiateur."""
    for _ in range(4):
        StructureFactory()
    mine = StructureFactory()
    forms_pilotage.SEUIL_LISTE, before = 3, forms_pilotage.SEUIL_LISTE
    try:
        territoire = PilotageFiltreForm(portee=Portee())
        mediateur = PilotageFiltreForm(
            portee=Portee(structures=frozenset({mine.pk}), role=Role.MEDIATEUR)
        )
    finally:
        forms_pilotage.SEUIL_LISTE = before
    assert territoire.searched() == ["commune", "structure"]
    assert mediateur.searched() == ["commune"]  # communes are the territory's


# --- An id in the URL ---------------------------------------------------------------------


def test_id_in_the_url_still_works_and_shows_its_label(
    client, coordinateur, structures, fake, seuil
):
    chosen = structures["Centre social Sud"]
    response = signed(client, coordinateur).get(URL + f"?structure={chosen.pk}")
    html = response.content.decode()
    filtres, _ = fake[0]
    assert filtres.structure == chosen.pk
    assert 'name="structure_saisie" value="Centre social Sud"' in html
    assert f'<input type="hidden" name="structure" value="{chosen.pk}">' in html
    assert response.context["filtres_choisis"] == [("Structure", "Centre social Sud")]
    assert f"/pro/pilotage/pdf/?du=2025-11-18&amp;au=2026-11-17&amp;structure={chosen.pk}" in html


def test_chosen_labels_for_the_pdf_and_exports(structures, seuil):
    chosen = structures["École numérique"]
    form = PilotageFiltreForm({"structure": str(chosen.pk)}, portee=Portee())
    assert form.is_valid(), form.errors
    assert isinstance(form.fields["structure"], ChoixRecherche)
    assert form.chosen_labels() == [("Structure", "École numérique")]


def test_id_outside_the_scope_is_refused(client, fake, monkeypatch):
    monkeypatch.setattr(forms_pilotage, "SEUIL_LISTE", 0)  # every list a search field
    mine = StructureFactory(nom="Espace Nord")
    other = StructureFactory(nom="Espace Sud")
    response = signed(client, member(Role.MEDIATEUR, mine)).get(
        URL + f"?structure={other.pk}&lieu=abc"
    )
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["structure"]] == ["invalid_choice"]
    assert [e.code for e in form.errors.as_data()["lieu"]] == ["invalid_choice"]
    assert form.refused() == ["structure", "lieu"]
    filtres, _ = fake[0]
    assert filtres.structure is None and filtres.lieu is None
    html = response.content.decode()
    assert "Espace Sud" not in html
    assert "n&#x27;existe pas ou vous n&#x27;y avez pas accès" in html
    assert HORS_LISTE


# --- The text typed, without the script --------------------------------------------------------


def test_one_match_goes_to_the_usual_url(client, coordinateur, structures, fake, seuil):
    response = signed(client, coordinateur).get(
        URL + "?du=2026-01-01&au=2026-03-31&commune=&structure=&structure_saisie=ecole+NUM"
    )
    assert response.status_code == 302
    pk = structures["École numérique"].pk
    assert response["Location"] == f"{URL}?du=2026-01-01&au=2026-03-31&structure={pk}"
    assert fake == []  # nothing counted before the redirect


def test_no_match_is_said_next_to_the_field(client, coordinateur, structures, fake, seuil):
    response = signed(client, coordinateur).get(URL + "?structure=&structure_saisie=Piscine")
    assert response.status_code == 200
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["structure"]] == ["aucun"]
    html = response.content.decode()
    assert "Aucune structure ne correspond à « Piscine »" in html
    assert 'name="structure_saisie" value="Piscine"' in html  # what was typed stays
    assert 'aria-invalid="true"' in html and "id_structure_erreurs" in html
    filtres, _ = fake[0]
    assert filtres.structure is None


def test_several_matches_offer_the_candidates(client, coordinateur, structures, fake, seuil):
    response = signed(client, coordinateur).get(URL + "?structure_saisie=centre+SOCIAL")
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["structure"]] == ["plusieurs"]
    html = response.content.decode()
    assert "Plusieurs structures correspondent à « centre SOCIAL » : précisez" in html
    for name in ("Centre social Nord", "Centre social Sud"):
        pk = structures[name].pk
        assert f'<input type="radio" name="structure_choix" value="{pk}"' in html
    assert "Mairie annexe" not in html
    # The candidate picked (the text still there) gives its id.
    pk = structures["Centre social Sud"].pk
    response = client.get(URL + f"?structure_saisie=centre+SOCIAL&structure_choix={pk}")
    assert response["Location"] == f"{URL}?structure={pk}"


def test_at_most_20_candidates(client, coordinateur, fake, seuil):
    for i in range(25):
        StructureFactory(nom=f"Maison France services {i:02d}")
    html = signed(client, coordinateur).get(URL + "?structure_saisie=maison").content.decode()
    assert html.count('name="structure_choix"') == 20
    assert "Choisissez parmi les 20 premiers résultats" in html


def test_label_unchanged_keeps_its_id_even_when_names_repeat(
    client, coordinateur, structures, fake, seuil
):
    twin = StructureFactory(nom="Centre social Nord", pivot="21330063500017")  # another town
    query = f"?structure={twin.pk}&structure_saisie=Centre+social+Nord"
    response = signed(client, coordinateur).get(URL + query)
    assert response["Location"] == f"{URL}?structure={twin.pk}"


def test_emptied_text_removes_the_filter(client, coordinateur, structures, fake, seuil):
    pk = structures["Mairie annexe"].pk
    response = signed(client, coordinateur).get(
        URL + f"?du=2026-01-01&structure={pk}&structure_saisie="
    )
    assert response["Location"] == f"{URL}?du=2026-01-01"


def test_too_short_text(client, coordinateur, structures, fake, seuil):
    response = signed(client, coordinateur).get(URL + "?structure_saisie=E")
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["structure"]] == ["saisie_courte"]


def test_candidate_outside_the_scope_is_refused(client, fake, monkeypatch):
    monkeypatch.setattr(forms_pilotage, "SEUIL_LISTE", 0)
    mine = StructureFactory(nom="Espace Nord")
    other = StructureFactory(nom="Espace Sud")
    signed(client, member(Role.MEDIATEUR, mine))
    response = client.get(URL + f"?structure_saisie=x&structure_choix={other.pk}")
    assert response["Location"] == f"{URL}?structure={other.pk}"
    response = client.get(response["Location"])
    assert response.context["form"].refused() == ["structure"]
    # Its text is searched in the scope only.
    response = client.get(URL + "?structure_saisie=espace+sud")
    assert [e.code for e in response.context["form"].errors.as_data()["structure"]] == ["aucun"]


def test_quartier_found_by_its_commune(client, coordinateur, fake, seuil):
    begles = CommuneFactory(nom="Bègles")
    for nom in ("Terres Neuves", "Centre", "Dorat", "Monmousseau"):
        QuartierFactory(commune=begles, nom=nom)
    target = QuartierFactory(commune=CommuneFactory(nom="Cenon"), nom="Palmer")
    signed(client, coordinateur)
    response = client.get(URL + "?quartier_saisie=palmer+cenon")
    assert response["Location"] == f"{URL}?quartier={target.pk}"
    response = client.get(URL + "?quartier_saisie=BEGLES")
    assert [e.code for e in response.context["form"].errors.as_data()["quartier"]] == ["plusieurs"]


def test_pdf_takes_the_text_typed(client, coordinateur, structures, monkeypatch, seuil):
    from mediation.pilotage import pdf

    use_fake_section(monkeypatch)
    rendered = {}
    monkeypatch.setattr(pdf, "render_pdf", lambda c, r=None: rendered.update(c) or b"%PDF")
    signed(client, coordinateur).get(URL + "pdf/?structure_saisie=mairie")
    assert rendered["filtres"].structure == structures["Mairie annexe"].pk
    assert rendered["filtres_choisis"] == [("Structure", "Mairie annexe")]


# --- Accents and case ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, name",
    [
        ("beg", "Bègles"),
        ("ÉCOLE", "école"),
        ("ecole", "ÉCOLE"),
        ("oeuvre", "Œuvre sociale"),
        ("coeur", "Sacré-Cœur"),
        ("l'ile", "L’Île-Saint-Denis"),
        ("saint denis", "Saint-Denis"),
        ("francois", "Maison François"),
    ],
)
def test_accents_and_case_ignored(typed, name):
    StructureFactory(nom=name)
    StructureFactory(nom="Autre chose")
    liste = forms_pilotage.LISTES["structure"]
    assert [label for _pk, label in liste.matching(Portee(), typed)] == [name]


def test_names_starting_with_the_text_come_first():
    for nom in ("Cormeilles-en-Parisis", "Fontenay-en-Parisis", "Paris", "Parisot"):
        CommuneFactory(nom=nom)
    liste = forms_pilotage.LISTES["commune"]
    found = [label for _pk, label in liste.matching(Portee(), "paris")]
    assert found == ["Paris", "Parisot", "Cormeilles-en-Parisis", "Fontenay-en-Parisis"]
    assert [label for _pk, label in liste.matching(Portee(), "en paris")] == [
        "Cormeilles-en-Parisis",
        "Fontenay-en-Parisis",
    ]


def test_programmes_of_a_prescripteur_searched_in_their_scope():
    from tests.pass_numerique.factories import EnveloppeFactory, ProgrammeFactory

    a, b = StructureFactory(), StructureFactory()
    mine = ProgrammeFactory(nom="Pass numérique 2026")
    EnveloppeFactory(programme=mine, structure=a)
    EnveloppeFactory(programme=mine, structure=b)  # two envelopes, one result
    ProgrammeFactory(nom="Pass seniors")
    portee = Portee(structures=frozenset({a.pk, b.pk}), role=Role.PRESCRIPTEUR)
    liste = forms_pilotage.LISTES["programme"]
    assert liste.matching(portee, "pass") == [(str(mine.pk), "Pass numérique 2026")]
    assert len(liste.matching(Portee(), "pass")) == 2


def test_pattern_escapes_what_is_not_a_letter():
    assert accent_free_pattern("a.b") == "[aàâäáãAÀÂÄÁÃ]\\.[bB]"
    StructureFactory(nom="Espace (jeunes)")
    liste = forms_pilotage.LISTES["structure"]
    assert len(liste.matching(Portee(), "(jeunes) [x")) == 0
    assert len(liste.matching(Portee(), "(jeunes)")) == 1


# --- The JSON for the script ------------------------------------------------------------------


def _json(client, **params):
    response = client.get(RECHERCHE, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_search_answers_ids_and_labels(client, coordinateur, structures):
    data = _json(signed(client, coordinateur), champ="structure", q="centre soc")
    assert data == {
        "resultats": [
            {"id": structures["Centre social Nord"].pk, "label": "Centre social Nord"},
            {"id": structures["Centre social Sud"].pk, "label": "Centre social Sud"},
        ],
        "autres": False,
    }
    assert _json(client, champ="structure", q="c") == {"resultats": [], "autres": False}


def test_search_keeps_each_scope(client):
    s1, s2 = StructureFactory(nom="Espace Nord"), StructureFactory(nom="Espace Sud")
    mine = LieuFactory(structure=s1, nom="Médiathèque du Lac")
    theirs = LieuFactory(structure=s2, nom="Médiathèque du Parc")
    signed(client, member(Role.MEDIATEUR, s1))
    data = _json(client, champ="lieu", q="mediatheque")
    assert data["resultats"] == [{"id": mine.pk, "label": "Médiathèque du Lac"}]
    assert _json(client, champ="structure", q="espace")["resultats"] == [
        {"id": s1.pk, "label": "Espace Nord"}
    ]
    signed(client, member(Role.PRESCRIPTEUR, s2))
    assert _json(client, champ="lieu", q="mediatheque")["resultats"] == [
        {"id": theirs.pk, "label": "Médiathèque du Parc"}
    ]
    signed(client, member(Role.COORDINATEUR))
    assert len(_json(client, champ="lieu", q="mediatheque")["resultats"]) == 2


def test_search_at_most_20_and_says_there_are_more(client, coordinateur):
    for i in range(25):
        StructureFactory(nom=f"Maison France services {i:02d}")
    data = _json(signed(client, coordinateur), champ="structure", q="maison")
    assert len(data["resultats"]) == 20 and data["autres"] is True


def test_search_refused_to_anonymous_and_volontaire(client):
    response = client.get(RECHERCHE, {"champ": "structure", "q": "ab"})
    assert response.status_code == 302 and "/pro/connexion/" in response["Location"]
    signed(client, member(Role.VOLONTAIRE))
    assert client.get(RECHERCHE, {"champ": "structure", "q": "ab"}).status_code == 403


def test_search_unknown_list_and_post(client, coordinateur):
    signed(client, coordinateur)
    assert client.get(RECHERCHE, {"champ": "beneficiaire", "q": "ab"}).status_code == 404
    assert client.get(RECHERCHE).status_code == 404
    assert client.post(RECHERCHE, {"champ": "structure", "q": "ab"}).status_code == 405


def test_search_query_count_does_not_grow(client, coordinateur, habillage_en_cache):
    signed(client, coordinateur)
    StructureFactory(nom="Maison 1")
    _json(client, champ="structure", q="maison")
    with CaptureQueriesContext(connection) as one:
        assert len(_json(client, champ="structure", q="maison")["resultats"]) == 1
    for i in range(30):
        StructureFactory(nom=f"Maison {i + 2}")
    with CaptureQueriesContext(connection) as many:
        assert len(_json(client, champ="structure", q="maison")["resultats"]) == 20
    assert len(many) == len(one)
    searches = [q for q in many.captured_queries if 'FROM "inclusion_structure"' in q["sql"]]
    assert len(searches) == 1


def test_page_query_count_with_a_search_field(
    client, coordinateur, structures, monkeypatch, habillage_en_cache
):
    """One query per list whatever its length, one more for a chosen id's label."""
    use_fake_section(monkeypatch)
    monkeypatch.setattr(forms_pilotage, "SEUIL_LISTE", 3)
    signed(client, coordinateur)
    pk = structures["Mairie annexe"].pk
    client.get(URL + f"?structure={pk}")
    with CaptureQueriesContext(connection) as few:
        client.get(URL + f"?structure={pk}")
    for i in range(40):
        StructureFactory(nom=f"Structure en plus {i}")
    with CaptureQueriesContext(connection) as many:
        client.get(URL + f"?structure={pk}")
    assert len(many) == len(few)


# --- The page's weight at national size ---------------------------------------------------------


def _seed_territory(communes=300, quartiers=3_334, structures=2_000, lieux=15_000):
    """Plain rows in bulk (names only matter here)."""
    Commune.objects.bulk_create(
        Commune(nom=f"Commune {i}", code_insee=f"{10000 + i}", codes_postaux="10000")
        for i in range(communes)
    )
    commune_ids = list(Commune.objects.values_list("pk", flat=True))
    Quartier.objects.bulk_create(
        Quartier(commune_id=commune_ids[i % len(commune_ids)], nom=f"Quartier des Tilleuls {i}")
        for i in range(quartiers)
    )
    model = StructureFactory()
    Structure.objects.bulk_create(
        Structure(nom=f"Association numérique {i}", pivot=model.pivot, type=model.type,
                  commune_id=commune_ids[i % len(commune_ids)])
        for i in range(structures)
    )  # fmt: skip
    structure_ids = list(Structure.objects.values_list("pk", flat=True))
    lieu = LieuFactory(structure=model)
    Lieu.objects.bulk_create(
        Lieu(structure_id=structure_ids[i % len(structure_ids)], nom=f"Espace public numérique {i}",
             commune_id=commune_ids[i % len(commune_ids)], code_postal="10000",
             adresse=lieu.adresse, horaires=lieu.horaires)
        for i in range(lieux)
    )  # fmt: skip


def test_page_weight_at_national_size(client, coordinateur, monkeypatch, capsys):
    use_fake_section(monkeypatch)
    _seed_territory()
    signed(client, coordinateur)
    monkeypatch.setattr(forms_pilotage, "SEUIL_LISTE", 10**9)  # every list a select: before
    before = len(client.get(URL).content)
    monkeypatch.setattr(forms_pilotage, "SEUIL_LISTE", 200)
    after = len(client.get(URL).content)
    with capsys.disabled():
        sys.stdout.write(
            f"\nCoordinator's dashboard HTML: {before:,} bytes before, {after:,} after\n"
        )
    assert before > 1_000_000
    assert after < 60_000


# --- Any query ------------------------------------------------------------------------------


def test_any_typed_query_gets_an_answer(client, coordinateur, structures, fake, monkeypatch):
    """Texts and ids of every shape in the search fields' parameters: never an error 500."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    monkeypatch.setattr(forms_pilotage, "SEUIL_LISTE", 0)
    signed(client, coordinateur)
    valeur = st.one_of(
        st.text(max_size=40),
        st.sampled_from(["", "0", "-1", "99999999999", "1e3", "[x", "(?i)", "%", "\\", "a\x00b"]),
        st.integers(0, 10**12).map(str),
    )
    names = [f"{n}{s}" for n in forms_pilotage.CHOIX_IDS for s in ("", "_saisie", "_choix")]

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.dictionaries(st.sampled_from(names), valeur, max_size=5))
    def check(params):
        assert client.get(URL, params).status_code in (200, 302)
        response = client.get(RECHERCHE, {"champ": "lieu", "q": params.get("lieu_saisie", "ab")})
        assert response.status_code == 200

    check()
