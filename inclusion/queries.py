"""Small query helpers shared by the layers."""

from django.db import connections
from django.db.models import Count, IntegerField, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(queryset, by):
    """The number of rows of `queryset` (already filtered on an OuterRef through `by`), as an
    expression to annotate: 0 when there are none. A subquery rather than a join and GROUP
    BY, which would make Django drop the outer model's ordering."""
    counted = queryset.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), Value(0), output_field=IntegerField())


class RequeteCompilee:
    """A hot query's SQL, written by the ORM once per process and database, then run with
    one parameter changed. For the queries of every page (the signed-in user and its
    roles), where building the SQL cost five times more than running it (bench/README.md
    "http_views"). `build(value)` returns the queryset; `value` must reach the SQL as one
    parameter, unchanged."""

    # A value no column holds, to find where the real one goes among the parameters.
    MARQUE = -7_421_937_113

    def __init__(self, build, parametre=True):
        """`parametre=False`: `build()` takes nothing, the query is the same every time."""
        self.build = build
        self.parametre = parametre
        self._compiled = {}

    def sql(self, using):
        """(sql, parameters, index of the changing one or None, compiler) for `using`."""
        if using not in self._compiled:
            queryset = self.build(self.MARQUE) if self.parametre else self.build()
            compiler = queryset.query.get_compiler(using)
            sql, params = compiler.as_sql()
            places = [i for i, p in enumerate(params) if p == self.MARQUE]
            if len(places) != (1 if self.parametre else 0):
                raise ValueError("RequeteCompilee: the value must be one parameter of the SQL")
            self._compiled[using] = (sql, tuple(params), places[0] if places else None, compiler)
        return self._compiled[using]

    def rows(self, value, using):
        """The query's rows as tuples, with `value` in place of the marker (None for a
        query without parameter), converted as the ORM converts them (the compiler kept
        with the SQL: a database's converters are stateless). For a values_list()
        queryset."""
        sql, params, i, compiler = self.sql(using)
        if i is not None:
            params = params[:i] + (value,) + params[i + 1 :]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        return list(compiler.results_iter(results=[fetched], tuple_expected=True))
