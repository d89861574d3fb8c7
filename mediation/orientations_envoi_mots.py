"""The sending side's words about an orientation: where it went, how long it has waited, and
what happens next, in plain French ("En attente de lecture par le lieu — relance automatique
le 27/11", "Rendez-vous le mardi 3 décembre à 14 h", "Refusée : Session complète").

Pure functions of an orientation already loaded with its relations (no query of their own,
so that "Mes orientations" keeps the same number of queries for 1 or 25 rows)."""

from django.utils import timezone

from ateliers.enums import StatutInscription, Thematique
from inclusion.mots_du_temps import date_et_heure_en_mots, heure_locale, plage_en_mots
from mediation.enums_orientations import MotifRefus, StatutOrientation, TypeOrientation
from mediation.services.orientations import DELAI_EXPIRATION, RELANCES


def jour_court(moment):
    """ "27/11": the short date of a line in a list."""
    return f"{heure_locale(moment):%d/%m}"


def attente_en_mots(orientation, now=None):
    """ "envoyée aujourd'hui", "envoyée hier", "envoyée il y a 12 jours" (Paris calendar
    days)."""
    now = now or timezone.now()
    jours = (heure_locale(now).date() - heure_locale(orientation.cree_le).date()).days
    if jours <= 0:
        return "envoyée aujourd'hui"
    if jours == 1:
        return "envoyée hier"
    return f"envoyée il y a {jours} jours"


def destination_en_mots(orientation):
    """The place, the theme (and how many places received it), or the session."""
    if orientation.type == TypeOrientation.SESSION and orientation.session_id:
        session = orientation.session
        return f"Atelier « {session.theme.titre} », {plage_en_mots(session.debut, session.fin)}"
    if orientation.type == TypeOrientation.THEME:
        if orientation.lieu_id:  # accepted by one of the places
            return f"Atelier « {orientation.theme.titre} » — {orientation.lieu.nom}"
        return f"Atelier « {orientation.theme.titre} » (la prochaine session qui convient)"
    return orientation.lieu.nom if orientation.lieu_id else ""


def lieux_en_mots(orientation):
    """ "le lieu" or "les lieux" the request waits for."""
    return "les lieux" if orientation.type == TypeOrientation.THEME else "le lieu"


def motifs_en_mots(motifs):
    labels = dict(MotifRefus.choices)
    return ", ".join(labels.get(m, m) for m in motifs or ())


def thematiques_en_mots(thematiques):
    labels = dict(Thematique.choices)
    return [labels.get(t, t) for t in thematiques or ()]


def prochaine_relance(orientation):
    """When the sweep reminds the places next (None after the last reminder)."""
    if orientation.relances >= len(RELANCES):
        return None
    return orientation.cree_le + RELANCES[orientation.relances]


def expire_le(orientation):
    return orientation.cree_le + DELAI_EXPIRATION


def _attente_suite(orientation):
    relance = prochaine_relance(orientation)
    if relance is not None:
        return f"relance automatique le {jour_court(relance)}"
    return f"sans réponse, elle expirera le {jour_court(expire_le(orientation))}"


def prochaine_etape(orientation):
    """What happens next, in words, for each state."""
    statut = orientation.statut
    lieux = lieux_en_mots(orientation)
    if statut == StatutOrientation.OUVERTE:
        return f"En attente de lecture par {lieux} — {_attente_suite(orientation)}"
    if statut == StatutOrientation.PRISE_EN_COMPTE:
        return (
            f"Lue le {jour_court(orientation.prise_en_compte_le)}, en attente de la décision "
            f"— {_attente_suite(orientation)}"
        )
    if statut == StatutOrientation.ACCEPTEE:
        if orientation.rdv_le:
            texte = "Rendez-vous " + date_et_heure_en_mots(orientation.rdv_le)
            return texte + (f", {orientation.rdv_lieu}" if orientation.rdv_lieu else "")
        inscription = orientation.inscription if orientation.inscription_id else None
        if inscription is not None:
            session = inscription.session
            quand = date_et_heure_en_mots(session.debut)
            if inscription.statut == StatutInscription.EN_ATTENTE:
                return f"Sur la liste d'attente de la session du {quand.removeprefix('le ')}"
            if inscription.statut in (StatutInscription.INSCRIT, StatutInscription.PRESENT):
                return f"Place réservée à la session du {quand.removeprefix('le ')}"
            return "Acceptée ; l'inscription à la session a été annulée"
        return "Acceptée : le lieu va contacter la personne"
    if statut == StatutOrientation.REFUSEE:
        motifs = motifs_en_mots(orientation.motifs_refus)
        return f"Refusée : {motifs}" if motifs else "Refusée"
    if statut == StatutOrientation.TERMINEE:
        return "Terminée : la personne a été accompagnée"
    if statut == StatutOrientation.EXPIREE:
        return "Expirée sans réponse : orientez la personne ailleurs"
    if statut == StatutOrientation.ANNULEE:
        return f"Annulée : {orientation.motif_annulation}"
    return ""


