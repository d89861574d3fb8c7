"""Demo diagnostics (registered in diagnostic_hooks.py): three people with a history — two
diagnostics a few weeks apart by the médiatrice (each counted as an activity), a Pix result,
and one by the prescripteur (kept in the file, not counted). Idempotent."""

import datetime

from django.utils import timezone

from inclusion.models import Beneficiaire
from mediation.models import Diagnostic
from mediation.services import diagnostics
from mediation.vocabulaire import OutilDiagnostic

MEDIATRICE = "mediateur@demo.example"
PRESCRIPTEUR = "prescripteur@demo.example"

# (obstacles, scores) before and after a few workshops.
AVANT = (
    ["email"],
    {
        "appareil": 1,
        "recherche": 1,
        "communication": 0,
        "documents": 0,
        "demarches": 0,
        "securite": 1,
        "depannage": 0,
    },
)
APRES = (
    [],
    {
        "appareil": 3,
        "recherche": 2,
        "communication": 2,
        "documents": 1,
        "demarches": 1,
        "securite": 1,
        "depannage": 1,
    },
)
DEBUTANTE = (
    ["materiel", "lecture"],
    {
        "appareil": 0,
        "recherche": 0,
        "communication": 1,
        "documents": 0,
        "demarches": 0,
        "securite": 0,
        "depannage": 0,
    },
)


def _personnes(user, nombre):
    structure_ids = user.memberships.actives().values_list("structure_id", flat=True)
    return list(Beneficiaire.objects.filter(structure_id__in=structure_ids).order_by("pk")[:nombre])


def build(context):
    mediatrice = context["users"].get(MEDIATRICE)
    prescripteur = context["users"].get(PRESCRIPTEUR)
    if mediatrice is None or Diagnostic.objects.filter(auteur=mediatrice).exists():
        return 0
    lieu = context["lieux"].get("Médiathèque Jules-Verne")
    today = timezone.localdate()
    created = 0
    personnes = _personnes(mediatrice, 2)
    if personnes:
        premiere = personnes[0]
        for jours, (obstacles, scores) in ((63, AVANT), (7, APRES)):
            diagnostics.record_diagnostic(
                acteur=mediatrice,
                beneficiaire=premiere,
                obstacles=obstacles,
                scores=scores,
                date=today - datetime.timedelta(days=jours),
                lieu=lieu,
                duree_minutes=15,
            )
            created += 2  # the diagnostic and its activity
        diagnostics.record_resultat_externe(
            acteur=mediatrice,
            beneficiaire=premiere,
            outil=OutilDiagnostic.PIX,
            date=today - datetime.timedelta(days=2),
            resultat="niveau 2 (120 pix)",
        )
        created += 1
    if len(personnes) > 1:
        obstacles, scores = DEBUTANTE
        diagnostics.record_diagnostic(
            acteur=mediatrice,
            beneficiaire=personnes[1],
            obstacles=obstacles,
            scores=scores,
            date=today - datetime.timedelta(days=1),
            lieu=lieu,
            duree_minutes=30,
        )
        created += 2
    if prescripteur is not None:
        for personne in _personnes(prescripteur, 1):
            obstacles, scores = AVANT
            diagnostics.record_diagnostic(
                acteur=prescripteur,
                beneficiaire=personne,
                obstacles=obstacles,
                scores=scores,
                date=today - datetime.timedelta(days=10),
            )
            created += 1
    return created
