"""Issuing carnets from an envelope, handing them over, blocking and replacing, cancelling.

Every door that issues (the espace pro, a command, the admin) calls `deliver_carnets` or
`replace_carnet`: the booklet is made in the issuing transaction, the links texted after it."""

import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from inclusion.models import Beneficiaire
from inclusion.services.beneficiaires import touch_activity
from inclusion.services.journal import write_journal
from inclusion.sms import send_sms
from inclusion.sms.textes import render as render_texte
from pass_numerique import codes, perms
from pass_numerique.enums import (
    CARNET_UTILISABLE,
    MotifFermeture,
    StatutCarnet,
    StatutCheque,
    StatutProgramme,
)
from pass_numerique.models import Carnet, Cheque, Enveloppe


@dataclass
class IssuedCarnet:
    """A carnet just issued, with its clear codes: they exist only in this object."""

    carnet: Carnet
    code: str
    cheque_codes: list = field(default_factory=list)  # [(Cheque, clear code)]


class AlreadyIssued(Exception):
    """The same request was already served; its codes cannot be shown again."""

    def __init__(self, carnets):
        super().__init__("Ce pass a déjà été délivré.")
        self.carnets = carnets


def _new_codes(n):
    """n distinct codes (a collision in 80 bits is astronomically unlikely, but cheap to rule
    out within the batch; the unique index rules it out across batches)."""
    result = set()
    while len(result) < n:
        result.add(codes.generate())
    return list(result)


def _create_carnet(
    *,
    programme,
    enveloppe,
    structure,
    beneficiaire,
    nb,
    acteur,
    now,
    demande_id=None,
    remplace=None,
    statut=StatutCarnet.EMIS,
    remis_le=None,
):
    carnet_code, *cheque_codes = _new_codes(nb + 1)
    carnet = Carnet.objects.create(
        programme=programme,
        enveloppe=enveloppe,
        structure=structure,
        beneficiaire=beneficiaire,
        code_hash=codes.digest(carnet_code),
        statut=statut,
        nb_cheques=nb,
        fin_validite=programme.fin_validite,
        emis_le=now,
        emis_par=acteur,
        remis_le=remis_le,
        remplace=remplace,
        demande_id=demande_id,
    )
    cheques = Cheque.objects.bulk_create(
        [
            Cheque(
                carnet=carnet,
                rang=i + 1,
                code_hash=codes.digest(code),
                valeur=programme.valeur_cheque,
            )
            for i, code in enumerate(cheque_codes)
        ]
    )
    return IssuedCarnet(
        carnet=carnet, code=carnet_code, cheque_codes=list(zip(cheques, cheque_codes, strict=True))
    )


@transaction.atomic
def issue_carnets(*, acteur, enveloppe, beneficiaire=None, nombre=1, demande_id=None, now=None):
    """Issue `nombre` carnets to a person from an envelope; returns their clear codes once.

    The envelope is consumed with one conditional UPDATE: concurrent issuing can never take
    it below zero (a CHECK constraint backs it).
    """
    now = now or timezone.now()
    if not perms.can_issue_carnet(acteur, enveloppe):
        raise PermissionDenied("Seuls les prescripteurs de cette structure délivrent ce pass.")
    if demande_id is not None:
        previous = list(Carnet.objects.filter(demande_id=demande_id))
        if previous:
            raise AlreadyIssued(previous)
    programme = enveloppe.programme
    if programme.statut != StatutProgramme.ACTIF:
        raise ValidationError(
            "Ce programme n'est pas actif : il ne permet pas de délivrer de pass."
        )
    today = timezone.localdate(now)
    if today >= programme.date_blocage_emission:
        raise ValidationError(
            f"Le programme se termine le {programme.fin_validite:%d/%m/%Y} : il est trop tard "
            "pour délivrer un nouveau carnet."
        )
    if not 1 <= nombre <= 5:
        raise ValidationError("On délivre de 1 à 5 carnets à la fois.")
    if beneficiaire is None:
        if not programme.anonyme_autorise:
            raise ValidationError("Ce programme demande d'inscrire la personne.")
    else:
        if not Beneficiaire.objects.for_user(acteur).filter(pk=beneficiaire.pk).exists():
            raise PermissionDenied("Cette personne n'est pas suivie par votre structure.")
        communes = list(programme.communes.values_list("pk", flat=True))
        if communes and beneficiaire.commune_id not in communes:
            raise ValidationError(
                "Cette personne n'habite pas une commune couverte par ce programme."
            )
    total = nombre * programme.cheques_par_carnet
    consumed = Enveloppe.objects.filter(
        pk=enveloppe.pk, nb_cheques_emis__lte=F("nb_cheques") - total
    ).update(nb_cheques_emis=F("nb_cheques_emis") + total)
    if consumed != 1:
        enveloppe.refresh_from_db()
        raise ValidationError(
            f"Il reste {enveloppe.solde} chèque(s) dans l'enveloppe : pas assez pour "
            f"{nombre} carnet(s) de {programme.cheques_par_carnet} chèques."
        )
    issued = [
        _create_carnet(
            programme=programme,
            enveloppe=enveloppe,
            structure=enveloppe.structure,
            beneficiaire=beneficiaire,
            nb=programme.cheques_par_carnet,
            acteur=acteur,
            now=now,
            demande_id=demande_id,
        )
        for _ in range(nombre)
    ]
    for item in issued:
        write_journal(
            acteur=acteur,
            action="carnet.emission",
            objet=item.carnet,
            structure=enveloppe.structure,
            details={"programme": programme.pk, "cheques": item.carnet.nb_cheques},
        )
    if beneficiaire is not None:
        touch_activity(beneficiaire=beneficiaire, quand=now)
    return issued


