"""Demo data of the pass numérique, built through the services (registered in apps.py).

Two programmes: one running (ends in 25 days, so its alert list is not empty) and one that
ended last month and was expired. About 40 carnets in every state, redemptions over the last
three months, and one month of statements paid.
"""

import datetime
import random

from django.utils import timezone

from inclusion.models import Beneficiaire
from pass_numerique.enums import Prestation, StatutProgramme
from pass_numerique.models import Enveloppe, Programme, Releve
from pass_numerique.services import expiry, issuance, redemption, reimbursement

RUNNING = "Pass numérique 2026 — Communauté urbaine"
ENDED = "Pass seniors — CCAS de Bellerive (terminé)"


def _programme(*, nom, financeur, fin, cheques_par_carnet, anonyme, communes=()):
    programme = Programme.objects.filter(nom=nom).first()
    if programme is not None:
        return programme, False
    programme = Programme.objects.create(
        nom=nom,
        financeur=financeur,
        valeur_cheque=10,
        cheques_par_carnet=cheques_par_carnet,
        fin_validite=fin,
        tolerance_jours=31,
        anonyme_autorise=anonyme,
        statut=StatutProgramme.ACTIF,
    )
    programme.communes.set(communes)
    return programme, True


def _redeem(cheque_code, *, acteur, lieu, when, rng):
    redemption.redeem_cheque(
        acteur=acteur,
        lieu=lieu,
        code=cheque_code,
        prestation=rng.choice([Prestation.ATELIER, Prestation.ATELIER, Prestation.ACCOMPAGNEMENT]),
        reference="démo",
        demande_id=issuance.new_request_id(),
        now=when,
    )


def build(context):
    """Idempotent: a programme that exists already is left as it is."""
    structures, users, lieux = context["structures"], context["users"], context["lieux"]
    now = timezone.now()
    today = timezone.localdate()
    rng = random.Random(2027)
    created = 0
    coordinateur = users["coordinateur@demo.example"]
    prescripteur_ccas = users["prescripteur@demo.example"]
    prescripteur_fs = users["france-services@demo.example"]
    mediatheque = (users["mediateur@demo.example"], lieux["Médiathèque Jules-Verne"])
    annexe = (users["mediateur@demo.example"], lieux["Annexe de la médiathèque — Les Tilleuls"])
    france_services = (users["france-services@demo.example"], lieux["France Services de Montclair"])

    # --- The programme that ended: issued 8 months ago, partly used, then expired.
    ended, is_new = _programme(
        nom=ENDED,
        financeur=structures["ccas"],
        fin=today - datetime.timedelta(days=45),
        cheques_par_carnet=5,
        anonyme=True,
        communes=[structures["ccas"].commune],
    )
    if is_new:
        created += 1
        enveloppe = Enveloppe.objects.create(
            programme=ended, structure=structures["ccas"], nb_cheques=60
        )
        # The programme covers Bellerive only: people who live there.
        people = Beneficiaire.objects.filter(
            structure=structures["ccas"], commune=structures["ccas"].commune
        ).order_by("pk")[:6]
        issued_at = now - datetime.timedelta(days=240)
        for person in people:
            [item] = issuance.issue_carnets(
                acteur=prescripteur_ccas, enveloppe=enveloppe, beneficiaire=person, now=issued_at
            )
            for _, code in item.cheque_codes[: rng.randint(1, 3)]:
                when = issued_at + datetime.timedelta(days=rng.randint(5, 150))
                _redeem(code, acteur=mediatheque[0], lieu=mediatheque[1], when=when, rng=rng)
            created += 1
        created += expiry.expire_programme(
            programme=ended, today=today, acteur=coordinateur
        ).carnets

    # --- The running programme.
    running, is_new = _programme(
        nom=RUNNING,
        financeur=structures["cu"],
        fin=today + datetime.timedelta(days=25),
        cheques_par_carnet=10,
        anonyme=True,
    )
    if not is_new:
        return created
    created += 1
    envelopes = {
        key: Enveloppe.objects.create(programme=running, structure=structures[key], nb_cheques=n)
        for key, n in (("ccas", 250), ("fs", 200))
    }
    issuers = {"ccas": prescripteur_ccas, "fs": prescripteur_fs}
    places = [mediatheque, annexe, france_services]
    items = []
    for key in ("ccas", "fs"):
        people = list(Beneficiaire.objects.filter(structure=structures[key]).order_by("pk"))
        for i, person in enumerate(people[:15]):
            issued_at = now - datetime.timedelta(days=100 - i * 5)
            [item] = issuance.issue_carnets(
                acteur=issuers[key], enveloppe=envelopes[key], beneficiaire=person, now=issued_at
            )
            items.append((key, issued_at, item))
            created += 1
    # Two anonymous carnets, just issued.
    for _ in range(2):
        [item] = issuance.issue_carnets(
            acteur=prescripteur_fs, enveloppe=envelopes["fs"], beneficiaire=None
        )
        created += 1

    # Every state: some stay émis, most are handed over, used a little, fully, lost, cancelled.
    for n, (key, issued_at, item) in enumerate(items):
        issuer = issuers[key]
        kind = n % 6
        if kind == 0:
            continue  # émis
        issuance.hand_over(
            acteur=issuer, carnet=item.carnet, now=issued_at + datetime.timedelta(hours=1)
        )
        if kind == 1:
            continue  # remis
        used = {2: rng.randint(1, 4), 3: 10, 4: 2, 5: 0}[kind]
        for _, code in item.cheque_codes[:used]:
            acteur, lieu = rng.choice(places)
            when = min(
                issued_at + datetime.timedelta(days=rng.randint(1, 90)),
                now - datetime.timedelta(hours=2),
            )
            _redeem(code, acteur=acteur, lieu=lieu, when=when, rng=rng)
        if kind == 4:
            issuance.block_and_replace(acteur=issuer, carnet=item.carnet, motif="perdu")
            created += 1
        elif kind == 5 and n % 12 == 5:
            issuance.cancel_carnet(acteur=issuer, carnet=item.carnet, motif="erreur")

    # Statements for the months before this one; the oldest is paid.
    first_of_month = today.replace(day=1)
    months = []
    month = first_of_month
    for _ in range(3):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    for month in sorted(months):
        created += len(reimbursement.build_statements(acteur=coordinateur, mois=month))
    oldest = min(months)
    for releve in Releve.objects.filter(mois=oldest):
        reimbursement.mark_paid(
            acteur=coordinateur, releve=releve, paye_le=oldest + datetime.timedelta(days=45)
        )
    return created
