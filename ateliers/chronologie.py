"""This layer's lines of a person's timeline (inclusion.registry.register_timeline_provider):
registrations (or a place on the waiting list), leaving the waiting list, attendance and
cancellations. One query."""

from django.urls import reverse
from django.utils import timezone

from ateliers.enums import StatutInscription, StatutSession
from ateliers.models import Inscription
from ateliers.perms import structure_ids_ateliers
from inclusion import perms as socle
from inclusion.registry import Evenement, register_timeline_provider

PRESENCES = {
    StatutInscription.PRESENT: ("presence", "Présence à l'atelier"),
    StatutInscription.ABSENT: ("absence", "Absence à l'atelier"),
    StatutInscription.EXCUSE: ("absence", "Absence excusée à l'atelier"),
}


def evenements(user, beneficiaire):
    """Every registration of the person: whoever may open the file may see their name on any
    session's lists (ateliers.perms.can_see_name). The session's page is linked when the user
    may open it (their structures' sessions, or one still to come)."""
    if not socle.can_view_beneficiaire(user, beneficiaire):
        return []
    ids = structure_ids_ateliers(user)
    now = timezone.now()
    inscriptions = Inscription.objects.filter(beneficiaire=beneficiaire).select_related(
        "session__theme", "session__lieu"
    )
    events = []
    for inscription in inscriptions:
        session = inscription.session
        visible = (
            ids is None
            or session.lieu.structure_id in ids
            or (session.statut == StatutSession.PLANIFIEE and session.debut > now)
        )
        url = reverse("ateliers:session_detail", args=[session.pk]) if visible else ""
        theme = f"« {session.theme.titre} »"
        debut = timezone.localtime(session.debut)
        annulee = " Session annulée." if session.statut == StatutSession.ANNULEE else ""
        quand_ou = f"Atelier du {debut:%d/%m/%Y à %H:%M}, {session.lieu.nom}.{annulee}"

        def line(quand, nature, titre, detail=quand_ou, url=url):
            return Evenement(
                quand=timezone.localtime(quand), nature=nature, titre=titre, detail=detail, url=url
            )

        attente = inscription.statut == StatutInscription.EN_ATTENTE or inscription.promu_le
        if attente:
            events.append(line(inscription.inscrit_le, "attente", f"Liste d'attente {theme}"))
        else:
            events.append(line(inscription.inscrit_le, "inscription", f"Inscription {theme}"))
        if inscription.promu_le:
            events.append(
                line(inscription.promu_le, "inscription", f"Une place s'est libérée {theme}")
            )
        if inscription.statut in PRESENCES:
            nature, titre = PRESENCES[inscription.statut]
            events.append(line(session.debut, nature, f"{titre} {theme}", f"{session.lieu.nom}."))
        if inscription.statut == StatutInscription.ANNULE and inscription.annule_le:
            par = " Annulée par la personne." if inscription.annule_par_la_personne else ""
            events.append(
                line(
                    inscription.annule_le,
                    "annulation",
                    f"Inscription annulée {theme}",
                    quand_ou + par,
                )
            )
    return events


register_timeline_provider("ateliers", evenements)
