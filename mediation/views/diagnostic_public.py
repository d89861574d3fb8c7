"""The public site's diagnostic (/diagnostic/): alone, without an account, without
JavaScript. Nothing is stored: the answers travel in the pages' forms; the result can be
printed, or sent by SMS when the person ticks the box (the SMS outbox keeps that text)."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from inclusion.client_ip import client_ip
from inclusion.forms import apply_service_errors
from inclusion.models import Commune
from inclusion.services.telephones import mask_phone, parse_phone
from mediation import diagnostic_hooks
from mediation.forms_diagnostic import SmsForm
from mediation.services import diagnostics as services
from mediation.views import diagnostic_etapes as etapes

TEMPLATES = "mediation/diagnostic/public/"


def _communes():
    """Communes that have an active place, for "near me" (a short list)."""
    return Commune.objects.filter(lieux__actif=True, lieux__structure__active=True).distinct()


def _commune(request):
    valeur = request.POST.get("commune", "")
    return int(valeur) if valeur.isdigit() else None


def _resultat(request, etat, *, sms_form=None, status=200, **extra):
    resultat = etat.resultat()
    commune_id = _commune(request)
    sessions = services.sessions_pour(resultat, commune_id=commune_id)
    return render(
        request,
        TEMPLATES + "resultat.html",
        {
            **etapes.contexte(etat),
            "sessions": [(s, diagnostic_hooks.lien_session_publique(request, s)) for s in sessions],
            "communes": _communes().order_by("nom"),
            "commune_id": commune_id,
            "sms_form": sms_form or SmsForm(),
            **extra,
        },
        status=status,
    )


@login_not_required
@never_cache
@require_safe
def start(request):
    return render(
        request,
        TEMPLATES + "accueil.html",
        {"nb_questions": etapes.DERNIERE, "cachees": []},
    )


@login_not_required
@never_cache
def questions(request):
    """Each POST carries the answers so far; a GET starts again."""
    if request.method != "POST":
        return redirect("diagnostic_public:accueil")
    etat = etapes.read_state(request.POST)
    if etat.termine:
        return _resultat(request, etat)
    return render(request, TEMPLATES + "question.html", etapes.contexte(etat))


@login_not_required
@never_cache
@require_POST
def send_sms(request):
    """The result by SMS, with explicit consent; the page shows the result again either way."""
    etat = etapes.read_state(request.POST)
    if not etat.termine:
        return render(request, TEMPLATES + "question.html", etapes.contexte(etat))
    form = SmsForm(request.POST)
    if form.is_valid():
        telephone = parse_phone(form.cleaned_data["telephone"])
        resultat = etat.resultat()
        sessions = services.sessions_pour(resultat, commune_id=_commune(request), limite=1)
        try:
            services.send_resultat_sms(
                telephone=telephone,
                consentement=form.cleaned_data["consentement"],
                resultat=resultat,
                session=sessions[0] if sessions else None,
                ip=client_ip(request),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _resultat(
                request, etat, sms_envoye=mask_phone(telephone.e164), sms_form=SmsForm()
            )
    return _resultat(request, etat, sms_form=form, status=422)
