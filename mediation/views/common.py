"""What every kiosk screen needs: the signed-in kiosk user, their lieu and shift."""

import functools
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone

from inclusion import session_scope
from mediation import perms
from mediation.services import ateliers as ateliers_services
from mediation.services import etat

RESERVE = "Le kiosque est réservé aux volontaires et aux médiateurs d'une structure."


@dataclass
class Kiosque:
    lieu: object
    etat: dict

    @property
    def parcours(self):
        return self.etat.get("parcours") or {}


def close_service(request, lieu=None, raison="fin"):
    if lieu is not None:
        etat.write_journal_kiosque(
            acteur=request.user, lieu=lieu, action="fin_service", raison=raison
        )
    logout(request)


def kiosque_requis(view):
    """Signed in (else the kiosk's login page), allowed, with a shift under way at a lieu of
    one of the user's structures. `request.kiosque` then holds the lieu and the state."""

    @login_required(login_url="kiosque:connexion")
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not perms.can_use_kiosque(user):
            raise PermissionDenied(RESERVE)
        state = etat.etat(request)
        if state is None:
            return redirect("kiosque:connexion")
        lieu = (
            perms.lieux_kiosque(user)
            .select_related("structure", "commune")
            .filter(pk=state.get("lieu"))
            .first()
        )
        if lieu is None:
            request.session.pop(etat.CLE, None)
            return redirect("kiosque:connexion")
        now = timezone.now()
        if etat.service_termine(state, now):
            close_service(request, lieu, raison="fin_du_service")
            messages.info(request, "Votre service est terminé : reconnectez-vous pour continuer.")
            return redirect("kiosque:connexion")
        inactif = etat.inactif_depuis(state, now)
        if inactif >= etat.limite_session():
            close_service(request, lieu, raison="inactivite")
            messages.info(request, "Le kiosque n'a pas servi depuis un moment : reconnectez-vous.")
            return redirect("kiosque:connexion")
        if inactif >= etat.limite_parcours() and state.get("parcours"):
            # The browser's countdown did not run (closed, frozen, no JavaScript).
            etat.reset_parcours(request)
            etat.write_journal_kiosque(
                acteur=user, lieu=lieu, action="recommencer", raison="inactivite_serveur"
            )
            messages.info(request, "L'écran a été effacé après un moment sans activité.")
        etat.record_activity(request, now)
        request.kiosque = Kiosque(lieu=lieu, etat=state)
        return view(request, *args, **kwargs)

    return wrapper


def contexte(request, **extra):
    """Context of every signed-in kiosk screen (the inactivity delays come from settings)."""
    return {
        "kiosque": request.kiosque,
        "lieu_kiosque": request.kiosque.lieu,
        "inactivite": etat.delai_inactivite(),
        "compte_a_rebours": etat.delai_compte_a_rebours(),
        # A session opened at the kiosk reaches nothing else: no link out of it.
        "kiosque_confine": session_scope.portee(request) is not None,
        **extra,
    }


def log_action(request, action, **details):
    etat.write_journal_kiosque(
        acteur=request.user, lieu=request.kiosque.lieu, action=action, **details
    )


def inscription_du_parcours(request):
    """The registration made in this journey (for the ticket and the SMS), or None."""
    return ateliers_services.inscription_du_parcours(request.kiosque.parcours.get("inscription"))