@transaction.atomic
def hand_over(*, acteur, carnet, now=None):
    """The person received the paper carnet: émis → remis."""
    if not perms.can_manage_carnet(acteur, carnet):
        raise PermissionDenied("Vous ne pouvez pas modifier ce carnet.")
    now = now or timezone.now()
    if not Carnet.objects.filter(pk=carnet.pk, statut=StatutCarnet.EMIS).update(
        statut=StatutCarnet.REMIS, remis_le=now
    ):
        raise ValidationError("Ce carnet a déjà été remis, ou il n'est plus utilisable.")
    write_journal(acteur=acteur, action="carnet.remise", objet=carnet, structure=carnet.structure)
    carnet.refresh_from_db()
    return carnet


def _close_carnet(*, carnet, statut):
    """Move a usable carnet to `statut` and cancel its valid chèques; returns how many.

    Chèques first, then the carnet: the order in which a redemption takes the same locks
    (chèque, then carnet). The other order deadlocked against a redemption (race test)."""
    with transaction.atomic():
        cancelled = Cheque.objects.filter(carnet=carnet, statut=StatutCheque.VALIDE).update(
            statut=StatutCheque.ANNULE
        )
        if not Carnet.objects.filter(pk=carnet.pk, statut__in=CARNET_UTILISABLE).update(
            statut=statut
        ):
            raise ValidationError(
                "Ce carnet n'est plus utilisable : il est déjà bloqué, annulé ou fini."
            )
    return cancelled


def _motif(motif):
    """A MotifFermeture key ("" when none): the journal never holds typed text."""
    if motif and motif not in MotifFermeture.values:
        raise ValidationError(
            {"motif": ValidationError("Choisissez un motif de la liste.", code="motif_inconnu")}
        )
    return motif or ""


@transaction.atomic
def block_and_replace(*, acteur, carnet, motif="", now=None):
    """A lost carnet (or one to reprint): block it, cancel its unused chèques, and issue a new
    carnet carrying the same number of chèques. Returns the new IssuedCarnet, or None when no
    chèque was left."""
    if not perms.can_manage_carnet(acteur, carnet):
        raise PermissionDenied("Vous ne pouvez pas modifier ce carnet.")
    motif = _motif(motif)
    now = now or timezone.now()
    carnet = Carnet.objects.select_related("programme", "enveloppe", "structure").get(pk=carnet.pk)
    remaining = _close_carnet(carnet=carnet, statut=StatutCarnet.BLOQUE)
    write_journal(
        acteur=acteur,
        action="carnet.blocage",
        objet=carnet,
        structure=carnet.structure,
        details={"cheques_annules": remaining, "motif": motif},
    )
    if remaining == 0:
        return None
    was_handed_over = carnet.remis_le is not None
    item = _create_carnet(
        programme=carnet.programme,
        enveloppe=carnet.enveloppe,
        structure=carnet.structure,
        beneficiaire=carnet.beneficiaire,
        nb=remaining,
        acteur=acteur,
        now=now,
        remplace=carnet,
        statut=StatutCarnet.REMIS if was_handed_over else StatutCarnet.EMIS,
        remis_le=now if was_handed_over else None,
    )
    write_journal(
        acteur=acteur,
        action="carnet.remplacement",
        objet=item.carnet,
        structure=carnet.structure,
        details={"remplace": carnet.pk, "cheques": remaining},
    )
    return item


