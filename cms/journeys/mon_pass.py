from wagtail.contrib.routable_page.models import RoutablePageMixin


class Routes(RoutablePageMixin):
    """Routes of the page (filled in by the journeys work)."""
