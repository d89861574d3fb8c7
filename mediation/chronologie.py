"""This layer's lines of a person's timeline (inclusion.registry.register_timeline_provider):
the activity records the user may view (never their notes) and the diagnostics kept in the
file. Two queries."""

from django.urls import NoReverseMatch, reverse

from inclusion import perms as socle
from inclusion.registry import Evenement, register_timeline_provider
from mediation.models import Activite, Diagnostic
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
