"""Checking a code and redeeming a chèque exactly once."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from inclusion.models import Journal
from inclusion.services.beneficiaires import touch_activity
from inclusion.services.journal import write_journal
from pass_numerique import codes, perms
from pass_numerique.enums import CARNET_UTILISABLE, StatutCarnet, StatutCheque, StatutProgramme
from pass_numerique.models import Carnet, Cheque, Encaissement

MAX_FAILED_CHECKS = 10
FAILED_CHECKS_WINDOW = datetime.timedelta(minutes=15)


@dataclass
class CodeCheck:
    """The answer to "is this chèque good here?". `reason` is a stable key, `message` French."""

    ok: bool
    reason: str
    message: str
    cheque: Cheque | None = None
    encaissement: Encaissement | None = None

    @property
    def carnet(self):
        return self.cheque.carnet if self.cheque else None


class TooManyAttempts(Exception):
    message = (
        "Trop de codes faux en peu de temps. Attendez 15 minutes avant de réessayer. "
        "Si une personne a un problème avec son pass, appelez le numéro d'aide."
    )


class RedemptionRefused(Exception):
    def __init__(self, check):
        super().__init__(check.message)
        self.check = check


def _refuse(reason, message, **kwargs):
    return CodeCheck(ok=False, reason=reason, message=message, **kwargs)


def check_cheque(*, code, lieu=None, today=None):
    """Say whether the chèque of `code` can be redeemed (at `lieu` when given), or why not."""
    today = today or timezone.localdate()
    try:
        clean = codes.normalize(code)
    except codes.InvalidCode as error:
        return _refuse("code_invalide", error.reason)
    cheque = (
        Cheque.objects.select_related("carnet__programme", "carnet__beneficiaire")
        .filter(code_hash=codes.digest(clean))
        .first()
    )
    if cheque is None:
        if Carnet.objects.filter(code_hash=codes.digest(clean)).exists():
            return _refuse(
                "code_carnet",
                "C'est le code du carnet (sur la couverture), pas celui d'un chèque. "
                "Scannez un chèque détaché.",
            )
        return _refuse("inconnu", "Ce code ne correspond à aucun chèque. Vérifiez la saisie.")
    carnet, programme = cheque.carnet, cheque.carnet.programme
    if cheque.statut in (StatutCheque.ENCAISSE, StatutCheque.REMBOURSE):
        enc = Encaissement.objects.select_related("lieu").filter(cheque=cheque).first()
        when = timezone.localtime(enc.encaisse_le) if enc else None
        where = enc.lieu.nom if enc else "un lieu"
        message = "Ce chèque a déjà été utilisé"
        if when:
            message += f" le {when:%d/%m/%Y à %H:%M}, à {where}"
        return _refuse("deja_encaisse", message + ".", cheque=cheque, encaissement=enc)
    if carnet.statut == StatutCarnet.BLOQUE:
        return _refuse(
            "bloque",
            "Ce carnet a été bloqué (perdu ou remplacé) : ses chèques ne sont plus valables.",
            cheque=cheque,
        )
    if carnet.statut == StatutCarnet.ANNULE or cheque.statut == StatutCheque.ANNULE:
        return _refuse("annule", "Ce chèque a été annulé.", cheque=cheque)
    if (
        cheque.statut == StatutCheque.EXPIRE
        or carnet.statut == StatutCarnet.EXPIRE
        or today > programme.date_limite
    ):
        return _refuse(
            "expire",
            f"Ce chèque a expiré : il était valable jusqu'au {programme.fin_validite:%d/%m/%Y}.",
            cheque=cheque,
        )
    if programme.statut != StatutProgramme.ACTIF or carnet.statut not in CARNET_UTILISABLE:
        return _refuse("programme_inactif", "Ce programme est clos.", cheque=cheque)
    if lieu is not None:
        if not lieu.qualifie_pass:
            return _refuse(
                "lieu_non_qualifie",
                f"{lieu.nom} n'est pas qualifié pour accepter le pass numérique.",
                cheque=cheque,
            )
        lieux = programme.lieux.all()
        communes = programme.communes.all()
        if (lieux.exists() and not lieux.filter(pk=lieu.pk).exists()) or (
            communes.exists() and not communes.filter(pk=lieu.commune_id).exists()
        ):
            return _refuse(
                "hors_perimetre",
                f"Ce chèque du programme « {programme.nom} » n'est pas accepté à {lieu.nom}.",
                cheque=cheque,
            )
    return CodeCheck(
        ok=True,
        reason="valide",
        message=(
            f"Chèque valable : {cheque.valeur:.2f} €, jusqu'au {programme.date_limite:%d/%m/%Y}."
        ),
        cheque=cheque,
    )


def ensure_can_try(user, now=None):
    """Raise TooManyAttempts after 10 failed checks in 15 minutes for this account."""
    now = now or timezone.now()
    failures = Journal.objects.filter(
        acteur_id=user.pk, action="code.echec", quand__gte=now - FAILED_CHECKS_WINDOW
    ).count()
    if failures >= MAX_FAILED_CHECKS:
        write_journal(acteur=user, action="code.trop_de_tentatives")
        raise TooManyAttempts()


def record_check(user, check):
    """Journal a failed check (never the code itself); successes are journalised at redemption."""
    if not check.ok and check.reason in ("code_invalide", "inconnu"):
        write_journal(acteur=user, action="code.echec", details={"raison": check.reason})


def checked_by(*, user, code, lieu=None):
    """Rate-limited check for a signed-in user (views, kiosk)."""
    ensure_can_try(user)
    check = check_cheque(code=code, lieu=lieu)
    record_check(user, check)
    return check


def redeem_cheque(*, acteur, lieu, code, prestation, demande_id, reference="", now=None):
    """Redeem the chèque of `code` at `lieu` for a service. Exactly once, whatever happens.

    A re-submitted form (same demande_id) returns the first redemption and creates nothing.
    """
    if not perms.can_redeem(acteur, lieu):
        raise PermissionDenied(
            "Vous pouvez encaisser seulement dans un lieu qualifié de votre structure, "
            "en tant que médiateur."
        )
    previous = Encaissement.objects.filter(demande_id=demande_id).first()
    if previous is not None:
        return previous
    now = now or timezone.now()
    ensure_can_try(acteur, now)
    check = check_cheque(code=code, lieu=lieu, today=timezone.localdate(now))
    record_check(acteur, check)
    if not check.ok:
        raise RedemptionRefused(check)
    cheque = check.cheque
    try:
        with transaction.atomic():
            # The conditional UPDATE is the gate: only one caller can move it from valide.
            if not Cheque.objects.filter(pk=cheque.pk, statut=StatutCheque.VALIDE).update(
                statut=StatutCheque.ENCAISSE, change_le=now
            ):
                raise RedemptionRefused(check_cheque(code=code, lieu=lieu))
            encaissement = Encaissement.objects.create(
                cheque=cheque,
                lieu=lieu,
                programme=cheque.carnet.programme,
                valeur=cheque.valeur,
                encaisse_le=now,
                encaisse_par=acteur,
                prestation=prestation,
                reference=reference[:100],
                demande_id=demande_id,
            )
            carnet = cheque.carnet
            Carnet.objects.filter(
                pk=carnet.pk, statut__in=(StatutCarnet.EMIS, StatutCarnet.REMIS)
            ).update(statut=StatutCarnet.ENTAME)
            if not Cheque.objects.filter(carnet=carnet, statut=StatutCheque.VALIDE).exists():
                Carnet.objects.filter(pk=carnet.pk, statut=StatutCarnet.ENTAME).update(
                    statut=StatutCarnet.EPUISE
                )
            write_journal(
                acteur=acteur,
                action="cheque.encaissement",
                objet=cheque,
                structure=lieu.structure,
                details={"lieu": lieu.pk, "prestation": prestation, "carnet": carnet.pk},
            )
    except IntegrityError:
        # Same demande_id submitted twice at the same time: the other one won.
        previous = Encaissement.objects.filter(demande_id=demande_id).first()
        if previous is not None:
            return previous
        raise
    if carnet.beneficiaire_id:
        touch_activity(beneficiaire=carnet.beneficiaire, quand=now)
    return encaissement
