from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from inclusion.page_cache import cached_page_view
from inclusion.views import medias, public, sante
from inclusion.views import sms as sms_views


def public_patterns(patterns, cached=False):
    """Mark third-party public URL patterns (Wagtail pages, documents) as open to all; the
    Wagtail pages are served through the public pages' cache (inclusion/page_cache.py)."""
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            public_patterns(pattern.url_patterns, cached)
        else:
            callback = cached_page_view(pattern.callback) if cached else pattern.callback
            pattern.callback = login_not_required(callback)
    return patterns


urlpatterns = [
    path("sante/", public.sante, name="sante"),
    path("sante/pret/", sante.pret, name="sante_pret"),
    path("habillage.css", public.habillage_css, name="habillage_css"),
    # The public site's own routes (e.g. /p/<code> served as the "Mon pass" page) come first.
    path("", include("cms.urls")),
    # Short URLs printed as QR codes: /c/<code> (chèque), /p/<code> (carnet, "Mon pass").
    path("", include("pass_numerique.urls_public")),
    path("pro/compte/", include("inclusion.urls_comptes")),
    path("pro/invitation/", include("inclusion.urls_invitations")),
    path("pro/double-facteur/", include("inclusion.urls_double_facteur")),
    path("pro/mon-compte/", include("inclusion.urls_mon_compte")),
    path("pro/equipe/comptes/", include("inclusion.urls_comptes_gestion")),
    path("pro/equipe/", include("inclusion.urls_equipe")),
    path("pro/exports/", include("inclusion.urls_exports")),
    path("pro/doublons/", include("inclusion.urls_doublons")),
    path("pro/import/", include("inclusion.urls_import")),
    path("pro/conservation/", include("inclusion.urls_conservation")),
    path("pro/effacement/", include("inclusion.urls_effacement")),
    path("pro/donnees/", include("inclusion.urls_acces")),
    path("donnees-personnelles/", include("inclusion.urls_donnees_publiques")),
    path("pro/", include("inclusion.urls_pro")),
    # Higher layers are wired by dotted path only: the socle imports none of them.
    path("pro/pass/gestion/", include("pass_numerique.urls_gestion")),
    path("pro/pass/", include("pass_numerique.urls")),
    path("pro/ateliers/emargement/", include("ateliers.urls_emargement")),
    path("pro/ateliers/", include("ateliers.urls")),
    path("ateliers/", include("ateliers.urls_public")),
    path("pro/activites/", include("mediation.urls_activites")),
    path("pro/diagnostics/", include("mediation.urls_diagnostic")),
    path("pro/orientations/", include("mediation.urls_orientations")),
    path("diagnostic/", include("mediation.urls_diagnostic_public")),
    path("orientations/", include("mediation.urls_orientations_lien")),
    path("pro/pilotage/", include("mediation.urls_pilotage")),
    path("pro/jetons-api/", include("mediation.urls_jetons")),
    path("pilotage/partage/", include("mediation.urls_partage")),
    path("opendata/", include("mediation.urls_opendata")),
    path("api/v1/", include("mediation.urls_api")),
    path("kiosque/", include("mediation.urls_kiosque")),
    path("sms/", include("inclusion.sms.urls")),
    # The short opt-out link printed in SMS (/s/<token>); the long /sms/stop/… still works.
    path("s/<str:token>", sms_views.stop, name="sms_stop"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(public_patterns(list(wagtaildocs_urls.urlpatterns)))),
]

# The public site's image renditions from the media storage (disk or S3); nginx may serve
# them from disk first. Any other media name is a 404 (exports, documents: their own doors).
urlpatterns += [path("media/<path:chemin>", medias.image_publique, name="image_publique")]

urlpatterns += [path("", include(public_patterns(list(wagtail_urls.urlpatterns), cached=True)))]
