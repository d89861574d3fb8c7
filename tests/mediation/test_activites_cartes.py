"""The cards of "Mes activités" built in Python (mediation.activites_cartes): the same HTML as
the template loop they replace (kept below as the reference), for every kind of card."""

import datetime

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from ateliers.services import attendance
from inclusion.enums import Genre, Statut, TrancheAge
from mediation.activites_cartes import date_longue, totaux_html
from mediation.models import Activite
from mediation.services import activites
from mediation.vocabulaire import Thematique, TypeLieu
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.inclusion.factories import BeneficiaireFactory, member
from tests.mediation.factories_activites import individuelle, setup_activites

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

# The template loop of liste.html before the cards were built in Python.
GABARIT = """{% for a in activites %}
  <li class="activite-carte">
    <h2><a href="{% url 'activites:detail' a.uuid %}">{% if a.type == "collectif" %}Atelier{% if a.titre_atelier %} «&nbsp;{{ a.titre_atelier }}&nbsp;»{% endif %}{% else %}{% for p in a.participants.all %}{% if p.beneficiaire %}{{ p.beneficiaire.nom_affiche }}{% else %}Personne anonyme{% endif %}{% endfor %}{% endif %}</a></h2>
    <p>{{ a.thematiques_labels|join:", " }}</p>
    <p>{{ a.date|date:"l j F Y" }} · {{ a.duree_minutes }}&nbsp;min{% if a.type == "collectif" %} · {{ a.nb_participants }} participant{{ a.nb_participants|pluralize }}{% endif %}</p>
    <p class="activite-carte__meta">{% if a.lieu %}{{ a.lieu.nom }}{% else %}{{ a.get_type_lieu_display }}{% endif %}{% if a.mediateur_id != user_id %} · par {{ a.mediateur.get_full_name|default:a.mediateur.email }}{% endif %}</p>
  </li>
  {% endfor %}"""  # noqa: E501


@pytest.fixture
def ctx():
    return setup_activites()


def _atelier(ctx, titre, presents, anonymes):
    now = timezone.now()
    session = SessionFactory(
        theme=ThemeFactory(thematiques=[Thematique.SECURITE_NUMERIQUE]),
        lieu=ctx["lieu"],
        debut=now - datetime.timedelta(hours=2),
        fin=now - datetime.timedelta(minutes=30),
    )
    for prenom in presents:
        personne = BeneficiaireFactory(structure=ctx["structure"], prenom=prenom)
        attendance.add_walk_in(acteur=ctx["mediateur"], session=session, beneficiaire=personne)
    attendance.close_session(acteur=ctx["mediateur"], session=session)
    session.refresh_from_db()
    return activites.record_collective_from_session(
        acteur=ctx["collegue"] if titre else ctx["mediateur"],
        session=session,
        titre_atelier=titre,
        anonymes=[(Genre.FEMININ, TrancheAge.PLUS_70, Statut.RETRAITE, anonymes)]
        if anonymes
        else [],
    )


def test_cards_are_the_template_loop_html(client, ctx):
    # Every branch: workshops with a title (to escape) and without, 1 and 3 participants;
    # named (with an apostrophe), anonymous and remote records; the author shown by name or,
    # without one, by e-mail; the first of a month ("1", as Django's "j").
    ctx["personne"].prenom, ctx["personne"].nom = "Léa", "O'Neil & <Fils>"
    ctx["personne"].save()
    sans_nom = member(
        "mediateur", structure=ctx["structure"], first_name="", last_name="", email="m@ex.fr"
    )
    _atelier(ctx, 'Smartphone & "sécurité" <débutants>', ["Josiane", "Marc"], 1)
    _atelier(ctx, "", ["Paul"], 0)
    individuelle(ctx, thematiques=[Thematique.EMAIL, Thematique.SOCIAL_SANTE])
    individuelle(
        ctx,
        acteur=sans_nom,
        anonyme={},
        type_lieu=TypeLieu.A_DISTANCE,
        date=datetime.date(2026, 11, 1),
        thematiques=[Thematique.SANTE],
    )
    individuelle(ctx, acteur=ctx["collegue"], date=datetime.date(2026, 10, 31))
    client.force_login(ctx["mediateur"])
    page = client.get(reverse("activites:liste")).content.decode()

    rows = list(Activite.objects.visible_to(ctx["mediateur"]).vivantes().for_list())
    assert len(rows) == 5
    labels = dict(Thematique.choices)
    for a in rows:
        a.thematiques_labels = [labels[t] for t in a.thematiques if t in labels]
    attendu = (
        engines["django"]
        .from_string(GABARIT)
        .render({"activites": rows, "user_id": ctx["mediateur"].pk})
    )
    assert f'<ul class="activites-liste">\n  {attendu}\n</ul>' in page
    # What the reference shows, to be sure each branch was met.
    assert "Atelier «&nbsp;Smartphone &amp; &quot;sécurité&quot; &lt;débutants&gt;&nbsp;»" in page
    assert "3 participants" in page and "1 participant<" in page
    assert "Léa O&#x27;Neil &amp; &lt;Fils&gt;" in page and "Personne anonyme" in page
    assert "dimanche 1 novembre 2026" in page
    assert "À distance (téléphone, visio) · par m@ex.fr" in page
    assert f"par {ctx['collegue'].get_full_name()}" in page


def test_long_date_as_django_date_filter():
    gabarit = engines["django"].from_string('{{ d|date:"l j F Y" }}')
    jour = datetime.date(2026, 1, 1)
    for _ in range(400):
        assert date_longue(jour) == gabarit.render({"d": jour})
        jour += datetime.timedelta(days=1)


# The totals' lines of liste.html before they were built in Python.
GABARIT_TOTAUX = """
  <li><span class="stat__number">{{ totaux.activites }}</span> activité{{ totaux.activites|pluralize }}</li>
  <li><span class="stat__number">{{ totaux.individuels }}</span> individuel{{ totaux.individuels|pluralize }}</li>
  <li><span class="stat__number">{{ totaux.collectifs }}</span> atelier{{ totaux.collectifs|pluralize }}</li>
  <li><span class="stat__number">{{ totaux.participants }}</span> participant{{ totaux.participants|pluralize }}</li>
  <li><span class="stat__number">{% if heures %}{{ heures }}&nbsp;h{% endif %}{% if minutes or not heures %} {{ minutes }}&nbsp;min{% endif %}</span> au total</li>
"""  # noqa: E501


@pytest.mark.parametrize("n", [0, 1, 2, 59, 60, 61, 120, 1_000, 123_456])
def test_totals_as_the_template(n):
    totaux = {
        "activites": n,
        "individuels": n // 2,
        "collectifs": 1,
        "participants": n * 3,
        "duree_minutes": n,
    }
    contexte = {"totaux": totaux, "heures": n // 60, "minutes": n % 60}
    assert totaux_html(totaux) == engines["django"].from_string(GABARIT_TOTAUX).render(contexte)
