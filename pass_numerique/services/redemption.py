"""Checking a code and redeeming a chèque exactly once."""

import contextlib
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.text import capfirst

from inclusion.models import Beneficiaire
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


@dataclass(frozen=True)
class PeriodeService:
    """When the service a chèque pays is given (a workshop session, an appointment), as the
    caller knows it: this layer knows only the times. A chèque for it is cashed from a short
    margin before the start to a few days after the end (settings), never before it starts.
    `nom` names it in the messages ("cette session")."""

    debut: datetime.datetime
    fin: datetime.datetime
    nom: str = "ce service"

    @property
    def ouverture(self):
        minutes = getattr(settings, "PASS_ENCAISSEMENT_AVANCE_MINUTES", 30)
        return self.debut - datetime.timedelta(minutes=minutes)

    @property
    def fermeture(self):
        return self.fin + datetime.timedelta(days=self.delai_jours)

    @property
    def delai_jours(self):
        return getattr(settings, "PASS_ENCAISSEMENT_DELAI_JOURS", 3)


def check_periode(periode, *, now):
    """None while a chèque may be cashed for the service of `periode`, else the refusal."""
    if now < periode.ouverture:
        return _refuse(
            "pas_commence",
            f"{capfirst(periode.nom)} n'a pas encore commencé : un chèque s'encaisse seulement "
            f"quand le service est rendu, à partir du "
            f"{timezone.localtime(periode.ouverture):%d/%m/%Y à %H:%M}.",
        )
    if now > periode.fermeture:
        jours = periode.delai_jours
        return _refuse(
            "hors_periode",
            f"Le délai pour encaisser un chèque pour {periode.nom} est dépassé : c'était "
            f"possible jusqu'au {timezone.localtime(periode.fermeture):%d/%m/%Y à %H:%M} "
            f"({jours} jour{'s' if jours > 1 else ''} après la fin).",
        )
    return None


def check_cheque(*, code, lieu=None, today=None):
    """Say whether the chèque of `code` can be redeemed (at `lieu` when given), or why not."""
    today = today or timezone.localdate()
    try:
        clean = codes.normalize(code)
    except codes.InvalidCode as error:
        return _refuse("code_invalide", error.reason)
    qs = Cheque.objects.select_related("carnet__programme")
    cheque = qs.filter(code_hash=codes.digest(clean)).first()
    if cheque is None:
        if Carnet.objects.filter(code_hash=codes.digest(clean)).exists():
            return _refuse(
                "code_carnet",
                "C'est le code du carnet (sur la couverture), pas celui d'un chèque. "
                "Scannez un chèque détaché.",
            )
        return _refuse("inconnu", "Ce code ne correspond à aucun chèque. Vérifiez la saisie.")
    return evaluate(cheque, lieu=lieu, today=today)


