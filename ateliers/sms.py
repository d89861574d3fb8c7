"""SMS keywords of the ateliers (registered in AteliersConfig.ready): OUI, ANNULER, ATELIERS."""

from django.utils import timezone

from ateliers.enums import StatutInscription, StatutSession
from ateliers.models import Inscription, Session
from ateliers.services.notifications import quand
from ateliers.services.registrations import cancel_registration


def _next_registration(inbound):
    return (
        Inscription.objects.filter(
            beneficiaire__in=inbound.beneficiaires,
            statut__in=(StatutInscription.INSCRIT, StatutInscription.EN_ATTENTE),
            session__statut=StatutSession.PLANIFIEE,
            session__debut__gt=timezone.now(),
        )
        .select_related("session__theme", "session__lieu")
        .order_by("session__debut")
        .first()
    )


def handle_annuler(inbound):
    inscription = _next_registration(inbound)
    if inscription is None:
        return "Vous n'avez pas d'atelier à venir."
    cancel_registration(inscription=inscription, par_la_personne=True)
    session = inscription.session
    return (
        f"C'est noté : votre place à l'atelier {session.theme.titre_falc} {quand(session)} "
        "est annulée. Merci de nous avoir prévenus."
    )


def handle_oui(inbound):
    inscription = _next_registration(inbound)
    if inscription is None:
        return "Vous n'avez pas d'atelier à venir. Répondez ATELIERS pour voir les prochains."
    session = inscription.session
    return f"Merci ! Nous vous attendons {quand(session)}, {session.lieu.nom}."


def handle_ateliers(inbound):
    people = inbound.beneficiaires
    quartiers = {p.quartier_id for p in people if p.quartier_id}
    communes = {p.commune_id for p in people if p.commune_id}
    upcoming = list(
        Session.objects.filter(statut=StatutSession.PLANIFIEE, debut__gt=timezone.now())
        .select_related("theme", "lieu")
        .order_by("debut")[:60]
    )

    def nearness(session):
        if session.lieu.quartier_id in quartiers:
            return 0
        return 1 if session.lieu.commune_id in communes else 2

    chosen = sorted(
        (s for s in upcoming if s.nb_inscrits < s.capacite), key=lambda s: (nearness(s), s.debut)
    )[:3]
    if not chosen:
        return "Pas d'atelier avec des places pour le moment."
    lines = [
        f"{s.theme.titre_falc} {quand(s)}, {s.lieu.nom}"
        for s in sorted(chosen, key=lambda s: s.debut)
    ]
    return "Prochains ateliers : " + " ; ".join(lines) + "."
