from inclusion.models.beneficiaires import Beneficiaire, BeneficiaireQuerySet
from inclusion.models.doublons import PaireDistincte
from inclusion.models.emails import OutgoingEmail, StatutEmail
from inclusion.models.exploitation import TravailPeriodique, Verrou
from inclusion.models.fichiers import ExportFichier, StatutExport
from inclusion.models.invitations import Invitation, InvitationRole, MotifAnnulation
from inclusion.models.journal import Journal, JournalImmuableError
from inclusion.models.people import Membership, User
from inclusion.models.sms import OptOut, SmsMessage, SmsRecu, StatutSms
from inclusion.models.structures import Lieu, Structure
from inclusion.models.territoire import Commune, Quartier
from inclusion.models.textes import CleTexteSms, TexteSms

__all__ = [
    "Beneficiaire",
    "CleTexteSms",
    "BeneficiaireQuerySet",
    "Commune",
    "ExportFichier",
    "Invitation",
    "InvitationRole",
    "Journal",
    "JournalImmuableError",
    "Lieu",
    "Membership",
    "MotifAnnulation",
    "OptOut",
    "OutgoingEmail",
    "PaireDistincte",
    "SmsMessage",
    "SmsRecu",
    "StatutEmail",
    "StatutExport",
    "StatutSms",
    "Quartier",
    "Structure",
    "TexteSms",
    "TravailPeriodique",
    "User",
    "Verrou",
]
