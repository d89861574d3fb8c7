"""Pictogram choices of the FALC blocks: the workshop themes' curated Heroicons list
(ateliers/pictogrammes.py) plus a few everyday ideas of the public site."""

from ateliers.pictogrammes import PICTOGRAMMES

GENERAUX = [
    ("information-circle", "Information"),
    ("exclamation-triangle", "Attention"),
    ("light-bulb", "Idée, conseil"),
    ("check-circle", "C'est bon, c'est fait"),
    ("question-mark-circle", "Question"),
    ("phone", "Téléphoner"),
    ("calendar-days", "Date, rendez-vous"),
    ("clock", "Heure, durée"),
    ("map-pin", "Lieu, adresse"),
    ("user", "Une personne"),
    ("user-group", "Un groupe"),
    ("hand-raised", "Demander de l'aide"),
    ("ticket", "Pass numérique, chèque"),
    ("gift", "Gratuit"),
    ("speaker-wave", "Écouter"),
]

CHOIX = GENERAUX + [p for p in PICTOGRAMMES if p[0] not in dict(GENERAUX)]
LIBELLES = dict(CHOIX)
