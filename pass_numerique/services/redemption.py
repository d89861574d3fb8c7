"""Checking a code and redeeming a chèque exactly once."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, F, OuterRef, Value, When
from django.utils import timezone

from inclusion.services.journal import write_journal
from pass_numerique import codes, perms
from pass_numerique.enums import CARNET_UTILISABLE, StatutCarnet, StatutCheque, StatutProgramme
from pass_numerique.models import Carnet, Cheque, Encaissement, Programme

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
    qs = Cheque.objects.select_related("carnet__programme", "carnet__beneficiaire")
    if lieu is not None:
        # The programme's perimeter, read in the same query as the chèque.
        lieux = Programme.lieux.through.objects.filter(programme_id=OuterRef("carnet__programme"))
        communes = Programme.communes.through.objects.filter(
            programme_id=OuterRef("carnet__programme")
        )
        qs = qs.annotate(
            perimetre_lieux=Exists(lieux),
            lieu_dans_perimetre=Exists(lieux.filter(lieu_id=lieu.pk)),
            perimetre_communes=Exists(communes),
            commune_dans_perimetre=Exists(communes.filter(commune_id=lieu.commune_id)),
        )
    cheque = qs.filter(code_hash=codes.digest(clean)).first()
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
        if (cheque.perimetre_lieux and not cheque.lieu_dans_perimetre) or (
            cheque.perimetre_communes and not cheque.commune_dans_perimetre
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


def _failures_key(user):
    return f"pass_numerique:echecs:{user.pk}"


def _recent_failures(user, now):
    return [t for t in cache.get(_failures_key(user), []) if t > now - FAILED_CHECKS_WINDOW]


def ensure_can_try(user, now=None):
    """Raise TooManyAttempts after 10 failed checks in 15 minutes for this account.

    Counted in the cache (Redis in production), so a good check costs no SQL query."""
    now = now or timezone.now()
    if len(_recent_failures(user, now)) >= MAX_FAILED_CHECKS:
        write_journal(acteur=user, action="code.trop_de_tentatives")
        raise TooManyAttempts()


def record_check(user, check, now=None):
    """Count and journal a failed check (never the code itself)."""
    if check.ok or check.reason not in ("code_invalide", "inconnu"):
        return
    now = now or timezone.now()
    failures = [*_recent_failures(user, now), now]
    cache.set(_failures_key(user), failures, timeout=int(FAILED_CHECKS_WINDOW.total_seconds()))
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
    The Encaissement row is the record of who redeemed what, where and when (append-only,
    refused UPDATE and DELETE on PostgreSQL): no separate journal line.
    """
    if not perms.can_redeem(acteur, lieu):
        raise PermissionDenied(
            "Vous pouvez encaisser seulement dans un lieu qualifié de votre structure, "
            "en tant que médiateur."
        )
    now = now or timezone.now()
    ensure_can_try(acteur, now)
    check = check_cheque(code=code, lieu=lieu, today=timezone.localdate(now))
    record_check(acteur, check, now)
    if not check.ok:
        previous = _same_request(demande_id, check)
        if previous is not None:
            return previous
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
                programme_id=cheque.carnet.programme_id,
                valeur=cheque.valeur,
                encaisse_le=now,
                encaisse_par=acteur,
                prestation=prestation,
                reference=reference[:100],
                demande_id=demande_id,
            )
            # One statement for the carnet, on its own columns: PostgreSQL re-reads the row
            # after a concurrent redemption committed, so the count can never be stale.
            Carnet.objects.filter(pk=cheque.carnet_id, statut__in=CARNET_UTILISABLE).update(
                nb_cheques_utilises=F("nb_cheques_utilises") + 1,
                statut=Case(
                    When(
                        nb_cheques_utilises__gte=F("nb_cheques") - 1,
                        then=Value(StatutCarnet.EPUISE),
                    ),
                    default=Value(StatutCarnet.ENTAME),
                ),
            )
    except IntegrityError:
        # Same demande_id submitted twice at the same time: the other one won.
        previous = Encaissement.objects.filter(demande_id=demande_id).first()
        if previous is not None:
            return previous
        raise
    return encaissement


def _same_request(demande_id, check):
    """The redemption of this very request, when the form was submitted twice."""
    if check.reason != "deja_encaisse" or check.encaissement is None:
        return None
    return check.encaissement if check.encaissement.demande_id == demande_id else None
