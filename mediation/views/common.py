"""What every kiosk screen needs: the signed-in kiosk user, their lieu and shift."""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

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


def fin_de_service(request, lieu=None, raison="fin"):
    if lieu is not None:
        etat.journaliser(acteur=request.user, lieu=lieu, action="fin_service", raison=raison)
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
        if etat.service_termine(state):
            fin_de_service(request, lieu, raison="fin_du_service")
            messages.info(request, "Votre service est terminé : reconnectez-vous pour continuer.")
            return redirect("kiosque:connexion")
        request.kiosque = Kiosque(lieu=lieu, etat=state)
        return view(request, *args, **kwargs)

    return wrapper


def contexte(request, **extra):
    """Context of every signed-in kiosk screen (the inactivity delays come from settings)."""
    return {
        "kiosque": request.kiosque,
        "lieu_kiosque": request.kiosque.lieu,
        "inactivite": int(getattr(settings, "KIOSQUE_INACTIVITE_SECONDES", 120)),
        "compte_a_rebours": int(getattr(settings, "KIOSQUE_COMPTE_A_REBOURS_SECONDES", 10)),
        **extra,
    }


def journal(request, action, **details):
    etat.journaliser(acteur=request.user, lieu=request.kiosque.lieu, action=action, **details)


def inscription_du_parcours(request):
    """The registration made in this journey (for the ticket and the SMS), or None."""
    return ateliers_services.inscription_du_parcours(request.kiosque.parcours.get("inscription"))
