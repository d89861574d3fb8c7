"""The sessions list and the choice of a session for a person: rows read as plain tuples,
the filter's lieux read once, the "Créer une session" button answered by those lieux when
they can (issue 19: fewer queries and calls, same HTML)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inclusion.enums import Role
from tests.ateliers.factories import SessionFactory, setup_atelier
from tests.inclusion.factories import LieuFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

CREER = "Créer une session"


def _get(client, user, url, params=None):
    client.force_login(user)
    client.get(url, params)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    return response, response.content.decode().replace("&#x27;", "'"), queries


def _membership_lieu_queries(queries):
    # lieux_for_mediateur(user).exists(): the lieux joined to the user's memberships.
    return [
        q["sql"]
        for q in queries
        if 'FROM "inclusion_lieu"' in q["sql"] and '"inclusion_membership"' in q["sql"]
    ]


def test_list_mediateur_with_sessions_needs_no_query_for_the_button(client):
    ctx = setup_atelier()
    SessionFactory(lieu=ctx["session"].lieu)
    response, html, queries = _get(client, ctx["mediateur"], reverse("ateliers:liste"))
    assert response.status_code == 200
    assert CREER in html
    assert _membership_lieu_queries(queries) == []
    lieu = ctx["session"].lieu
    assert f'<option value="{lieu.pk}">{lieu.nom} — {lieu.commune.nom}</option>' in html


def test_list_same_queries_for_1_and_30_rows(client):
    ctx = setup_atelier()
    url = reverse("ateliers:liste")
    _, _, one = _get(client, ctx["mediateur"], url)
    for _ in range(29):
        SessionFactory(lieu=ctx["session"].lieu)
    _, html, thirty = _get(client, ctx["mediateur"], url)
    assert len(thirty) == len(one)
    assert "30 sessions" in html


@pytest.mark.parametrize(
    ("who", "shown"),
    [("mediateur_sans_session", True), ("mediateur_lieu_ferme", False), ("prescripteur", False)],
)
def test_list_button_when_the_lieux_do_not_say(client, who, shown):
    """No lieu of the list proves the user a médiateur of an active lieu: the question is
    asked to the database, with the same answer as before."""
    setup_atelier()
    lieu = LieuFactory(actif=who != "mediateur_lieu_ferme")
    role = Role.PRESCRIPTEUR if who == "prescripteur" else Role.MEDIATEUR
    user = member(role, structure=lieu.structure)
    response, html, queries = _get(client, user, reverse("ateliers:liste"), {"portee": "mes_lieux"})
    assert response.status_code == 200
    assert (CREER in html) is shown
    assert len(_membership_lieu_queries(queries)) == 1


def test_list_lieu_filter_checks_the_lieu_asked_for(client):
    ctx = setup_atelier()
    autre = SessionFactory()
    url = reverse("ateliers:liste")
    lieu = ctx["session"].lieu
    response, html, _ = _get(client, ctx["mediateur"], url, {"lieu": lieu.pk})
    assert response.status_code == 200
    assert f'<option value="{lieu.pk}" selected>' in html
    assert reverse("ateliers:session_detail", args=[ctx["session"].pk]) in html
    # A lieu out of the list's scope is refused, as before.
    response, _, _ = _get(client, ctx["mediateur"], url, {"lieu": autre.lieu.pk})
    assert response.status_code == 422
    response, _, _ = _get(client, ctx["mediateur"], url, {"lieu": "abc"})
    assert response.status_code == 422
    # No lieu asked for: the lieux' queryset is not needed (the choices are rows).
    response, html, _ = _get(client, ctx["mediateur"], url, {"lieu": ""})
    assert response.status_code == 200
    assert f'<option value="{lieu.pk}">{lieu.nom} — {lieu.commune.nom}</option>' in html


# The choice of a session for a person -----------------------------------------------------

# The template loop the cards built in Python replace (inscrire_personne.html before).
ANCIENNE_BOUCLE = """{% load ateliers_mots %}<div class="cards">
  {% for s in sessions %}
  <article class="card" aria-labelledby="session-{{ s.pk }}">
    <h2 id="session-{{ s.pk }}">{{ s.theme.titre }}</h2>
    <p>{{ s|quand_en_mots|capfirst }}</p>
    <p>{{ s.lieu.nom }}, {{ s.lieu.commune.nom }}{% if s.lieu.quartier %} ({{ s.lieu.quartier.nom }}){% endif %}</p>
    <p><strong>{{ s|places_en_mots }}</strong></p>
    {% if s.deja_inscrit %}
    <p><span class="badge">Déjà inscrite ou en attente</span></p>
    {% else %}
    <p><a class="button button--secondary" href="{% url 'ateliers:inscrire_confirmer' s.pk b.uuid %}?depuis=dossier">{% if s|est_complet %}Mettre sur la liste d'attente{% else %}Choisir{% endif %}<span class="visually-hidden"> : {{ s.theme.titre }}, {{ s|quand_en_mots }}</span></a></p>
    {% endif %}
  </article>
  {% endfor %}
