"""This layer's lines of a person's timeline (inclusion.registry.register_timeline_provider):
the activity records the user may view (never their notes) and the diagnostics kept in the
file (two queries); the orientations the user sees (one query)."""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from inclusion import perms as socle
from inclusion.registry import Evenement, register_timeline_provider
from mediation.enums_orientations import MotifRefus, StatutOrientation, TypeOrientation
from mediation.models import Activite, Diagnostic, Orientation
from mediation.vocabulaire import (
    Autonomie,
    OutilDiagnostic,
    StructureRedirection,
    Thematique,
    TypeActivite,
    TypeLieu,
)


def _url(name, uuid):
    """The object's page, when its URL exists (pages built in parallel may not yet)."""
    try:
        return reverse(name, kwargs={"uuid": uuid})
    except NoReverseMatch:
        return ""


def _label(choices, key):
    try:
        return str(choices(key).label)
    except ValueError:
        return str(key)


def _pluriel(n, mot):
    return f"{n} {mot}{'s' if n > 1 else ''}"


def _activity_line(activite):
    thematiques = ", ".join(_label(Thematique, t) for t in activite.thematiques)
    if activite.type == TypeActivite.COLLECTIF:
        titre = f"Atelier « {activite.titre_atelier} »" if activite.titre_atelier else "Atelier"
    else:
        titre = "Accompagnement individuel"
    parts = [thematiques, f"{activite.duree_minutes} min"]
    if activite.lieu_id:
        parts.append(activite.lieu.nom)
    else:
        parts.append(_label(TypeLieu, activite.type_lieu).lower())
    if activite.autonomie:
        parts.append(_label(Autonomie, activite.autonomie).lower())
    if activite.reoriente:
        redirection = _label(StructureRedirection, activite.structure_redirection).lower()
        parts.append(f"réorientée : {redirection}")
    parts.append(f"avec {activite.mediateur.get_full_name() or activite.mediateur.email}")
    return Evenement(
        quand=activite.date,
        nature="activite_collective" if activite.type == TypeActivite.COLLECTIF else "activite",
        titre=titre,
        detail=" · ".join(p for p in parts if p) + ".",
        url=_url("activites:detail", activite.uuid),
    )


# What stands in the way, in a few words (mediation/diagnostic.py has the FALC sentences).
OBSTACLES_COURTS = {
    "materiel": "pas d'appareil",
    "connexion": "pas d'internet",
    "email": "pas d'adresse e-mail",
    "lecture": "lecture difficile",
    "langue": "parle peu le français",
}


def resume_diagnostic(diagnostic):
    """A short summary: an external tool's result; for ours the overall level, what stands
    in the way, the areas already mastered and those to work on first."""
    if diagnostic.outil != OutilDiagnostic.INCLUSION:
        return f"Résultat : {diagnostic.resultat_externe}."
    # Imported here: the questionnaire's content is only needed for our own diagnostics.
    from mediation.diagnostic import resultat

    res = resultat(diagnostic.obstacles, diagnostic.scores)
    parts = [f"Niveau {res.niveau_libelle.lower()}"]
    if res.obstacles:
        parts.append(", ".join(OBSTACLES_COURTS.get(o.cle, o.cle) for o in res.obstacles))
    if res.sait:
        parts.append("sait : " + ", ".join(d.titre.lower() for d in res.sait))
    if res.suggestions:
        parts.append(
            "à travailler : " + ", ".join(s.domaine.titre.lower() for s in res.suggestions)
        )
    return " · ".join(parts) + "."


def evenements(user, beneficiaire):
    """Records of the person the user may view (Activite.objects.visible_to: their own, their
    structures' as médiateur, all for coordinators; prescripteurs none), and the diagnostics
    kept in the file (part of the file: whoever may open it)."""
    if not socle.can_view_beneficiaire(user, beneficiaire):
        return []
    activites = (
        Activite.objects.vivantes()
        .visible_to(user)
        .filter(participants__beneficiaire=beneficiaire)
        .select_related("lieu", "mediateur")
        .defer("notes")
    )
    events = [_activity_line(a) for a in activites]
    diagnostics = Diagnostic.objects.filter(beneficiaire=beneficiaire).select_related("structure")
    for diagnostic in diagnostics:
        events.append(
            Evenement(
                quand=diagnostic.date,
                nature="diagnostic",
                titre="Diagnostic numérique"
                if diagnostic.outil == OutilDiagnostic.INCLUSION
                else f"Diagnostic numérique ({diagnostic.get_outil_display()})",
                detail=" ".join(
                    p
                    for p in (resume_diagnostic(diagnostic), f"Par {diagnostic.structure.nom}.")
                    if p
                ),
                url=_url("diagnostics:detail", diagnostic.uuid),
            )
        )
    return events


