"""Prints the README's table of delays, generated from inclusion.conservation.delais() (the
list the purges and the public page read). The README holds it between the markers
<!-- conservation:debut --> and <!-- conservation:fin -->; a test checks they match."""

from django.core.management.base import BaseCommand

from inclusion import conservation

COLONNES = ("Données", "Durée", "À partir de", "Ensuite", "Pourquoi")


def _cellule(texte):
    # A pipe would split the cell; a line break would end the row.
    return " ".join(str(texte).split()).replace("|", "\\|")


def tableau_markdown(delais=None):
    delais = conservation.delais() if delais is None else delais
    lignes = [
        "| " + " | ".join(COLONNES) + " |",
        "|" + "---|" * len(COLONNES),
    ]
    for d in delais:
        cellules = (d.donnees, d.duree_en_mots, d.apres, d.ensuite, d.finalite)
        lignes.append("| " + " | ".join(_cellule(c) for c in cellules) + " |")
    return "\n".join(lignes)


class Command(BaseCommand):
    help = "Affiche le tableau des durées de conservation du README (généré des réglages)."

    def handle(self, *args, **options):
        self.stdout.write(tableau_markdown())