# --- One orientation's page ------------------------------------------------------------------

VIA = {"pro": "dans l'espace pro", "lien": "par le lien reçu par e-mail"}


def etats_des_lieux(orientation, destinataires):
    """[(destinataire, state in words)] of the places the request was sent to."""
    lignes = []
    for d in destinataires:
        if d.decline_le:
            texte = f"A refusé le {jour_court(d.decline_le)}"
            motifs = motifs_en_mots(d.motifs_refus)
            texte += f" : {motifs}" if motifs else ""
        elif orientation.lieu_id == d.lieu_id and orientation.statut in (
            StatutOrientation.ACCEPTEE,
            StatutOrientation.TERMINEE,
        ):
            texte = f"A accepté le {jour_court(orientation.decide_le)}"
        elif d.ouvert_le:
            texte = f"A ouvert la demande le {jour_court(d.ouvert_le)}"
        else:
            texte = "N'a pas encore ouvert la demande"
        lignes.append((d, texte))
    return lignes


def _nom(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_short_name() or "un professionnel"


def _ligne(action, details, acteur, lieux):
    """One journal line of the orientation in words, or None (not shown)."""
    lieu = lieux.get(details.get("lieu"))
    nom_lieu = lieu.nom if lieu else "le lieu"
    par = f" par {_nom(acteur)}" if acteur else ""
    via = VIA.get(details.get("via"), "")
    labels = dict(StatutOrientation.choices)
    textes = {
        "creation": f"Envoyée{par}",
        "prise_en_compte": f"Prise en compte par {nom_lieu}{par}" + (f", {via}" if via else ""),
        "acceptation": f"Acceptée par {nom_lieu}{par}" + (f", {via}" if via else ""),
        "refus": f"Refusée par {nom_lieu}{par} : {motifs_en_mots(details.get('motifs'))}",
        "refus_lieu": (
            f"{nom_lieu} ne peut pas la prendre : {motifs_en_mots(details.get('motifs'))}"
        ),
        "correction": (
            f"Décision corrigée par {nom_lieu} : "
            f"{labels.get(details.get('avant'), '').lower()} → "
            f"{labels.get(details.get('apres'), '').lower()}"
        ),
        "rdv_deplace": f"Rendez-vous déplacé par le lieu{par}",
        "relance": f"Relance automatique n° {details.get('niveau', '')} envoyée",
        "relance_manuelle": f"Relance envoyée{par}",
        "nouveau_lien": f"Nouveau lien envoyé à {nom_lieu}",
        "expiration": "Expirée : aucune réponse en 30 jours",
        "annulation": f"Annulée{par}",
        "fin": "Terminée"
        + {
            "presence": " : la personne est venue à la session",
            "activite": " : accompagnement enregistré par le lieu",
        }.get(details.get("via"), ""),
    }
    return textes.get(action)


def histoire(orientation, destinataires):
    """[(when, words)] oldest first, from the orientation's journal lines (two queries)."""
    from django.contrib.auth import get_user_model

    from inclusion.models import Journal

    lignes = list(
        Journal.objects.filter(
            objet_type=orientation._meta.label_lower, objet_id=str(orientation.pk)
        ).order_by("quand", "pk")
    )
    acteurs = get_user_model().objects.in_bulk({j.acteur_id for j in lignes if j.acteur_id})
    lieux = {d.lieu_id: d.lieu for d in destinataires}
    if orientation.lieu_id:
        lieux.setdefault(orientation.lieu_id, orientation.lieu)
    histoire_ = []
    for j in lignes:
        action = j.action.removeprefix("orientation.")
        texte = _ligne(action, j.details or {}, acteurs.get(j.acteur_id), lieux)
        if texte:
            histoire_.append((j.quand, texte))
    return histoire_
