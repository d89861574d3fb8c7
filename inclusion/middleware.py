"""The socle's own middleware."""

from django.conf import settings


class AdminPolicyMiddleware:
    """The Wagtail admin gets a Content-Security-Policy of its own (settings
    CONTENT_SECURITY_POLICY_ADMIN), as strict as Wagtail allows: the site's policy would break
    it, and no policy at all would leave the screens that hold everyone's data unguarded.
    Placed after CSPMiddleware, so that its answer passes here first."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixe = settings.CONTENT_SECURITY_POLICY_ADMIN["URL_PREFIX"]
        self.directives = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(self.prefixe) and not hasattr(response, "_csp_config"):
            response._csp_config = self.directives
        return response


class PreviewFrameMiddleware:
    """Wagtail shows a preview in a frame of its editor (same origin) and builds it by running
    a stand-in request for the page's own URL through the middlewares, where the site's policy
    forbids any frame (frame-ancestors 'none'): that answer alone allows the same origin.
    Placed after CSPMiddleware, so that its answer passes here first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "is_dummy", False) and getattr(request, "is_preview", False):
            response._csp_replace = {
                **(getattr(response, "_csp_replace", None) or {}),
                "frame-ancestors": ["'self'"],
            }
        return response