@transaction.atomic
def cancel_carnet(*, acteur, carnet, motif=""):
    """Issued by mistake: cancel it; its unused chèques go back to the envelope."""
    if not perms.can_manage_carnet(acteur, carnet):
        raise PermissionDenied("Vous ne pouvez pas modifier ce carnet.")
    motif = _motif(motif)
    returned = _close_carnet(carnet=carnet, statut=StatutCarnet.ANNULE)
    Enveloppe.objects.filter(pk=carnet.enveloppe_id).update(
        nb_cheques_emis=F("nb_cheques_emis") - returned
    )
    write_journal(
        acteur=acteur,
        action="carnet.annulation",
        objet=carnet,
        structure=carnet.structure,
        details={"cheques_rendus": returned, "motif": motif},
    )
    return returned


def new_request_id():
    return uuid.uuid4()


# --- Issuing with the booklet, and texting the links ----------------------------------------


@dataclass
class Delivery:
    """Carnets just issued, their booklet (the only copy of the clear codes, never stored) and,
    when asked, what texting their links gave (in French, without codes)."""

    items: list
    pdf: bytes
    sms: list | None = None


SMS_PASS_LIEN = "Votre pass numérique : vos chèques et les lieux où les utiliser sur {lien}"


def sms_body(code):
    """Short, GSM-7 only; coordinators may reword it ("Textes des SMS"). Carries the code:
    never log it."""
    return render_texte(
        "pass_lien", SMS_PASS_LIEN, lien=f"{settings.SITE_URL}/p/{code}", aide=settings.HELP_PHONE
    )


def send_links(*, acteur, items):
    """Text each carnet's link to its holder (the SMS rules decide: consent, hours, budget);
    returns one result per carnet."""
    results = []
    for n, item in enumerate(items, start=1):
        carnet = item.carnet
        result = send_sms(
            beneficiaire=carnet.beneficiaire,
            body=sms_body(item.code),
            kind="pass_lien",
            about=carnet,
            acteur=acteur,
            secrets=(item.code, codes.format_code(item.code)),
        )
        results.append({"numero": carnet.numero, "rang": n, "result": result})
    return results


def _with_booklet(issue):
    """Run `issue()` and render the booklet in the same transaction: if the PDF cannot be
    made, nothing is issued (the codes would be lost)."""
    from pass_numerique.booklet import render_booklet  # WeasyPrint: loaded when first needed

    with transaction.atomic():
        items = issue()
        items = [i for i in (items if isinstance(items, list) else [items]) if i is not None]
        pdf = render_booklet(items, site_url=settings.SITE_URL) if items else b""
    return items, pdf


def deliver_carnets(
    *,
    acteur,
    enveloppe,
    beneficiaire=None,
    nombre=1,
    demande_id=None,
    send_sms_links=False,
    now=None,
):
    """`issue_carnets` with its booklet; then, when asked, each link texted to its holder,
    after the issuing transaction. Raises what `issue_carnets` raises (AlreadyIssued,
    ValidationError, PermissionDenied), and then nothing is issued nor sent."""
    items, pdf = _with_booklet(
        lambda: issue_carnets(
            acteur=acteur,
            enveloppe=enveloppe,
            beneficiaire=beneficiaire,
            nombre=nombre,
            demande_id=demande_id,
            now=now,
        )
    )
    sms = send_links(acteur=acteur, items=items) if send_sms_links else None
    return Delivery(items=items, pdf=pdf, sms=sms)


def replace_carnet(*, acteur, carnet, motif="", now=None):
    """`block_and_replace` with the new carnet's booklet (no items when no chèque was left)."""
    items, pdf = _with_booklet(
        lambda: block_and_replace(acteur=acteur, carnet=carnet, motif=motif, now=now)
    )
    return Delivery(items=items, pdf=pdf)
