"""Small query helpers shared by the layers."""

from django.db.models import Count, IntegerField, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(queryset, by):
    """The number of rows of `queryset` (already filtered on an OuterRef through `by`), as an
    expression to annotate: 0 when there are none. A subquery rather than a join and GROUP
    BY, which would make Django drop the outer model's ordering."""
    counted = queryset.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), Value(0), output_field=IntegerField())