def evaluate(cheque, *, lieu=None, today=None):
    """The reasons of check_cheque for a chèque already loaded (with carnet__programme)."""
    today = today or timezone.localdate()
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
        if (programme.lieux_restreints and not programme.lieux.filter(pk=lieu.pk).exists()) or (
            programme.communes_restreintes
            and not programme.communes.filter(pk=lieu.commune_id).exists()
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


def redeem_cheque(
    *, acteur, lieu, code, prestation, demande_id, reference="", periode=None, now=None
):
    """Redeem the chèque of `code` at `lieu` for a service. Exactly once, whatever happens.

    `periode` (a PeriodeService): the service is given at a set time, and the chèque is cashed
    only within its window; None: the service is given now, the paper chèque in hand.
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
    if check.ok and periode is not None:
        check = check_periode(periode, now=now) or check
    if not check.ok:
        return _same_request_or_refuse(demande_id, check)
    cheque = check.cheque
    fields = _encaissement_fields(
        cheque,
        lieu=lieu,
        acteur=acteur,
        now=now,
        prestation=prestation,
        reference=reference,
        demande_id=demande_id,
        sans_cheque_papier=False,
    )
    encaissement = _write_once(cheque, fields)
    if encaissement is None:
        # Another request cashed it between the check and the write: maybe this very form.
        return _same_request_or_refuse(demande_id, check_cheque(code=code, lieu=lieu))
    return encaissement


def _encaissement_fields(
    cheque, *, lieu, acteur, now, prestation, reference, demande_id, sans_cheque_papier
):
    """What an Encaissement records, whichever door cashed the chèque."""
    return {
        "cheque": cheque,
        "lieu": lieu,
        "programme_id": cheque.carnet.programme_id,
        "valeur": cheque.valeur,
        "encaisse_le": now,
        "encaisse_par": acteur,
        "prestation": prestation,
        "reference": reference[:100],
        "demande_id": demande_id,
        "sans_cheque_papier": sans_cheque_papier,
    }


def _write_once(cheque, fields):
    """The redemption's single write; None when the chèque is no longer valid. A form sent
    twice at the same time (same demande_id) gets the redemption of the one that won."""
    write = _write_postgresql if connection.vendor == "postgresql" else _write_orm
    try:
        return write(cheque, fields)
    except IntegrityError:
        previous = Encaissement.objects.filter(demande_id=fields["demande_id"]).first()
        if previous is not None:
            return previous
        raise


def _write_orm(cheque, fields):
    """Three statements in one transaction (SQLite and any other database)."""
    with transaction.atomic():
        # The conditional UPDATE is the gate: only one caller can move it from valide.
        if not Cheque.objects.filter(pk=cheque.pk, statut=StatutCheque.VALIDE).update(
            statut=StatutCheque.ENCAISSE, change_le=fields["encaisse_le"]
        ):
            return None
        encaissement = Encaissement.objects.create(**fields)
        # One statement for the carnet, on its own columns: a concurrent redemption that
        # committed first is re-read, so the count can never be stale.
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
        if cheque.carnet.beneficiaire_id:
            Beneficiaire.objects.filter(
                pk=cheque.carnet.beneficiaire_id, derniere_activite__lt=fields["encaisse_le"]
            ).update(derniere_activite=fields["encaisse_le"])
    return encaissement


_REDEEM_SQL = """
WITH gate AS (
    UPDATE {cheque} SET statut = %(encaisse)s, change_le = %(now)s
    WHERE id = %(cheque_id)s AND statut = %(valide)s
    RETURNING id, carnet_id
), record AS (
    INSERT INTO {encaissement} (cheque_id, lieu_id, programme_id, valeur, encaisse_le,
                                encaisse_par_id, prestation, reference, demande_id,
                                sans_cheque_papier)
    SELECT id, %(lieu_id)s, %(programme_id)s, %(valeur)s, %(now)s,
           %(user_id)s, %(prestation)s, %(reference)s, %(demande_id)s,
           %(sans_cheque_papier)s
    FROM gate
    RETURNING id
), counter AS (
    UPDATE {carnet}
    SET nb_cheques_utilises = nb_cheques_utilises + 1,
        statut = CASE WHEN nb_cheques_utilises >= nb_cheques - 1
                      THEN %(epuise)s ELSE %(entame)s END
    WHERE id = (SELECT carnet_id FROM gate) AND statut = ANY(%(utilisables)s)
), activity AS (
    -- the socle's "last activity" of the person, in the same statement (same effect as
    -- inclusion.services.beneficiaires.touch_activity, without a second round trip)
    UPDATE {beneficiaire} SET derniere_activite = %(now)s
    WHERE id = (SELECT beneficiaire_id FROM {carnet} WHERE id = (SELECT carnet_id FROM gate))
      AND derniere_activite < %(now)s
)
SELECT id FROM record
"""


def _write_postgresql(cheque, fields):
    """The same three changes as _write_orm in ONE statement: atomic by itself, one round
    trip and one commit. The conditional UPDATE (gate) still decides, the OneToOne and the
    unique demande_id still back it."""
    sql = _REDEEM_SQL.format(
        cheque=Cheque._meta.db_table,
        encaissement=Encaissement._meta.db_table,
        carnet=Carnet._meta.db_table,
        beneficiaire=Beneficiaire._meta.db_table,
    )
    params = {
        "encaisse": StatutCheque.ENCAISSE.value,
        "valide": StatutCheque.VALIDE.value,
        "epuise": StatutCarnet.EPUISE.value,
        "entame": StatutCarnet.ENTAME.value,
        "utilisables": [s.value for s in CARNET_UTILISABLE],
        "now": fields["encaisse_le"],
        "cheque_id": cheque.pk,
        "lieu_id": fields["lieu"].pk,
        "programme_id": fields["programme_id"],
        "valeur": fields["valeur"],
        "user_id": fields["encaisse_par"].pk,
        "prestation": fields["prestation"],
        "reference": fields["reference"],
        "demande_id": fields["demande_id"],
        "sans_cheque_papier": fields["sans_cheque_papier"],
    }
    # One statement is atomic by itself; inside a caller's transaction, a savepoint lets the
    # caller recover from a duplicate demande_id.
    guard = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with guard, connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    encaissement = Encaissement(pk=row[0], **fields)
    encaissement._state.adding = False
    return encaissement


def _same_request(demande_id, check):
    """The redemption of this very request, when the form was submitted twice."""
    if check.reason != "deja_encaisse" or check.encaissement is None:
        return None
    return check.encaissement if check.encaissement.demande_id == demande_id else None


def _same_request_or_refuse(demande_id, check):
    previous = _same_request(demande_id, check)
    if previous is None:
        raise RedemptionRefused(check)
    return previous


def redeem_own_cheque(
    *, acteur, lieu, beneficiaire, prestation, demande_id, periode, reference="", now=None
):
    """Redeem one of the person's own valid chèques (the médiateur picks it in front of the
    person, e.g. at attendance): the one that expires first. Same rules and same single write
    as redeem_cheque; no code is typed, so nothing to rate-limit.

    Without the paper chèque nothing proves the person came but the médiateur's word: the
    service window (`periode`, required) always applies, and the row says "sans chèque
    papier" so that the statement and the coordinators' dashboard show it."""
    if not perms.can_redeem(acteur, lieu):
        raise PermissionDenied(
            "Vous pouvez encaisser seulement dans un lieu qualifié de votre structure, "
            "en tant que médiateur."
        )
    previous = Encaissement.objects.filter(demande_id=demande_id).first()
    if previous is not None:
        return previous
    now = now or timezone.now()
    if periode is None:
        raise TypeError("redeem_own_cheque needs the PeriodeService of the service paid.")
    refus = check_periode(periode, now=now)
    if refus is not None:
        raise RedemptionRefused(refus)
    today = timezone.localdate(now)
    candidates = (
        Cheque.objects.select_related("carnet__programme")
        .filter(
            carnet__beneficiaire=beneficiaire,
            carnet__statut__in=CARNET_UTILISABLE,
            statut=StatutCheque.VALIDE,
        )
        .order_by("carnet__fin_validite", "carnet_id", "rang")[:20]
    )
    last_refusal = None
    for cheque in candidates:
        check = evaluate(cheque, lieu=lieu, today=today)
        if not check.ok:
            last_refusal = check
            continue
        fields = _encaissement_fields(
            cheque,
            lieu=lieu,
            acteur=acteur,
            now=now,
            prestation=prestation,
            reference=reference,
            demande_id=demande_id,
            sans_cheque_papier=True,
        )
        encaissement = _write_once(cheque, fields)
        if encaissement is not None:
            return encaissement
    # The same form sent twice at the same time may have taken the last chèque: its answer.
    previous = Encaissement.objects.filter(demande_id=demande_id).first()
    if previous is not None:
        return previous
    raise RedemptionRefused(
        last_refusal
        if last_refusal is not None
        and last_refusal.reason in ("hors_perimetre", "lieu_non_qualifie")
        else CodeCheck(
            ok=False,
            reason="aucun_cheque",
            message=f"{beneficiaire.prenom} n'a plus de chèque valable. "
            "Scannez un chèque qu'elle a apporté, ou notez la présence sans chèque.",
        )
    )