</div>"""  # noqa: E501


def test_cards_are_the_old_template_loop_in_every_branch():
    import datetime

    from django.template import Context, Template
    from django.utils import timezone

    from ateliers.enums import Canal
    from ateliers.models import Session
    from ateliers.services import registrations
    from ateliers.tables import cartes_choix
    from tests.ateliers.factories import ThemeFactory
    from tests.inclusion.factories import BeneficiaireFactory, QuartierFactory

    ctx = setup_atelier(capacite=1)
    lieu = ctx["session"].lieu
    b = BeneficiaireFactory(structure=lieu.structure, prenom="Fatima", nom="Benali")
    quartier = QuartierFactory(commune=lieu.commune, nom="Les Aubiers <QPV> & l'autre")
    ailleurs = LieuFactory(nom='L\'Atelier <du> "coin"', quartier=quartier)
    theme = ThemeFactory(titre="Zoom <famille> & l'école")
    debut = timezone.now() + datetime.timedelta(days=40)
    sessions = [
        SessionFactory(lieu=ailleurs, theme=theme, capacite=1, debut=debut),  # full + waiting
        SessionFactory(lieu=ailleurs, capacite=2, debut=debut + datetime.timedelta(hours=3)),
        SessionFactory(lieu=lieu, capacite=3, debut=debut + datetime.timedelta(days=400)),
        SessionFactory(  # over midnight
            lieu=lieu,
            debut=debut.replace(hour=21),
            fin=debut.replace(hour=21) + datetime.timedelta(hours=5),
        ),
    ]
    for autre in BeneficiaireFactory.create_batch(2, structure=lieu.structure):
        registrations.register(
            session=sessions[0], beneficiaire=autre, canal=Canal.PRO, acteur=ctx["mediateur"]
        )
    registrations.register(
        session=sessions[1], beneficiaire=b, canal=Canal.PRO, acteur=ctx["mediateur"]
    )
    registrations.register(
        session=sessions[0], beneficiaire=b, canal=Canal.PRO, acteur=ctx["mediateur"]
    )
    Session.objects.filter(pk=sessions[2].pk).update(nb_inscrits=5)  # overbooked
    qs = Session.objects.filter(pk__in=[s.pk for s in [ctx["session"], *sessions]])
    anciennes = list(qs.for_display())
    deja = {sessions[0].pk, sessions[1].pk}
    for s in anciennes:
        s.deja_inscrit = s.pk in deja
    autre_personne = BeneficiaireFactory(structure=lieu.structure)
    for personne, attendu in ((b, deja), (autre_personne, set())):
        for s in anciennes:
            s.deja_inscrit = s.pk in attendu
        old = Template(ANCIENNE_BOUCLE).render(Context({"sessions": anciennes, "b": personne}))
        lignes = list(qs.for_choice(personne))
        assert {r.pk for r in lignes if r.deja_inscrit} == attendu
        new = '<div class="cards">\n  ' + cartes_choix(lignes, personne) + "\n</div>"
        assert new == old
    assert "Mettre sur la liste d" in old and "(Les Aubiers &lt;QPV&gt;" in old


def test_choice_page_queries_do_not_grow(client):
    ctx = setup_atelier()
    from tests.inclusion.factories import BeneficiaireFactory

    b = BeneficiaireFactory(structure=ctx["session"].lieu.structure)
    url = reverse("ateliers:inscrire_personne", args=[b.uuid])
    _, _, one = _get(client, ctx["mediateur"], url)
    for _ in range(29):
        SessionFactory(lieu=ctx["session"].lieu)
    response, html, thirty = _get(client, ctx["mediateur"], url)
    assert response.status_code == 200
    assert len(thirty) == len(one)
    assert "30 sessions à venir" in html
    # Whether the person is already there is read with the rows, not in a query of its own.
    assert not [q for q in thirty if q["sql"].startswith('SELECT "ateliers_inscription"')]


def test_choice_filters_read_as_rows_still_check_the_value(client):
    """Themes and communes are shown from plain rows; the value asked for is still checked
    against the filter's queryset (an inactive theme is refused)."""
    from tests.ateliers.factories import ThemeFactory
    from tests.inclusion.factories import BeneficiaireFactory

    ctx = setup_atelier()
    session = ctx["session"]
    b = BeneficiaireFactory(structure=session.lieu.structure)
    ferme = ThemeFactory(titre="Ancien <thème>", actif=False)
    url = reverse("ateliers:inscrire_personne", args=[b.uuid])
    response, html, _ = _get(client, ctx["mediateur"], url, {"theme": session.theme.pk})
    assert response.status_code == 200
    assert f'<option value="{session.theme.pk}" selected>{session.theme.titre}</option>' in html
    commune = session.lieu.commune
    assert f'<option value="{commune.pk}">{commune.nom}</option>' in html
    assert "Ancien" not in html
    response, _, _ = _get(client, ctx["mediateur"], url, {"theme": ferme.pk})
    assert response.status_code == 422


