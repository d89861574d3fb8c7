from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render

from inclusion import registry


def csrf_failure(request, reason=""):
    """A refused form (CSRF) in French and within the strict CSP (Django's own page is in
    English with an inline style). The reason is for logs, not for users."""
    return render(request, "403_csrf.html", status=403)


@login_not_required
def sante(request):
    """Health check for load balancers: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


def _plus_sombre(hex_colour, facteur=0.7):
    rgb = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c * facteur):02x}" for c in rgb)


@login_not_required
def habillage_css(request):
    """White-label colours as CSS custom properties: a stylesheet, since the CSP forbids inline
    styles. Versioned in its URL by the habillage, so browsers may keep it a long time."""
    habillage = registry.habillage(request)
    lines = []
    if habillage.couleur_principale:
        lines.append(f"--color-brand: {habillage.couleur_principale};")
        lines.append(f"--color-brand-dark: {_plus_sombre(habillage.couleur_principale)};")
    if habillage.couleur_secondaire:
        lines.append(f"--color-accent: {habillage.couleur_secondaire};")
    body = ":root {\n  " + "\n  ".join(lines) + "\n}\n" if lines else ""
    response = HttpResponse(body, content_type="text/css; charset=utf-8")
    if request.GET.get("v") == habillage.version:
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "public, max-age=300"
    return response
