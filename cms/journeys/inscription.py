"""Registering oneself to a workshop on the public site, without an account.

The pending registration lives in the person's session (request.session[CLE]), never in a
table: the session, the first name, the number (E.164), the code's keyed hash, when the code
stops working, the wrong tries and the codes sent. Nothing is written in the database before
the right code is typed; then one transaction finds or creates the person and calls
`ateliers.services.registrations.register`, which also sends the confirmation SMS.
"""

import datetime
import secrets
import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from ateliers.enums import Canal, StatutInscription
from ateliers.services.registrations import position, refus_de_la_session, register
from cms.journeys import limites
from inclusion.enums import ModeConsentement
from inclusion.services.beneficiaires import find_or_create_for_registration
from inclusion.services.telephones import parse_phone
from inclusion.sms import send_code_sms
from inclusion.sms.textes import shorten

CLE = "inscription_publique"
CLE_FIN = "inscription_publique_fin"
VALIDITE = 10 * 60  # seconds a code works
ESSAIS_MAX = 5  # wrong codes before a new one must be asked
ENVOIS_MAX = 3  # codes sent for one pending registration
DELAI_RENVOI = 60  # seconds before "Renvoyer le code" works


class Refus(Exception):
    """A French message for the person; `status` is the HTTP status to answer with; `code`
    says why for callers and tests (e.g. "budget", "hors_zone")."""

    def __init__(self, message, status=400, champ=None, code=""):
        super().__init__(message)
        self.message = message
        self.status = status
        self.champ = champ
        self.code = code


def _hash(session_pk, e164, code):
    return salted_hmac("cms.inscription.code", f"{session_pk}:{e164}:{code}").hexdigest()


def _texte_sms(session, code):
    """One SMS whatever the title (up to 80 characters): a long one is shortened."""
    titre = shorten(session.theme.titre_falc, 60)
    return (
        f"Votre code pour l'atelier {titre} : {code}. "
        "Tapez ce code sur le site. Il marche 10 minutes."
    )


def _send_code(request, session, e164, telephone):
    """Check the limits, text a new code; return the new code's hash or raise Refus."""
    ip = limites.client_ip(request)
    if limites.CODES_PAR_IP.atteinte(ip):
        raise Refus(
            "Trop de codes ont été demandés depuis cet appareil. Attendez 1 heure. "
            "Ou appelez-nous.",
            status=429,
        )
    if limites.CODES_PAR_TELEPHONE.atteinte(e164):
        raise Refus(
            "Ce numéro a reçu trop de codes. Attendez 1 heure avant de demander un nouveau code.",
            status=429,
            champ="telephone",
        )
    code = f"{secrets.randbelow(10**6):06d}"
    limites.CODES_PAR_IP.record(ip)
    limites.CODES_PAR_TELEPHONE.record(e164)
    resultat = send_code_sms(
        telephone=telephone,
        body=_texte_sms(session, code),
        secret=code,
        valid_for=datetime.timedelta(seconds=VALIDITE),
    )
    if not resultat.sent:
        if resultat.code == "budget":
            # Too many codes this hour on the whole platform: the help number, not the field.
            raise Refus(resultat.reason, status=429, code="budget")
        raise Refus(resultat.reason, status=422, champ="telephone", code=resultat.code)
    return _hash(session.pk, e164, code)


def start(request, *, session, prenom, telephone):
    """Screen 1 done: text a code and keep the pending registration in the session."""
    code_hash = _send_code(request, session, telephone.e164, telephone)
    request.session[CLE] = {
        "session": session.pk,
        "prenom": prenom,
        "e164": telephone.e164,
        "hash": code_hash,
        "expire": time.time() + VALIDITE,
        "essais": 0,
        "envois": 1,
        "envoye_le": time.time(),
    }
    request.session.pop(CLE_FIN, None)


def leurre(request, *, session):
    """The honeypot was filled: act as if a code was sent, send nothing, keep nothing real."""
    request.session[CLE] = {
        "session": session.pk,
        "leurre": True,
        "expire": time.time() + VALIDITE,
        "essais": 0,
        "envois": 1,
        "envoye_le": time.time(),
    }


def en_cours(request, session):
    """The pending registration of this session, or None."""
    data = request.session.get(CLE)
    if not data or data.get("session") != session.pk:
        return None
    return data