# Pages: a count, then the page's rows alone ---------------------------------------------------
# Not one query with COUNT(*) OVER (): PostgreSQL would then join every row in scope and
# compute each one's waiting list before keeping a page (a territory has tens of thousands of
# upcoming sessions); the rows' query stops after its page, the count reads no join.


def _count_queries(queries):
    assert not [q for q in queries if "OVER" in q["sql"]]
    return [q["sql"] for q in queries if "COUNT(*)" in q["sql"].upper()]


def _rows(html, prefix):
    return html.count(prefix)


def test_list_pages_count_then_read_the_page(client):
    ctx = setup_atelier()
    for _ in range(29):
        SessionFactory(lieu=ctx["session"].lieu)
    url = reverse("ateliers:liste")
    response, html, queries = _get(client, ctx["mediateur"], url)
    assert "30 sessions" in html and "Page 1 sur 2" in html
    assert _rows(html, '<td data-col="debut">') == 25
    assert len(_count_queries(queries)) == 1
    response, html, queries = _get(client, ctx["mediateur"], url, {"page": 2})
    assert response.status_code == 200
    assert "30 sessions" in html and "Page 2 sur 2" in html
    assert _rows(html, '<td data-col="debut">') == 5
    assert len(_count_queries(queries)) == 1
    # A page past the last shows the last one, as Paginator.get_page does.
    for page in (9, 0, "abc"):
        response, html, _ = _get(client, ctx["mediateur"], url, {"page": page})
        assert response.status_code == 200
        assert ("Page 1 sur 2" if page == "abc" else "Page 2 sur 2") in html
    response, html, _ = _get(client, ctx["mediateur"], url, {"page": 2, "per_page": 10})
    assert "Page 2 sur 3" in html and _rows(html, '<td data-col="debut">') == 10


def test_list_statut_filter(client):
    from ateliers.enums import StatutSession
    from ateliers.models import Session

    ctx = setup_atelier()
    annulee = SessionFactory(lieu=ctx["session"].lieu)
    Session.objects.filter(pk=annulee.pk).update(statut=StatutSession.ANNULEE)
    url = reverse("ateliers:liste")
    response, html, _ = _get(client, ctx["mediateur"], url, {"statut": "annulee"})
    assert response.status_code == 200
    assert "1 session" in html and "Session annulée" in html
    assert reverse("ateliers:session_detail", args=[annulee.pk]) in html
    assert reverse("ateliers:session_detail", args=[ctx["session"].pk]) not in html
    assert '<option value="annulee" selected>' in html
    response, _, _ = _get(client, ctx["mediateur"], url, {"statut": "inconnu"})
    assert response.status_code == 422


def test_choice_pages_count_then_read_the_page(client):
    from tests.inclusion.factories import BeneficiaireFactory

    ctx = setup_atelier()
    b = BeneficiaireFactory(structure=ctx["session"].lieu.structure)
    for _ in range(29):
        SessionFactory(lieu=ctx["session"].lieu)
    url = reverse("ateliers:inscrire_personne", args=[b.uuid])
    response, html, queries = _get(client, ctx["mediateur"], url)
    assert "30 sessions à venir" in html and "Page 1 sur 2" in html
    assert _rows(html, '<article class="card"') == 20
    assert len(_count_queries(queries)) == 1
    response, html, queries = _get(client, ctx["mediateur"], url, {"page": 2})
    assert "30 sessions à venir" in html and "Page 2 sur 2" in html
    assert _rows(html, '<article class="card"') == 10
    assert len(_count_queries(queries)) == 1
    response, html, _ = _get(client, ctx["mediateur"], url, {"page": 7})
    assert "Page 2 sur 2" in html and _rows(html, '<article class="card"') == 10
    response, html, _ = _get(client, ctx["mediateur"], url, {"du": "2099-01-01"})
    assert response.status_code == 200 and "0 sessions à venir" in html


def test_choice_quartiers_read_as_rows(client):
    """The quartiers are shown as Quartier.__str__ writes them, from one query whatever their
    number (their instances read their commune one query each); the value asked for is
    still checked."""
    from tests.inclusion.factories import BeneficiaireFactory, QuartierFactory

    ctx = setup_atelier()
    b = BeneficiaireFactory(structure=ctx["session"].lieu.structure)
    url = reverse("ateliers:inscrire_personne", args=[b.uuid])
    quartier = QuartierFactory(nom="Les Aubiers <QPV>")
    SessionFactory(lieu=LieuFactory(quartier=quartier))
    response, html, one = _get(client, ctx["mediateur"], url, {"quartier": quartier.pk})
    option = f'<option value="{quartier.pk}" selected>Les Aubiers &lt;QPV&gt; ('
    assert option + f"{quartier.commune.nom})</option>" in html
    for _ in range(3):
        SessionFactory(lieu=LieuFactory(quartier=QuartierFactory()))
    response, html, three = _get(client, ctx["mediateur"], url, {"quartier": quartier.pk})
    assert response.status_code == 200
    assert len(three) == len(one)
    assert "1 session à venir" in html
    response, _, _ = _get(client, ctx["mediateur"], url, {"quartier": QuartierFactory().pk})
    assert response.status_code == 422
