"""Issue 18: the socle's part of anonymisation — the inactive files' delay and its purge, the
SMS and e-mails of the people anonymised, and the erasure button on a file.

Anonymizers run inside inclusion.services.anonymisation's batch transaction BEFORE the files
are blanked: they read the people's phone numbers and e-mail addresses from Beneficiaire in a
subquery (one UPDATE each, whatever the batch's size).

Opt-outs (OptOut) are kept: a STOP is the number's will, not the person's file. It names no
one and holds no link to a file; erasing it would let SMS reach the number again the day it
is given to someone else's file, or comes back with the same person (CNIL: an opposition is
kept as long as needed to honour it).
"""

from django.db.models import Q

from inclusion import conservation, registry
from inclusion.models import Beneficiaire, OutgoingEmail, SmsMessage, SmsRecu, StatutSms


def _numbers_only_theirs(ids):
    """Subquery of the batch's phone numbers that no other live file holds (a family phone
    shared with someone still followed keeps what belongs to that person too)."""
    others = (
        Beneficiaire.objects.filter(anonymise_le__isnull=True)
        .exclude(pk__in=ids)
        .exclude(telephone="")
        .values("telephone")
    )
    return (
        Beneficiaire.objects.filter(pk__in=ids)
        .exclude(telephone="")
        .exclude(telephone__in=others)
        .values("telephone")
    )


def anonymise_sms(ids, now):
    """SMS sent to these people (by their file, or to a number only they held: codes, replies)
    lose their number, text, error text and provider id; kind, status, dates and segments stay
    (the SMS statistics). One still waiting is cancelled. SMS received from a number only they
    held lose number and text; the keyword recognised stays."""
    mine = Q(beneficiaire_id__in=ids) | Q(
        beneficiaire__isnull=True, telephone__in=_numbers_only_theirs(ids)
    )
    annules = SmsMessage.objects.filter(mine, statut=StatutSms.A_ENVOYER).update(
        statut=StatutSms.ANNULE, statut_le=now
    )
    envoyes = (
        SmsMessage.objects.filter(mine)
        .filter(~Q(telephone="") | ~Q(corps="") | ~Q(erreur="") | Q(provider_id__isnull=False))
        .update(telephone="", corps="", a_masquer=[], erreur="", provider_id=None, cle=None)
    )
    recus = SmsRecu.objects.filter(telephone__in=_numbers_only_theirs(ids)).update(
        telephone="", corps=""
    )
    return {
        "SMS envoyés anonymisés": envoyes,
        "SMS annulés": annules,
        "SMS reçus anonymisés": recus,
    }


def anonymise_emails(ids, now):
    """No e-mail is sent to the people themselves today; should one ever be, the outbox row
    addressed to their address loses address and text (kind, status and dates stay)."""
    adresses = Beneficiaire.objects.filter(pk__in=ids).exclude(courriel="").values("courriel")
    n = OutgoingEmail.objects.filter(destinataire__in=adresses).update(
        destinataire="", sujet="", texte="", html="", a_masquer=[], erreur=""
    )
    return {"e-mails anonymisés": n}


registry.register_anonymizer("inclusion.sms", anonymise_sms)
registry.register_anonymizer("inclusion.emails", anonymise_emails)


# --- The inactive files' delay, and its purge ----------------------------------------------


def _anonymise_inactive(now, wet_run):
    from inclusion.services.anonymisation import anonymise_inactive

    return anonymise_inactive(now, wet_run)


conservation.register(
    conservation.Delai(
        cle="dossier_inactif",
        donnees=(
            "Le dossier d'une personne (prénom, nom, téléphone, adresse e-mail, année de "
            "naissance, notes, accord pour les SMS)"
        ),
        apres="après sa dernière activité (atelier, chèque, accompagnement, orientation…)",
        ensuite=(
            "anonymisé : ce qui permet de reconnaître la personne est effacé ; sa commune, sa "
            "tranche d'âge, son genre et son statut restent pour les statistiques"
        ),
        finalite=(
            "Suivre l'accompagnement de la personne tant qu'elle vient, et la retrouver si elle "
            "revient après une pause."
        ),
        ordre=10,
    ),
    _anonymise_inactive,
)


# --- The erasure button on a file ----------------------------------------------------------


def _may_erase(user, beneficiaire):
    from inclusion.services.anonymisation import can_erase_beneficiaire

    return beneficiaire.anonymise_le is None and can_erase_beneficiaire(user, beneficiaire)


registry.register_beneficiaire_action(
    registry.BeneficiaireAction(
        label="Effacer les données de la personne",
        url_name="effacement:confirmer",
        allowed=_may_erase,
        order=900,
    )
)