register_timeline_provider("mediation", evenements)


# --- Orientations ----------------------------------------------------------------------------


def _destination(orientation):
    """Where the person was sent: the place, the chosen session, or the theme."""
    if orientation.type == TypeOrientation.SESSION and orientation.session_id:
        debut = timezone.localtime(orientation.session.debut)
        titre = orientation.theme.titre if orientation.theme_id else "Atelier"
        return f"atelier « {titre} » du {debut:%d/%m/%Y à %H:%M}, {orientation.lieu.nom}"
    if orientation.type == TypeOrientation.THEME:
        titre = f"atelier « {orientation.theme.titre} »"
        return f"{titre}, {orientation.lieu.nom}" if orientation.lieu_id else titre
    return orientation.lieu.nom if orientation.lieu_id else ""


def _orientation_lines(orientation, url):
    """The sending, the decision (as it stands) and the end, each on its own line."""
    destination = _destination(orientation)
    besoins = ", ".join(_label(Thematique, t) for t in orientation.thematiques)
    envoi = [f"Vers {destination}" if destination else "", besoins]
    envoi.append(f"par {orientation.structure.nom}")
    lines = [
        Evenement(
            quand=orientation.cree_le,
            nature="orientation",
            titre="Orientation envoyée",
            detail=" · ".join(p for p in envoi if p) + ".",
            url=url,
        )
    ]
    if orientation.statut in (StatutOrientation.ACCEPTEE, StatutOrientation.TERMINEE):
        if orientation.session_id and orientation.inscription_id:
            debut = timezone.localtime(orientation.session.debut)
            detail = f"Inscrite à la session du {debut:%d/%m/%Y à %H:%M}"
        elif orientation.rdv_le:
            detail = f"Rendez-vous le {timezone.localtime(orientation.rdv_le):%d/%m/%Y à %H:%M}"
        else:
            detail = "Acceptée"
        lines.append(
            Evenement(
                quand=orientation.decide_le,
                nature="orientation_acceptee",
                titre=f"Orientation acceptée par {orientation.lieu.nom}",
                detail=detail + ".",
                url=url,
            )
        )
    elif orientation.statut == StatutOrientation.REFUSEE:
        # The reasons only: the message may say things about the person.
        motifs = ", ".join(_label(MotifRefus, m).lower() for m in orientation.motifs_refus)
        lines.append(
            Evenement(
                quand=orientation.decide_le,
                nature="orientation_refusee",
                titre="Orientation refusée",
                detail=f"Raisons : {motifs}." if motifs else "",
                url=url,
            )
        )
    fins = {
        StatutOrientation.TERMINEE: (orientation.termine_le, "Orientation terminée", ""),
        StatutOrientation.EXPIREE: (
            orientation.expire_le,
            "Orientation expirée",
            "Pas de réponse dans les 30 jours.",
        ),
        StatutOrientation.ANNULEE: (
            orientation.annule_le,
            "Orientation annulée",
            "Annulée par la structure qui l'avait envoyée.",
        ),
    }
    if orientation.statut in fins:
        quand, titre, detail = fins[orientation.statut]
        lines.append(
            Evenement(
                quand=quand,
                nature=f"orientation_{orientation.statut}",
                titre=titre,
                detail=detail,
                url=url,
            )
        )
    return lines


def evenements_orientations(user, beneficiaire):
    """The person's orientations the user sees (Orientation.visibles_par: the sending
    structure's members, the receiving places' médiateurs, coordinators), each as its sending,
    decision and end. One query; the links go to the side the user is on."""
    if not socle.can_view_beneficiaire(user, beneficiaire):
        return []
    orientations = (
        Orientation.objects.visibles_par(user)
        .filter(beneficiaire=beneficiaire)
        .select_related("structure", "lieu", "theme", "session")
    )
    suivies = socle.beneficiaire_structure_ids_for(user)
    events = []
    for orientation in orientations:
        envoyee = suivies is None or orientation.structure_id in suivies
        name = "orientations:detail" if envoyee else "orientations:recue"
        events.extend(_orientation_lines(orientation, _url(name, orientation.uuid)))
    return events


register_timeline_provider("mediation_orientations", evenements_orientations)
