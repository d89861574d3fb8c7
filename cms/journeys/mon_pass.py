from django.contrib.auth.decorators import login_not_required
from wagtail.contrib.routable_page.models import RoutablePageMixin


class Routes(RoutablePageMixin):
    """Routes of the page (filled in by the journeys work)."""


@login_not_required
def qr_code(request, code):
    """/p/<code>: the carnet's QR target (to be written: render the site's Mon pass page)."""
    from pass_numerique.views.public import mon_pass_view

    return mon_pass_view(request, code)
