import html

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from ateliers.enums import StatutSession
from ateliers.templatetags.ateliers_mots import est_complet, places_en_mots, quand_en_mots
from inclusion.tables import Colonne, Tableau, libelles


def _debut():
    # One reverse() for the page: only the primary key changes from row to row.
    prefixe, suffixe = reverse("ateliers:session_detail", args=[987654321]).split("987654321")
    prefixe, suffixe = html.escape(prefixe), html.escape(suffixe)
    return lambda s: mark_safe(
        f'<a href="{prefixe}{s.pk}{suffixe}">{html.escape(quand_en_mots(s).capitalize())}</a>'
    )


class SessionTable(Tableau):
    """Rows are plain tuples (`SessionQuerySet.for_table`), not Session instances: what the
    cells show, read with one query and no model machinery per row."""

    vide = "Aucune session ne correspond à votre recherche."
    legende = "Sessions"

    def __init__(self, queryset, request, **kwargs):
        statut = libelles(StatutSession.choices)
        self.colonnes = [
            Colonne("debut", "Date", _debut(), tri=("debut",)),
            Colonne("theme", "Atelier", lambda s: s.theme__titre, tri=["theme__titre"]),
            Colonne(
                "lieu",
                "Lieu",
                lambda s: f"{s.lieu__nom} ({s.lieu__commune__nom})",
                tri=["lieu__nom"],
            ),
            Colonne("places", "Places", places_en_mots),
            Colonne("statut", "Statut", lambda s: statut(s.statut), tri=["statut"]),
        ]
        super().__init__(queryset, request, **kwargs)


def cartes_choix(lignes, beneficiaire):
    """The cards of the choice of a session for a person (ateliers/pro/inscrire_personne.html),
    from SessionQuerySet.for_choice rows: the HTML of the template loop they replace, built
    once in Python (a template per card was most of the page's time)."""
    # One reverse() for the page: only the session's key changes from card to card.
    modele = reverse("ateliers:inscrire_confirmer", args=[987654321, beneficiaire.uuid])
    prefixe, suffixe = (html.escape(part) for part in modele.split("987654321"))
    cartes = []
    for s in lignes:
        titre = html.escape(s.theme__titre)
        quand = quand_en_mots(s)
        lieu = f"{html.escape(s.lieu__nom)}, {html.escape(s.lieu__commune__nom)}"
        if s.lieu__quartier__nom is not None:
            lieu += f" ({html.escape(s.lieu__quartier__nom)})"
        if s.deja_inscrit:
            action = '<p><span class="badge">Déjà inscrite ou en attente</span></p>'
        else:
            bouton = "Mettre sur la liste d'attente" if est_complet(s) else "Choisir"
            action = (
                f'<p><a class="button button--secondary" href="{prefixe}{s.pk}{suffixe}'
                f'?depuis=dossier">{bouton}<span class="visually-hidden"> : '
                f"{titre}, {html.escape(quand)}</span></a></p>"
            )
        cartes.append(
            f'\n  <article class="card" aria-labelledby="session-{s.pk}">\n'
            f'    <h2 id="session-{s.pk}">{titre}</h2>\n'
            f"    <p>{html.escape(capfirst(quand))}</p>\n"
            f"    <p>{lieu}</p>\n"
            f"    <p><strong>{html.escape(places_en_mots(s))}</strong></p>\n"
            f"    \n    {action}\n    \n  </article>\n  "
        )
    return mark_safe("".join(cartes))
