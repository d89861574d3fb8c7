""" "Vérifier un chèque" (a USB scanner types the QR's address then Enter) and "Encaisser"."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from inclusion.enums import Role
from inclusion.perms import has_role
from pass_numerique import codes, perms
from pass_numerique.enums import Prestation
from pass_numerique.forms import EncaisserForm, LieuForm, VerifierForm
from pass_numerique.models import Encaissement
from pass_numerique.perms import can_verify
from pass_numerique.services import redemption
from pass_numerique.views.common import require

SESSION_LIEU = "pass_lieu_id"
SESSION_LIEU_CHOIX = "pass_lieu_choix"  # the user has several lieux: offer "Changer de lieu"
RESERVED = (
    "La vérification des chèques est réservée aux médiateurs, prescripteurs et coordinateurs."
)


def _lieu_courant(request):
    """(lieu where the user redeems or None, must_choose). Remembered in the session."""
    lieux = perms.lieux_for_redemption(request.user).select_related("structure")
    lieu_id = request.session.get(SESSION_LIEU)
    if lieu_id is not None:
        lieu = lieux.filter(pk=lieu_id).first()
        if lieu is not None:
            return lieu, False
        del request.session[SESSION_LIEU]
    found = list(lieux.order_by("nom")[:2])
    if len(found) == 1:
        request.session[SESSION_LIEU] = found[0].pk
        request.session[SESSION_LIEU_CHOIX] = False
        return found[0], False
    return None, len(found) > 1


def _page(request, *, lieu, status=200, **context):
    user = request.user
    context.setdefault("form", VerifierForm())
    if lieu is None:
        if has_role(user, Role.MEDIATEUR):
            pourquoi = (
                "Votre lieu n'est pas qualifié pour le pass numérique : vous pouvez vérifier "
                "un chèque, mais pas l'encaisser."
            )
        else:
            pourquoi = "Vous pouvez vérifier un chèque. Seuls les lieux qualifiés l'encaissent."
        context["pas_d_encaissement"] = pourquoi
    return render(
        request,
        "pass_numerique/pro/verifier.html",
        {
            "lieu": lieu,
            "lieu_choix": request.session.get(SESSION_LIEU_CHOIX, False),
            **context,
        },
        status=status,
    )


def _trop(request, lieu):
    return _page(
        request, lieu=lieu, status=429, trop_de_tentatives=redemption.TooManyAttempts.message
    )


def _derniere_prestation(data):
    """The service chosen for the previous chèque, carried by the scan form (no session write,
    so the redemption request stays cheap)."""
    value = data.get("derniere_prestation", "")
    return value if value in Prestation.values else ""


def _resultat(request, *, lieu, code, status=200, encaisser_form=None, derniere=""):
    """Check `code` (rate-limited) and render the result, with "Encaisser" when allowed."""
    try:
        check = redemption.checked_by(user=request.user, code=code, lieu=lieu)
    except redemption.TooManyAttempts:
        return _trop(request, lieu)
    context = {"check": check, "derniere_prestation": derniere}
    if check.ok:
        context["code_affiche"] = codes.format_code(codes.normalize(code))
        if lieu is not None and perms.can_redeem(request.user, lieu):
            context["encaisser_form"] = encaisser_form or EncaisserForm(
                initial={
                    "code": codes.normalize(code),
                    "prestation": derniere or None,
                }
            )
    return _page(request, lieu=lieu, status=status if check.ok else 422, **context)


def check_cheque(request):
    require(can_verify(request.user), RESERVED)
    lieu, must_choose = _lieu_courant(request)
    if must_choose:
        return redirect(f"{reverse('pass:choisir_lieu')}?{urlencode({'suite': 'verifier'})}")
    # A code is checked on POST only: a GET (a link or an image on a foreign page) must not
    # spend the user's failed attempts, and codes stay out of query strings (proxy logs,
    # browser history). A GET "?code=" is ignored.
    data = request.POST if request.method == "POST" else request.GET
    if request.method != "POST" or "code" not in data:
        encaissement = None
        if data.get("encaisse", "").isdigit():
            encaissement = (
                Encaissement.objects.select_related("cheque__carnet")
                .filter(pk=data["encaisse"], encaisse_par=request.user)
                .first()
            )
        return _page(
            request,
            lieu=lieu,
            encaissement=encaissement,
            derniere_prestation=_derniere_prestation(data),
        )
    form = VerifierForm(data, autofocus=True)
    if not form.is_valid():
        return _page(request, lieu=lieu, form=form, status=422)
    return _resultat(
        request, lieu=lieu, code=form.cleaned_data["code"], derniere=_derniere_prestation(data)
    )


def choose_lieu(request):
    require(can_verify(request.user), RESERVED)
    lieux = perms.lieux_for_redemption(request.user).select_related("commune").order_by("nom")
    form = LieuForm(
        request.POST or None, lieux=lieux, initial={"lieu": request.session.get(SESSION_LIEU)}
    )
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_LIEU] = form.cleaned_data["lieu"].pk
        request.session[SESSION_LIEU_CHOIX] = True
        return redirect("pass:verifier")
    return render(
        request,
        "pass_numerique/pro/choisir_lieu.html",
        {"form": form, "aucun": not lieux.exists()},
        status=422 if form.errors else 200,
    )


@require_POST
def redeem(request):
    """At most a handful of queries: the lieu comes from the session, the service checks."""
    user = request.user
    lieu_id = request.session.get(SESSION_LIEU)
    # This one query loads the lieu and proves the user may redeem there.
    lieu = perms.lieux_for_redemption(user).filter(pk=lieu_id).first() if lieu_id else None
    if lieu is None:
        require(can_verify(user), RESERVED)
        if lieu_id:
            raise PermissionDenied(
                "Vous pouvez vérifier ce chèque, mais pas l'encaisser ici : il faut être "
                "médiateur d'un lieu qualifié pour le pass numérique."
            )
        return redirect("pass:verifier")
    form = EncaisserForm(request.POST)
    if not form.is_valid():
        code = request.POST.get("code", "")
        if "code" in form.errors or "demande_id" in form.errors:
            return _page(
                request,
                lieu=lieu,
                form=VerifierForm(autofocus=True),
                status=422,
                incomplet=form.non_field_errors(),
            )
        return _resultat(
            request,
            lieu=lieu,
            code=code,
            status=422,
            encaisser_form=form,
            derniere=_derniere_prestation(request.POST),
        )
    data = form.cleaned_data
    try:
        encaissement = redemption.redeem_cheque(
            acteur=user,
            lieu=lieu,
            code=data["code"],
            prestation=data["prestation"],
            reference=data["reference"],
            demande_id=data["demande_id"],
        )
    except redemption.TooManyAttempts:
        return _trop(request, lieu)
    except redemption.RedemptionRefused as refus:
        return _page(request, lieu=lieu, check=refus.check, status=409)
    # Post/redirect/get: a refresh never re-submits, and the answer costs no rendering here.
    query = urlencode({"encaisse": encaissement.pk, "derniere_prestation": data["prestation"]})
    return redirect(f"{reverse('pass:verifier')}?{query}")


@never_cache
def cheque_court(request, code):
    """/c/<code>, the QR code of a chèque: a confirmation page whose button posts the code
    (hidden field, CSRF) to "Vérifier un chèque". Nothing is checked here, so a foreign page
    cannot spend the user's attempts; the page is not cached and, being at /c/<code>, never
    sends its path as a referrer."""
    require(can_verify(request.user), RESERVED)
    try:
        clean = codes.normalize(code)
    except codes.InvalidCode:
        clean, affiche = code, ""  # the POST explains what is wrong with it
    else:
        affiche = codes.format_code(clean)
    response = render(
        request,
        "pass_numerique/pro/cheque_court.html",
        {"code": clean, "code_affiche": affiche},
    )
    # The code is in this page's path: no request from it names the path in a Referer.
    # Not "no-referrer": browsers then send "Origin: null" with the form's POST, which the
    # CSRF check refuses; "strict-origin" sends the origin only, and a valid Origin.
    response["Referrer-Policy"] = "strict-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
