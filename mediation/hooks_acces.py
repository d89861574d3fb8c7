"""Issue 18: this layer's part of the person's access document (inclusion.services.acces):
activity records, diagnostics, orientations. Four queries.

Scopes are the pages' own: records as Activite.visible_to (prescripteurs see none: the
rubrique then counts those outside the scope), notes as perms.can_see_notes (their author
only: the document says that some exist), diagnostics to whoever may open the file,
orientations as Orientation.visibles_par."""

from inclusion import perms as socle
from inclusion.registry import Element, Rubrique, register_access_section
from inclusion.services.acces import date_fr
from mediation.chronologie import resume_diagnostic
from mediation.models import Activite, Diagnostic, Orientation
from mediation.perms import can_see_notes
from mediation.vocabulaire import Autonomie, Thematique, TypeLieu


def _label(choices, key):
    try:
        return str(choices(key).label)
    except ValueError:
        return str(key)


def _thematiques(keys):
    return ", ".join(_label(Thematique, t) for t in keys) or "Non renseigné"


def _activites(user, beneficiaire):
    toutes = Activite.objects.vivantes().filter(participants__beneficiaire=beneficiaire)
    visibles = toutes.visible_to(user)
    activites = visibles.select_related("lieu", "structure").order_by("date", "pk")
    elements = []
    for a in activites:
        lieu = a.lieu.nom if a.lieu_id else _label(TypeLieu, a.type_lieu)
        if can_see_notes(user, a):
            notes = a.notes or "Aucune"
        else:
            notes = "Oui, lisibles par leur auteur seulement" if a.notes else "Aucune"
        lignes = [
            ("Date", date_fr(a.date)),
            ("Type", a.get_type_display()),
            ("Thèmes", _thematiques(a.thematiques)),
            ("Durée", f"{a.duree_minutes} minutes"),
            ("Lieu", lieu),
            ("Structure", a.structure.nom),
        ]
        if a.titre_atelier:
            lignes.append(("Atelier", a.titre_atelier))
        if a.nom_demarche:
            lignes.append(("Démarche", a.nom_demarche))
        if a.autonomie:
            lignes.append(("Autonomie", _label(Autonomie, a.autonomie)))
        lignes.append(("Notes du médiateur", notes))
        elements.append(Element(titre=f"Activité du {date_fr(a.date)}", lignes=tuple(lignes)))
    explication = "Ce que les médiateurs ont fait avec vous, pour suivre vos progrès."
    # What the scope hides, counted (one query): the person learns that it exists.
    cachees = toutes.exclude(pk__in=visibles.values("pk")).count()
    if cachees:
        explication += (
            f" {cachees} autre(s) fiche(s) d'activité existe(nt) hors du périmètre de qui a "
            "produit ce document : la coordination du territoire peut les communiquer."
        )
    return Rubrique(
        cle="activites",
        titre="Les fiches d'activité (accompagnements et ateliers)",
        elements=tuple(elements),
        explication=explication,
        ordre=400,
    )


def _diagnostics(beneficiaire):
    diagnostics = (
        Diagnostic.objects.filter(beneficiaire=beneficiaire)
        .select_related("structure")
        .order_by("date", "pk")
    )
    elements = tuple(
        Element(
            titre=f"Diagnostic du {date_fr(d.date)}",
            lignes=(
                ("Date", date_fr(d.date)),
                ("Outil", d.get_outil_display()),
                ("Résultat", resume_diagnostic(d)),
                ("Structure", d.structure.nom),
            ),
        )
        for d in diagnostics
    )
    return Rubrique(
        cle="diagnostics",
        titre="Les diagnostics numériques",
        elements=elements,
        explication="Pour savoir ce que vous savez déjà faire et ce qui vous aiderait.",
        ordre=410,
    )


def _destination(o):
    if o.session_id:
        titre = o.theme.titre if o.theme_id else "Atelier"
        return f"Atelier « {titre} » du {date_fr(o.session.debut)}, {o.lieu.nom}"
    if o.theme_id:
        titre = f"Atelier « {o.theme.titre} »"
        return f"{titre}, {o.lieu.nom}" if o.lieu_id else titre
    return o.lieu.nom if o.lieu_id else "Non renseigné"


def _orientations(user, beneficiaire):
    orientations = (
        Orientation.objects.visibles_par(user)
        .filter(beneficiaire=beneficiaire)
        .select_related("structure", "lieu", "theme", "session")
        .order_by("cree_le", "pk")
    )
    elements = tuple(
        Element(
            titre=f"Orientation du {date_fr(o.cree_le)}",
            lignes=(
                ("Envoyée le", date_fr(o.cree_le)),
                ("Par", o.structure.nom),
                ("Vers", _destination(o)),
                ("Besoins", _thematiques(o.thematiques)),
                ("En quelques mots", o.besoin or "Rien d'écrit, ou effacé après le délai"),
                ("État", o.get_statut_display()),
            ),
        )
        for o in orientations
    )
    return Rubrique(
        cle="orientations",
        titre="Les orientations vers un lieu ou un atelier",
        elements=elements,
        explication="Pour qu'un lieu de médiation vous accueille et vous recontacte.",
        ordre=420,
    )


def rubriques(user, beneficiaire):
    if not socle.can_view_beneficiaire(user, beneficiaire):
        return []
    return [
        _activites(user, beneficiaire),
        _diagnostics(beneficiaire),
        _orientations(user, beneficiaire),
    ]


register_access_section("mediation", rubriques)
