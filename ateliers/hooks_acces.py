"""Issue 18: this layer's part of the person's access document (inclusion.services.acces):
their workshop registrations, with the session, the place, the state and attendance. One
query."""

from ateliers.enums import StatutInscription, StatutSession
from ateliers.models import Inscription
from inclusion import perms as socle
from inclusion.registry import Element, Rubrique, register_access_section
from inclusion.services.acces import date_fr

PRESENCES = {
    StatutInscription.PRESENT: "Présente",
    StatutInscription.ABSENT: "Absente",
    StatutInscription.EXCUSE: "Absente, excusée",
}


def rubriques(user, beneficiaire):
    """Every registration of the person: whoever may open the file sees them all (as the
    timeline, ateliers.perms.can_see_name)."""
    if not socle.can_view_beneficiaire(user, beneficiaire):
        return []
    inscriptions = (
        Inscription.objects.filter(beneficiaire=beneficiaire)
        .select_related("session__theme", "session__lieu")
        .order_by("inscrit_le", "pk")
    )
    elements = []
    for inscription in inscriptions:
        session = inscription.session
        statut = inscription.get_statut_display()
        if session.statut == StatutSession.ANNULEE:
            statut += " (session annulée)"
        if inscription.annule_le:
            par = " par la personne" if inscription.annule_par_la_personne else ""
            statut += f", annulée{par} le {date_fr(inscription.annule_le)}"
        presence = PRESENCES.get(inscription.statut, "Pas notée")
        lignes = (
            ("Atelier", session.theme.titre),
            ("Date", date_fr(session.debut)),
            ("Lieu", session.lieu.nom),
            ("État de l'inscription", statut),
            ("Inscrite depuis", inscription.get_canal_display()),
            ("Inscrite le", date_fr(inscription.inscrit_le)),
            ("Présence", presence),
        )
        elements.append(Element(titre=f"Atelier « {session.theme.titre} »", lignes=lignes))
    return [
        Rubrique(
            cle="inscriptions",
            titre="Les inscriptions aux ateliers",
            elements=tuple(elements),
            explication="Pour vous garder une place, vous rappeler l'atelier et noter votre venue.",
            ordre=300,
        )
    ]


register_access_section("ateliers", rubriques)
