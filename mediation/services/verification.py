"""Journey 1, "Vérifier un pass": a chèque or a carnet code, in words. Never a redemption.

The per-account rate limit of failed checks is the pass numérique's own (the médiateur's
"Vérifier un chèque" page uses the same functions)."""

from dataclasses import dataclass

from inclusion.mots_du_temps import date_et_annee_en_mots
from pass_numerique.enums import StatutCheque
from pass_numerique.models import Cheque
from pass_numerique.services import mon_pass, redemption

TooManyAttempts = redemption.TooManyAttempts


@dataclass
class Verification:
    ok: bool
    titre: str
    message: str
    raison: str  # stable key, journalised (never the code)
    quoi: str = ""  # "cheque" or "carnet"


def _cheques(n):
    return f"{n} chèque{'s' if n > 1 else ''}"


def check_code(*, user, code):
    """Check a chèque or carnet code for a signed-in kiosk user (rate-limited per account).

    Raises TooManyAttempts. The answer holds no personal data (not even the first name)."""
    check = redemption.checked_by(user=user, code=code, lieu=None)
    if check.reason == "code_carnet":
        return _carnet(code)
    if not check.ok:
        message = check.message
        if check.reason == "deja_encaisse":
            # Not when nor where: that is the person's history, not the kiosk's business.
            message = "Ce chèque a déjà été utilisé : un chèque ne sert qu'une fois."
        return Verification(
            ok=False,
            titre="Ce chèque n'est pas valable",
            message=message,
            raison=check.reason,
            quoi="cheque" if check.cheque else "",
        )
    cheque = check.cheque
    programme = cheque.carnet.programme
    restants = Cheque.objects.filter(carnet_id=cheque.carnet_id, statut=StatutCheque.VALIDE).count()
    return Verification(
        ok=True,
        titre="Chèque valable",
        message=(
            f"Valable : 1 chèque de {cheque.valeur:.0f} €, jusqu'au "
            f"{date_et_annee_en_mots(programme.date_limite)}. "
            f"Dans ce carnet, il reste {_cheques(restants)}."
        ),
        raison="valide",
        quoi="cheque",
    )


def _carnet(code):
    info = mon_pass.lookup(code)
    if info is None:  # cannot happen: check_cheque found the carnet
        return Verification(
            ok=False,
            titre="Code inconnu",
            message="Ce code ne correspond à aucun carnet.",
            raison="inconnu",
        )
    if info.utilisable:
        return Verification(
            ok=True,
            titre="Carnet valable",
            message=(
                f"Valable : {_cheques(info.restants)}, "
                f"jusqu'au {date_et_annee_en_mots(info.date_limite)}."
            ),
            raison="carnet_valide",
            quoi="carnet",
        )
    if info.restants == 0 and info.statut_label:
        message = f"Ce carnet n'a plus de chèque valable (état : {info.statut_label.lower()})."
    else:
        message = "Ce carnet n'est plus valable."
    return Verification(
        ok=False,
        titre="Ce carnet n'est pas valable",
        message=message,
        raison="carnet_non_valable",
        quoi="carnet",
    )