def resend_code(request, *, session):
    """ "Renvoyer le code": a new code, the old one stops working. Raises Refus."""
    data = en_cours(request, session)
    if data is None:
        raise Refus("Recommencez votre inscription.", status=400)
    if time.time() - data["envoye_le"] < DELAI_RENVOI:
        raise Refus("Attendez 1 minute avant de demander un nouveau code.", status=429)
    if data["envois"] >= ENVOIS_MAX:
        raise Refus(
            "Vous avez demandé 3 codes. Recommencez votre inscription dans 1 heure, "
            "ou appelez-nous.",
            status=429,
        )
    if not data.get("leurre"):
        data["hash"] = _send_code(request, session, data["e164"], parse_phone(data["e164"]))
    data.update(
        expire=time.time() + VALIDITE,
        essais=0,
        envois=data["envois"] + 1,
        envoye_le=time.time(),
    )
    request.session[CLE] = data


def check_code(request, *, session, code):
    """Check the typed code. Returns the pending data when it is right; raises Refus."""
    data = en_cours(request, session)
    if data is None:
        raise Refus("Recommencez votre inscription.", status=400)
    ip = limites.client_ip(request)
    if limites.CODES_FAUX_PAR_IP.atteinte(ip):
        raise Refus(
            "Trop de codes faux ont été tapés depuis cet appareil. Attendez 1 heure.", status=429
        )
    if data["essais"] >= ESSAIS_MAX:
        raise Refus(
            f"Vous avez tapé {ESSAIS_MAX} codes faux. Demandez un nouveau code.",
            status=429,
            champ="code",
        )
    if time.time() > data["expire"]:
        raise Refus("Ce code ne marche plus. Demandez un nouveau code.", status=410, champ="code")
    if data.get("leurre"):
        return data
    if not constant_time_compare(_hash(session.pk, data["e164"], code), data["hash"]):
        data["essais"] += 1
        request.session[CLE] = data
        limites.CODES_FAUX_PAR_IP.record(ip)
        reste = ESSAIS_MAX - data["essais"]
        if reste <= 0:
            message = f"Ce code n'est pas bon. Vous avez tapé {ESSAIS_MAX} codes faux. "
            message += "Demandez un nouveau code."
        else:
            message = "Ce code n'est pas bon. Vérifiez le SMS. "
            message += f"Vous pouvez encore essayer {reste} fois."
        raise Refus(message, status=422, champ="code")
    return data


# register()'s refusals about the person name their other workshops: on the public site we
# never say what a number is registered to.
MESSAGE_PERSONNE = (
    "Nous ne pouvons pas vous inscrire à cet atelier. Ce numéro est peut-être déjà inscrit. "
    "Ou il a un autre atelier à la même heure."
)


@dataclass
class Fin:
    """What screen 3 shows."""

    attente: bool
    rang: int | None


def finish(request, *, session, data):
    """Right code: find or create the person and register them, in one transaction."""
    request.session.pop(CLE, None)
    if data.get("leurre"):
        request.session[CLE_FIN] = {"session": session.pk, "leurre": True}
        return Fin(attente=False, rang=None)
    now = timezone.now()
    try:
        with transaction.atomic():
            # The number is proven by the code; the socle's rule finds or creates the file.
            beneficiaire, _ = find_or_create_for_registration(
                structure=session.lieu.structure,
                prenom=data["prenom"],
                telephone=parse_phone(data["e164"]),
                consentement_sms=True,
                mode=ModeConsentement.EN_LIGNE,
                canal=Canal.PUBLIC,
                now=now,
            )
            inscription = register(
                session=session, beneficiaire=beneficiaire, canal=Canal.PUBLIC, now=now
            )
    except ValidationError as erreur:
        # What concerns the session may be said; what concerns a person's file may not.
        message = " ".join(erreur.messages)
        if not refus_de_la_session(erreur):
            message = MESSAGE_PERSONNE
        raise Refus(message, status=409) from None
    request.session[CLE_FIN] = {"session": session.pk, "inscription": inscription.pk}
    attente = inscription.statut == StatutInscription.EN_ATTENTE
    return Fin(attente=attente, rang=position(inscription) if attente else None)


def fin(request, session):
    """Screen 3's data for this session (kept in the session after the registration)."""
    data = request.session.get(CLE_FIN)
    if not data or data.get("session") != session.pk:
        return None
    if data.get("leurre"):
        return Fin(attente=False, rang=None)
    from ateliers.models import Inscription

    inscription = Inscription.objects.filter(pk=data["inscription"]).first()
    if inscription is None:
        return None
    attente = inscription.statut == StatutInscription.EN_ATTENTE
    return Fin(attente=attente, rang=position(inscription) if attente else None)
