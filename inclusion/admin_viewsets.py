from wagtail.admin.viewsets.model import ModelViewSet


class CoordinatorModelViewSet(ModelViewSet):
    """Base of the coordinators' admin viewsets of every layer: a predicate-based permission
    policy (`policy_class`), journalised views (`journal_prefix`), database search, no copy.
    A model that has a service is written through it (`inclusion.admin_views.Service*View`)."""

    policy_class = None
    journal_prefix = None
    search_backend_name = None
    copy_view_enabled = False
    list_per_page = 50

    @property
    def permission_policy(self):
        return self.policy_class(self.model)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(journal_prefix=self.journal_prefix, **kwargs)
