"""Issue 18: the pass numérique's part of a person's data over time.

- A legal hold: a chèque of the person's carnets cashed but not reimbursed yet (no statement
  yet, or its statement not paid) keeps its proof — the file that says who received the
  service — until the statement is paid; erasing the file is refused until then. Once paid,
  the chèque is "remboursé" and the hold is lifted.
- An anonymizer: the redemption's reference is typed freely by the médiateur ("nom de
  l'atelier et date") and may name the person; it is blanked (the workshop's own reference,
  written by the system, stays). Carnets, chèques, redemptions and statements keep their rows,
  amounts and dates: the funders' figures and the places' reimbursements do not move.
"""

from django.db import connection

from inclusion import registry
from inclusion.mots_du_temps import MOIS, date_et_annee_en_mots, heure_locale
from pass_numerique.enums import StatutCheque
from pass_numerique.models import Encaissement

# References the system writes itself (a workshop session): they name no one.
REFERENCE_SYSTEME = "ateliers.session#"


def _du_mois(jour):
    """ "de mars 2027", "d'octobre 2026"."""
    nom = MOIS[jour.month - 1]
    de = "d'" if nom[0] in "aeiou" else "de "
    return f"{de}{nom} {jour.year}"


def _mois(encaissement):
    releve = encaissement.cheque.releve
    if releve is not None:
        return f"relevé {_du_mois(releve.mois)} non payé"
    return f"relevé {_du_mois(heure_locale(encaissement.encaisse_le))} pas encore établi"


def cheques_non_rembourses(beneficiaire, now):
    """A chèque of the person's carnets cashed and not reimbursed yet: the proof stays."""
    encaissements = (
        Encaissement.objects.filter(
            cheque__carnet__beneficiaire=beneficiaire, cheque__statut=StatutCheque.ENCAISSE
        )
        .select_related("cheque__releve")
        .order_by("encaisse_le", "pk")
    )
    return [
        registry.Obligation(
            "cheque_non_rembourse",
            f"Un chèque encaissé le {date_et_annee_en_mots(e.encaisse_le)} attend son "
            f"remboursement ({_mois(e)}) : la preuve est gardée jusqu'au paiement.",
        )
        for e in encaissements
    ]


def anonymise_references(ids, now):
    """Redemptions of these people's chèques lose a reference typed freely. On PostgreSQL the
    append-only trigger lets an UPDATE through only inside this transaction's setting, and
    only one that blanks the reference and changes nothing else (migration
    pass_numerique 0004)."""
    a_effacer = (
        Encaissement.objects.filter(cheque__carnet__beneficiaire__in=ids)
        .exclude(reference="")
        .exclude(reference__startswith=REFERENCE_SYSTEME)
    )
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute("SELECT set_config('pass_numerique.anonymisation', 'on', true)")
        n = a_effacer.update(reference="")
        if postgresql:
            cursor.execute("SELECT set_config('pass_numerique.anonymisation', 'off', true)")
    return {"références d'encaissement effacées": n}


registry.register_legal_hold("pass_numerique.cheques", cheques_non_rembourses)
registry.register_anonymizer("pass_numerique.encaissements", anonymise_references)
