"""Issue 18: how long the inclusion layer keeps its data, and the purges that enforce it.

The texts are shown as they are on the public page "Vos données personnelles" and in the
README's table of delays: plain French, one idea each."""

from django.conf import settings

from inclusion import conservation
from inclusion.conservation import Delai
from inclusion.services import purges
from inclusion.services.exports_fichiers import CONSERVATION as EXPORTS


def _heures(secondes):
    return max(1, -(-int(secondes) // 3600))  # rounded up: the promise is never shorter


SESSION_HEURES = _heures(settings.SESSION_COOKIE_AGE)

conservation.register(
    Delai(
        cle="sms_texte",
        donnees="Le texte des SMS envoyés et reçus",
        apres="après l'envoi ou la réception",
        ensuite="effacé ; le numéro, la date et l'état de l'envoi restent",
        finalite=(
            "Répondre à une question sur un message (« je n'ai pas reçu mon code ») et "
            "vérifier que les envois se passent bien."
        ),
        ordre=40,
    ),
    purges.purge_sms_textes,
)
conservation.register(
    Delai(
        cle="sms_lignes",
        donnees="Les SMS eux-mêmes (numéro, date, état de l'envoi)",
        apres="après l'envoi ou la réception",
        ensuite="supprimés",
        finalite=(
            "Savoir qu'une personne a bien été prévenue (rappel d'atelier, code d'un chèque) "
            "et suivre le coût des envois."
        ),
        ordre=41,
    ),
    purges.purge_sms_lignes,
)
conservation.register(
    Delai(
        cle="courriels",
        donnees="Les e-mails envoyés (adresse, objet, texte)",
        apres="après l'envoi",
        ensuite="supprimés",
        finalite="Vérifier qu'un e-mail est bien parti quand quelqu'un dit ne pas l'avoir reçu.",
        ordre=45,
    ),
    purges.purge_courriels,
)
conservation.register(
    Delai(
        cle="invitations",
        donnees="Les invitations des professionnels (adresse e-mail, prénom, nom)",
        apres="après leur fin (acceptée, annulée ou expirée)",
        ensuite="supprimées",
        finalite="Savoir qui a été invité et par qui, le temps de régler un oubli ou une erreur.",
        ordre=50,
    ),
    purges.purge_invitations,
)
conservation.register(
    Delai(
        cle="exports",
        donnees="Les fichiers exportés (tableaux CSV ou Excel)",
        apres="après leur préparation",
        ensuite="supprimés, fichier et demande",
        finalite="Laisser le temps de télécharger le fichier demandé, sans qu'il reste ensuite.",
        ordre=55,
        heures=int(EXPORTS.total_seconds() // 3600),
    ),
    purges.purge_exports,
)
conservation.register(
    Delai(
        cle="sessions",
        donnees="Les sessions de navigation (connexion à l'espace pro, démarche en cours)",
        apres="après la dernière action",
        ensuite="supprimées",
        finalite="Rester connecté pendant une journée de travail, sans garder de trace ensuite.",
        ordre=60,
        heures=SESSION_HEURES,
    ),
    purges.purge_sessions,
)
# The public registration in progress lives in the session only (cms/journeys/inscription.py):
# it goes once the code is typed, or with the session (no purge of its own).
conservation.register(
    Delai(
        cle="inscriptions_publiques",
        donnees=(
            "Une inscription à un atelier commencée sur le site public (prénom, numéro de "
            "téléphone)"
        ),
        apres="après la dernière action, si le code n'a pas été saisi",
        ensuite="effacée avec la session ; rien n'est enregistré avant la saisie du code",
        finalite="Terminer l'inscription après avoir reçu le code par SMS.",
        ordre=61,
        heures=SESSION_HEURES,
    )
)
conservation.register(
    Delai(
        cle="journal",
        donnees="Le journal de qui a consulté ou modifié quoi (jamais le contenu des dossiers)",
        apres="après l'action",
        ensuite="supprimé",
        finalite=(
            "Vérifier qui a eu accès à un dossier, en cas de question de la personne ou d'abus."
        ),
        ordre=80,
    ),
    purges.purge_journal,
)
