from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from ateliers.enums import StatutSession
from ateliers.templatetags.ateliers_mots import est_complet, places_en_mots
from inclusion.mots_du_temps import plage_en_mots

# HTML: what html.escape writes, in one call; the pages below escape every text of every row.
from inclusion.tables import HTML, VIDE, Colonne, Tableau, libelles


def _gabarit(nom, *args):
    """The escaped parts of the URL `nom` around the session's key (987654321): one
    reverse() for the page, only the key changes from row to row."""
    prefixe, suffixe = reverse(nom, args=[987654321, *args]).split("987654321")
    return prefixe.translate(HTML), suffixe.translate(HTML)


class SessionTable(Tableau):
    """Rows are plain tuples (`SessionQuerySet.for_table`), not Session instances: what the
    cells show, read with one query and no model machinery per row. Each column's cell
    function returns its HTML, escaped; `_ligne` writes a row from them in one string."""

    vide = "Aucune session ne correspond à votre recherche."
    legende = "Sessions"

    def __init__(self, queryset, request, **kwargs):
        statut = libelles(StatutSession.choices)
        prefixe, suffixe = _gabarit("ateliers:session_detail")
        # The page's day: each row's date says its year only when it is not this one.
        aujourdhui = timezone.localdate()
        self.colonnes = [
            Colonne(
                "debut",
                "Date",
                lambda s: (
                    f'<a href="{prefixe}{s.pk}{suffixe}">'
                    f"{plage_en_mots(s.debut, s.fin, now=aujourdhui).capitalize().translate(HTML)}"
                    "</a>"
                ),
                tri=("debut",),
            ),
            Colonne(
                "theme",
                "Atelier",
                lambda s: s.theme__titre.translate(HTML) or VIDE,
                tri=["theme__titre"],
            ),
            Colonne(
                "lieu",
                "Lieu",
                lambda s: f"{s.lieu__nom} ({s.lieu__commune__nom})".translate(HTML),
                tri=["lieu__nom"],
            ),
            Colonne("places", "Places", lambda s: places_en_mots(s).translate(HTML)),
            Colonne("statut", "Statut", lambda s: statut(s.statut).translate(HTML), tri=["statut"]),
        ]
        super().__init__(queryset, request, **kwargs)

    def _ligne(self, record):
        # Tableau._ligne with cells already HTML and never empty (VIDE written above).
        return SafeString(
            "".join([f'<td data-col="{c.nom}">{c.cellule(record)}</td>' for c in self.colonnes])
        )


def cartes_choix(lignes, beneficiaire):
    """The cards of the choice of a session for a person (ateliers/pro/inscrire_personne.html),
    from SessionQuerySet.for_choice rows: the HTML of the template loop they replace, built
    once in Python (a template per card was most of the page's time)."""
    prefixe, suffixe = _gabarit("ateliers:inscrire_confirmer", beneficiaire.uuid)
    aujourdhui = timezone.localdate()
    cartes = []
    for s in lignes:
        titre = s.theme__titre.translate(HTML)
        quand = plage_en_mots(s.debut, s.fin, now=aujourdhui)
        lieu = f"{s.lieu__nom}, {s.lieu__commune__nom}".translate(HTML)
        if s.lieu__quartier__nom is not None:
            lieu += f" ({s.lieu__quartier__nom.translate(HTML)})"
        if s.deja_inscrit:
            action = '<p><span class="badge">Déjà inscrite ou en attente</span></p>'
        else:
            bouton = "Mettre sur la liste d'attente" if est_complet(s) else "Choisir"
            action = (
                f'<p><a class="button button--secondary" href="{prefixe}{s.pk}{suffixe}'
                f'?depuis=dossier">{bouton}<span class="visually-hidden"> : '
                f"{titre}, {quand.translate(HTML)}</span></a></p>"
            )
        cartes.append(
            f'\n  <article class="card" aria-labelledby="session-{s.pk}">\n'
            f'    <h2 id="session-{s.pk}">{titre}</h2>\n'
            f"    <p>{(quand[0].upper() + quand[1:]).translate(HTML)}</p>\n"  # capfirst
            f"    <p>{lieu}</p>\n"
            f"    <p><strong>{places_en_mots(s).translate(HTML)}</strong></p>\n"
            f"    \n    {action}\n    \n  </article>\n  "
        )
    return mark_safe("".join(cartes))
