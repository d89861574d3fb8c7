"""Diagnostics of digital skills kept in a person's file (espace pro), and what every door
shares: the upcoming sessions that suit a result, and the result sent by SMS from the public
site to a number without a file.

Only the espace pro writes a Diagnostic. The kiosk and the public site compute a result with
mediation.diagnostic and store nothing (the SMS outbox keeps the text sent, as for every SMS).
Refusals are ValidationErrors with codes; the journal gets ids and keys, never answers.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ateliers.models import Session
from ateliers.services.notifications import valeurs
from inclusion import limites
from inclusion import perms as socle
from inclusion.services.beneficiaires import touch_activity
from inclusion.services.journal import write_journal
from inclusion.sms import gsm, send_code_sms, window
from inclusion.sms.textes import un_segment
from mediation import diagnostic
from mediation import perms as perms_mediation
from mediation.models import Diagnostic
from mediation.services import activites
from mediation.services.lieux import distance_m
from mediation.vocabulaire import OutilDiagnostic, Thematique

DUREE_DEFAUT = 15  # minutes of the activity a diagnostic counts as
RESULTAT_MAX = 100
ANCIENNETE_MAX = datetime.timedelta(days=5 * 366)  # an external result older than that: a typo
OUTILS_EXTERNES = (OutilDiagnostic.PIX, OutilDiagnostic.ABC_DIAG)


# --- Who may -------------------------------------------------------------------------------


def can_diagnose(user, beneficiaire):
    """A prescripteur, médiateur or coordinateur who may see the person's file runs a
    diagnostic there, records a Pix or ABC Diag result, and reads the history."""
    return socle.can_list_beneficiaires(user) and socle.can_view_beneficiaire(user, beneficiaire)


def counts_as_activite(user):
    """The diagnostic is counted as an activity (La Coop's CRA) when its author records
    activities: médiateurs and coordinateurs. A prescripteur's is kept in the file only."""
    return perms_mediation.can_record_activite(user)


def _refuse(message, code, champ=None):
    erreur = ValidationError(message, code=code)
    raise ValidationError({champ: erreur}) if champ else erreur


def _check_access(acteur, beneficiaire):
    if not can_diagnose(acteur, beneficiaire):
        _refuse("Vous ne pouvez pas faire de diagnostic pour cette personne.", "non_autorise")


def _check_date(date):
    today = timezone.localdate()
    if date is None:
        _refuse("Indiquez la date.", "date_requise", "date")
    if date > today:
        _refuse("La date ne peut pas être dans le futur.", "date_future", "date")
    if today - date > ANCIENNETE_MAX:
        _refuse("Cette date a plus de 5 ans : vérifiez-la.", "date_trop_ancienne", "date")


def _journal(acteur, diag, **details):
    write_journal(
        acteur=acteur,
        action="diagnostic.creation",
        objet=diag,
        structure=diag.structure,
        details={"outil": diag.outil, "beneficiaire": diag.beneficiaire_id, **details},
    )


# --- Writes --------------------------------------------------------------------------------


def record_diagnostic(
    *, acteur, beneficiaire, obstacles, scores, date=None, lieu=None, duree_minutes=None, **champs
):
    """Keep our diagnostic in the person's file. Counted as an individual activity with the
    thématique diagnostic_numerique (autonomie from the scores) when the acteur records
    activities (counts_as_activite); `lieu`, `duree_minutes` and other activity fields
    (type_lieu, commune, materiel) then go to mediation.services.activites.record_individuelle,
    whose field codes come back as they are (lieu_requis…).

    Codes: non_autorise, reponses_incompletes (every area needs a 0–3 score), date_future,
    date_trop_ancienne."""
    _check_access(acteur, beneficiaire)
    date = date or timezone.localdate()
    _check_date(date)
    obstacles = diagnostic.clean_obstacles(obstacles)
    propres = diagnostic.clean_scores(scores)
    if not diagnostic.complet(propres) or len(propres) != len(scores or {}):
        _refuse("Répondez à chaque question.", "reponses_incompletes", "scores")
    resultat = diagnostic.resultat(obstacles, propres)
    with transaction.atomic():
        activite = None
        if counts_as_activite(acteur):
            activite = activites.record_individuelle(
                acteur=acteur,
                beneficiaire=beneficiaire,
                date=date,
                duree_minutes=duree_minutes or DUREE_DEFAUT,
                thematiques=[Thematique.DIAGNOSTIC_NUMERIQUE],
                autonomie=resultat.autonomie,
                **({"lieu": lieu} if lieu is not None else {}),
                **champs,
            )
        diag = Diagnostic.objects.create(
            beneficiaire=beneficiaire,
            structure=activite.structure if activite else beneficiaire.structure,
            auteur=acteur,
            date=date,
            outil=OutilDiagnostic.INCLUSION,
            obstacles=obstacles,
            scores=propres,
            activite=activite,
        )
        _journal(acteur, diag, activite=activite.pk if activite else None)
    touch_activity(beneficiaire=beneficiaire)
    return diag


def record_resultat_externe(*, acteur, beneficiaire, outil, date, resultat):
    """Keep a result typed from Pix or ABC Diag (tool, date, score or level as written).

    Codes: non_autorise, outil_inconnu, resultat_requis, texte_trop_long, date_requise,
    date_future, date_trop_ancienne."""
    _check_access(acteur, beneficiaire)
    if outil not in OUTILS_EXTERNES:
        _refuse("Choisissez Pix ou ABC Diag.", "outil_inconnu", "outil")
    resultat = " ".join((resultat or "").split())
    if not resultat:
        _refuse("Indiquez le score ou le niveau obtenu.", "resultat_requis", "resultat_externe")
    if len(resultat) > RESULTAT_MAX:
        _refuse(
            f"Écrivez le résultat en {RESULTAT_MAX} caractères au plus.",
            "texte_trop_long",
            "resultat_externe",
        )
    _check_date(date)
    with transaction.atomic():
        diag = Diagnostic.objects.create(
            beneficiaire=beneficiaire,
            structure=beneficiaire.structure,
            auteur=acteur,
            date=date,
            outil=outil,
            resultat_externe=resultat,
        )
        _journal(acteur, diag)
    touch_activity(beneficiaire=beneficiaire)
    return diag


# --- Reads ---------------------------------------------------------------------------------


def historique(*, acteur, beneficiaire):
    """The person's diagnostics, newest first, for whoever may see the file (non_autorise)."""
    _check_access(acteur, beneficiaire)
    return Diagnostic.objects.filter(beneficiaire=beneficiaire).select_related(
        "auteur", "structure", "activite"
    )


def resultat_de(diag):
    """Our diagnostic's result (None for a Pix or ABC Diag one)."""
    if diag.outil != OutilDiagnostic.INCLUSION:
        return None
    return diagnostic.resultat(diag.obstacles, diag.scores)


HORIZON = datetime.timedelta(weeks=8)
CANDIDATES = 300


def sessions_pour(resultat, *, commune_id=None, quartier_id=None, proche_de=None, limite=5):
    """The next sessions with seats or a waiting list whose theme suits the result
    (diagnostic.theme_convient), nearest first: same quartier, then same commune, or by
    distance to `proche_de` (a lieu, at the kiosk); then soonest. Two queries."""
    if not resultat.thematiques:
        return []
    now = timezone.now()
    candidates = (
        Session.objects.a_venir(now)
        .filter(debut__lt=now + HORIZON, lieu__actif=True, theme__actif=True)
        .for_display()
        .order_by("debut", "pk")[:CANDIDATES]
    )
    retenues = [s for s in candidates if diagnostic.theme_convient(s.theme, resultat)]

    def proximite(s):
        if proche_de is not None:
            d = distance_m(proche_de, s.lieu)
            return d if d is not None else float("inf")
        if quartier_id and s.lieu.quartier_id == quartier_id:
            return 0
        return 1 if commune_id and s.lieu.commune_id == commune_id else 2

    retenues.sort(key=lambda s: (proximite(s), s.debut))
    choisies = retenues[:limite]
    choisies.sort(key=lambda s: s.debut)
    return choisies


# --- The public site's SMS -----------------------------------------------------------------


class Limite(limites.Limite):
    espace = "diagnostic"


SMS_PAR_IP = Limite("sms_ip", 5, limites.HEURE)
SMS_PAR_TELEPHONE = Limite("sms_tel", 2, limites.HEURE)
KIND_SMS = "diagnostic_resultat"


def texte_sms(resultat, session=None):
    """One GSM-7 SMS in plain words: the themes to learn, the next session, the help phone."""
    apprendre = ", ".join(s.domaine.titre for s in resultat.suggestions[:2]) or "rien de plus"
    v = {"themes": apprendre, "aide": settings.HELP_PHONE}
    if session is not None:
        v.update(valeurs(session))
        modele = (
            "Votre diagnostic. A apprendre : {themes}. Atelier : {titre}, {quand}, {lieu}. "
            "Aide : {aide}"
        )
    else:
        modele = "Votre diagnostic. A apprendre : {themes}. Aide : {aide}"
    return gsm.normalize(
        un_segment(lambda x: modele.format(**x), v, variables=("lieu", "titre", "themes"))
    )


def send_resultat_sms(*, telephone, consentement, resultat, session=None, ip="", now=None):
    """Text the result to a number typed on the public site, nothing kept but the outbox row.
    Explicit consent required; mobiles only; inside the send window (09:00–19:00, Monday to
    Saturday, no holiday: outside it, print instead); at most SMS_PAR_IP an hour from one
    address and SMS_PAR_TELEPHONE to one number; the SMS service's caps and opt-outs apply.

    Codes: consentement_requis, telephone_requis, hors_horaires, trop_de_sms, and the SMS
    service's (landline, hors_zone, opted_out, daily_cap, budget)."""
    now = now or timezone.now()
    if not consentement:
        _refuse(
            "Cochez la case pour accepter de recevoir le SMS.",
            "consentement_requis",
            "consentement",
        )
    if telephone is None:
        _refuse("Indiquez votre numéro de portable.", "telephone_requis", "telephone")
    if not window.is_open(now):
        _refuse(
            "Nous envoyons les SMS de 9 h à 19 h, du lundi au samedi. "
            "Vous pouvez imprimer le résultat.",
            "hors_horaires",
        )
    if SMS_PAR_IP.atteinte(ip) or SMS_PAR_TELEPHONE.atteinte(telephone.e164):
        _refuse("Trop de SMS ont été demandés. Attendez 1 heure.", "trop_de_sms")
    SMS_PAR_IP.record(ip)
    SMS_PAR_TELEPHONE.record(telephone.e164)
    envoi = send_code_sms(
        telephone=telephone,
        body=texte_sms(resultat, session),
        secret="",
        kind=KIND_SMS,
        valid_for=datetime.timedelta(hours=1),
        now=now,
    )
    if not envoi.sent:
        _refuse(envoi.reason, envoi.code or "refus_sms", "telephone")
    write_journal(acteur=None, action="diagnostic.sms", details={"sms": envoi.message.pk})
    return envoi
