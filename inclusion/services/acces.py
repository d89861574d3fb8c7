"""The person's right of access (RGPD art. 15, issue 18): everything held about them within
the professional's scope, as a document of rubriques in plain French, for the PDF, the JSON
and the page.

The socle's own rubriques (file, consents, SMS opposition, SMS sent and received,
rectifications, the journal of the file) come from here; every higher layer adds its own
through inclusion.registry.register_access_section. A constant number of queries: the file,
one for the journal lines, one for their authors' memberships, three for SMS, then each
provider's own constant count.

Who looked at the file is said by structure and role, never by the professional's name: the
CJEU (C-579/21, 22 June 2023) does not require the employees' identities, and the person can
ask the structure named. A coordinator is "la coordination du territoire".
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from inclusion import perms, registry
from inclusion.enums import Role
from inclusion.models import Beneficiaire, Journal, Membership, OptOut, SmsMessage, SmsRecu
from inclusion.mots_du_temps import date_et_annee_en_mots, heure_en_mots, heure_locale
from inclusion.registry import Element, Rubrique
from inclusion.services.journal import write_journal

FORMATS = ("apercu", "pdf", "json")
JSON_FORMAT = "inclusion.acces_donnees/1"

# What each journal line about the file means, in words (unknown actions keep their code).
ACTIONS = {
    "beneficiaire.creation": "Dossier créé",
    "beneficiaire.consultation": "Dossier consulté",
    "beneficiaire.modification": "Dossier modifié",
    "beneficiaire.consentement": "Accord pour recevoir des SMS enregistré",
    "beneficiaire.import": "Dossier créé par un import de fichier",
    "beneficiaire.fusion": "Deux dossiers de la personne réunis en un seul",
    "beneficiaire.doublon_ecarte": "Vérifié : ce n'est pas un doublon d'un autre dossier",
    "beneficiaire.acces_donnees": "Copie des données de la personne produite",
    "sms.envoi": "SMS préparé pour la personne",
    "sms.stop": "Refus des SMS enregistré",
    "conservation.anonymisation": "Dossier anonymisé",
    "sms.start": "SMS acceptés de nouveau",
}
CANAUX_REFUS = {
    "sms": "par SMS (STOP)",
    "lien": "par le lien reçu dans un SMS",
    "pro": "auprès d'un professionnel",
}
NON = "Non renseigné"


# --- Words -------------------------------------------------------------------------------------


def date_fr(moment):
    """ "3 décembre 2026"; with the time for a datetime: "3 décembre 2026 à 14 h 30"."""
    if moment is None:
        return NON
    if isinstance(moment, datetime.datetime):
        local = heure_locale(moment)
        return f"{date_et_annee_en_mots(local)} à {heure_en_mots(local)}"
    return date_et_annee_en_mots(moment)


def oui_non(valeur):
    return "Oui" if valeur else "Non"


def texte(valeur):
    return str(valeur) if valeur not in (None, "") else NON


@dataclass(frozen=True)
class Auteurs:
    """Who did something, by structure and role (see the module's docstring)."""

    roles: dict  # user_id → [(structure_id, structure name, role label)]
    coordinateurs: frozenset

    @classmethod
    def of(cls, user_ids):
        roles, coordinateurs = {}, set()
        rows = Membership.objects.filter(user_id__in=set(user_ids) - {None}, active=True)
        for user_id, structure_id, nom, role in rows.values_list(
            "user_id", "structure_id", "structure__nom", "role"
        ):
            if role == Role.COORDINATEUR:
                coordinateurs.add(user_id)
            roles.setdefault(user_id, []).append((structure_id, nom, Role(role).label.lower()))
        return cls(roles=roles, coordinateurs=frozenset(coordinateurs))

    def label(self, user_id, structure_id=None, personne=""):
        if user_id is None:
            return personne or "Le service, automatiquement"
        if user_id in self.coordinateurs:
            return "La coordination du territoire"
        roles = sorted(self.roles.get(user_id, ()), key=lambda r: r[0] != structure_id)
        if not roles:
            return "Un professionnel qui n'est plus en poste"
        _, nom, role = roles[0]
        return f"Un {role} de {nom}"


# --- The document ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    beneficiaire_uuid: str
    personne: str
    produit_le: datetime.datetime
    produit_par: str
    perimetre: str
    rubriques: tuple  # of Rubrique, in order

    @property
    def produit_le_texte(self):
        return date_fr(self.produit_le)

    @property
    def produit_par_phrase(self):
        """ "un prescripteur de Maison des solidarités": inside a sentence."""
        return self.produit_par[:1].lower() + self.produit_par[1:]

    def as_json(self):
        """The JSON form; keys are stable (documented in the report and tests)."""
        return {
            "format": JSON_FORMAT,
            "personne": {"uuid": self.beneficiaire_uuid, "nom": self.personne},
            "produit_le": self.produit_le.isoformat(),
            "produit_par": self.produit_par,
            "perimetre": self.perimetre,
            "rubriques": [
                {
                    "cle": r.cle,
                    "titre": r.titre,
                    "explication": r.explication,
                    "elements": [
                        {
                            "titre": e.titre,
                            "lignes": [{"libelle": lib, "valeur": val} for lib, val in e.lignes],
                        }
                        for e in r.elements
                    ],
                }
                for r in self.rubriques
            ],
        }


def can_produce(user, beneficiaire):
    """A prescripteur of the structure that registered the person, or a coordinator, who may
    open the file. Médiateurs and volontaires do not (they may refer the person to them)."""
    if not perms.can_view_beneficiaire(user, beneficiaire):
        return False
    if perms.is_coordinateur(user):
        return True
    return (beneficiaire.structure_id, Role.PRESCRIPTEUR) in perms.roles_of(user)


@transaction.atomic
def access_document(*, acteur, beneficiaire, now=None, format="apercu"):
    """The person's access document. Raises PermissionDenied unless `can_produce`; writes
    the journal line "beneficiaire.acces_donnees" (ids and the format only) first, so the
    document lists its own making."""
    if not can_produce(acteur, beneficiaire):
        raise PermissionDenied(
            "Seuls un prescripteur de la structure et la coordination du "
            "territoire produisent la copie des données d'une personne."
        )
    if format not in FORMATS:
        raise ValueError(format)
    now = now or timezone.now()
    beneficiaire = Beneficiaire.objects.select_related("structure", "commune", "quartier").get(
        pk=beneficiaire.pk
    )
    write_journal(
        acteur=acteur,
        action="beneficiaire.acces_donnees",
        objet=beneficiaire,
        structure=beneficiaire.structure,
        details={"format": format},
    )
    lignes = list(
        Journal.objects.filter(
            objet_type=beneficiaire._meta.label_lower, objet_id=str(beneficiaire.pk)
        ).order_by("quand", "pk")
    )
    auteurs = Auteurs.of(
        [ligne.acteur_id for ligne in lignes] + [beneficiaire.consentement_sms_par_id, acteur.pk]
    )
    rubriques = [
        _dossier(beneficiaire),
        _consentements(beneficiaire, lignes, auteurs),
        _opposition(beneficiaire, lignes, auteurs),
        _sms_envoyes(beneficiaire),
        _sms_recus(beneficiaire),
        _rectifications(lignes, auteurs),
        _journal(lignes, auteurs),
    ]
    for section in registry.access_sections().values():
        rubriques.extend(section(acteur, beneficiaire))
    rubriques.sort(key=lambda r: r.ordre)
    coordination = perms.is_coordinateur(acteur)
    return Document(
        beneficiaire_uuid=str(beneficiaire.uuid),
        personne=beneficiaire.nom_affiche,
        produit_le=now,
        produit_par=auteurs.label(acteur.pk, beneficiaire.structure_id),
        perimetre=(
            "Tout ce que la plateforme garde sur la personne, dans tout le territoire."
            if coordination
            else f"Ce que {beneficiaire.structure.nom} et ses professionnels peuvent voir. "
            "La coordination du territoire peut produire une copie complète."
        ),
        rubriques=tuple(rubriques),
    )


# --- The socle's rubriques -------------------------------------------------------------------


def _dossier(b):
    conservation = NON
    if b.conserver_jusquau:
        conservation = (
            f"Jusqu'au {date_fr(b.conserver_jusquau)} ({b.get_conserver_motif_display()})"
        )
    lignes = (
        ("Prénom", texte(b.prenom)),
        ("Nom", texte(b.nom)),
        ("Téléphone", b.telephone.as_national if b.telephone else NON),
        ("Type de téléphone", b.get_type_telephone_display()),
        ("Adresse e-mail", texte(b.courriel)),
        ("Année de naissance", texte(b.annee_naissance)),
        ("Tranche d'âge", b.get_tranche_age_display()),
        ("Genre", b.get_genre_display()),
        ("Situation", b.get_statut_display()),
        ("Commune", b.commune.nom if b.commune_id else NON),
        ("Quartier", b.quartier.nom if b.quartier_id else NON),
        ("Notes", texte(b.notes)),
        ("Inscrite par", b.structure.nom),
        ("Dossier créé le", date_fr(b.cree_le)),
        ("Dernière activité", date_fr(b.derniere_activite)),
        ("Conservation prolongée", conservation),
        ("Anonymisé le", date_fr(b.anonymise_le) if b.anonymise_le else "Non"),
    )
    return Rubrique(
        cle="dossier",
        titre="Le dossier",
        elements=(Element(titre="Ce qui est écrit dans le dossier", lignes=lignes),),
        explication=(
            "Pour vous accompagner vers le numérique : vous joindre, vous inscrire aux ateliers, "
            "vous délivrer un pass numérique."
        ),
        ordre=10,
    )


def _consent_line(ligne):
    """The journal lines where consent to SMS was given or withdrawn (as the timeline)."""
    details = ligne.details or {}
    if ligne.action == "beneficiaire.modification":
        if "consentement_sms" not in (details.get("champs") or []):
            return None
    elif ligne.action in ("beneficiaire.creation", "beneficiaire.consentement"):
        if not details.get("consentement_sms"):
            return None
    else:
        return None
    return "Accepte les SMS" if details.get("consentement_sms") else "N'accepte plus les SMS"


def _consentements(b, lignes, auteurs):
    actuel = [("Accepte de recevoir des SMS", oui_non(b.consentement_sms))]
    if b.consentement_sms_le:
        actuel += [
            ("Accord recueilli le", date_fr(b.consentement_sms_le)),
            ("Comment", b.get_consentement_sms_mode_display() or NON),
            (
                "Par qui",
                auteurs.label(b.consentement_sms_par_id, b.structure_id, "La personne elle-même"),
            ),
        ]
    historique = []
    for ligne in lignes:
        quoi = _consent_line(ligne)
        if quoi:
            qui = auteurs.label(ligne.acteur_id, ligne.structure_id, "La personne elle-même")
            historique.append((date_fr(ligne.quand), f"{quoi} — {qui}"))
    elements = [Element(titre="Aujourd'hui", lignes=tuple(actuel))]
    if historique:
        elements.append(Element(titre="Historique", lignes=tuple(historique)))
    return Rubrique(
        cle="consentements",
        titre="Votre accord pour recevoir des SMS",
        elements=tuple(elements),
        explication="Les SMS ne sont envoyés qu'avec votre accord ; vous pouvez le retirer.",
        ordre=20,
    )


def _opposition(b, lignes, auteurs):
    telephone = b.telephone.as_e164 if b.telephone else ""
    refus = OptOut.objects.filter(telephone=telephone).first() if telephone else None
    elements = []
    if refus is not None:
        elements.append(
            Element(
                titre="Refus des SMS en cours",
                lignes=(
                    ("Depuis le", date_fr(refus.depuis)),
                    ("Demandé", CANAUX_REFUS.get(refus.canal, refus.canal)),
                ),
            )
        )
    historique = []
    for ligne in lignes:
        if ligne.action in ("sms.stop", "sms.start"):
            canal = CANAUX_REFUS.get((ligne.details or {}).get("canal"), "")
            quoi = ACTIONS[ligne.action] + (f", {canal}" if canal else "")
            qui = auteurs.label(ligne.acteur_id, ligne.structure_id, "La personne elle-même")
            historique.append((date_fr(ligne.quand), f"{quoi} — {qui}"))
    if historique:
        elements.append(Element(titre="Historique", lignes=tuple(historique)))
    return Rubrique(
        cle="opposition_sms",
        titre="Votre refus des SMS (opposition)",
        elements=tuple(elements),
        explication=(
            "Un numéro qui a répondu STOP ne reçoit plus de SMS de la plateforme, "
            "quel que soit le dossier."
        ),
        ordre=30,
    )


def _sms_envoyes(b):
    from inclusion.sms.statistiques import type_en_mots

    messages = SmsMessage.objects.filter(beneficiaire=b).order_by("cree_le", "pk")
    elements = []
    for m in messages.only("kind", "statut", "corps", "a_masquer", "cree_le", "envoye_le"):
        if m.a_masquer:
            corps = "Effacé après l'envoi : il contenait un code personnel."
        else:
            corps = m.corps or "Effacé : le délai de conservation est passé."
        elements.append(
            Element(
                titre=f"SMS du {date_fr(m.envoye_le or m.cree_le)}",
                lignes=(
                    ("Objet", type_en_mots(m.kind)),
                    ("État", m.get_statut_display()),
                    ("Texte", corps),
                ),
            )
        )
    return Rubrique(
        cle="sms_envoyes",
        titre="Les SMS envoyés",
        elements=tuple(elements),
        explication="Rappels d'ateliers, pass numérique, orientations : ce qui vous a été écrit.",
        ordre=40,
    )


def _sms_recus(b):
    telephone = b.telephone.as_e164 if b.telephone else ""
    recus = SmsRecu.objects.filter(telephone=telephone) if telephone else SmsRecu.objects.none()
    elements = [
        Element(
            titre=f"SMS reçu le {date_fr(r.recu_le)}",
            lignes=(
                ("Texte", r.corps or "Effacé : le délai de conservation est passé."),
                ("Mot reconnu", r.mot_cle or "Aucun"),
            ),
        )
        for r in recus.order_by("recu_le", "pk")
    ]
    return Rubrique(
        cle="sms_recus",
        titre="Les SMS reçus de votre numéro",
        elements=tuple(elements),
        explication="Vos réponses (STOP, ANNULER, AIDE…), pour y donner suite.",
        ordre=50,
    )


def _champ(nom):
    try:
        return str(Beneficiaire._meta.get_field(nom).verbose_name)
    except Exception:  # a field since renamed: its code
        return nom


def _rectifications(lignes, auteurs):
    elements = []
    for ligne in lignes:
        if ligne.action != "beneficiaire.modification":
            continue
        champs = (ligne.details or {}).get("champs") or []
        elements.append(
            Element(
                titre=f"Modification du {date_fr(ligne.quand)}",
                lignes=(
                    ("Ce qui a changé", ", ".join(_champ(c) for c in champs) or "Rien"),
                    ("Par", auteurs.label(ligne.acteur_id, ligne.structure_id)),
                ),
            )
        )
    return Rubrique(
        cle="rectifications",
        titre="Les corrections du dossier (rectification)",
        elements=tuple(elements),
        explication=(
            "Vous pouvez faire corriger ce qui est faux : le journal garde ce qui a changé, "
            "jamais l'ancienne valeur."
        ),
        ordre=60,
    )


def _journal(lignes, auteurs):
    elements = tuple(
        Element(
            titre=date_fr(ligne.quand),
            lignes=(
                ("Quoi", ACTIONS.get(ligne.action, f"Autre opération ({ligne.action})")),
                (
                    "Qui",
                    auteurs.label(ligne.acteur_id, ligne.structure_id, "La personne elle-même"),
                ),
            ),
        )
        for ligne in lignes
    )
    return Rubrique(
        cle="journal",
        titre="Qui a consulté ou modifié le dossier",
        elements=elements,
        explication=(
            "Chaque lecture et chaque changement du dossier laisse une ligne, gardée un temps "
            "limité. Les professionnels sont désignés par leur structure et leur rôle."
        ),
        ordre=1000,
    )
