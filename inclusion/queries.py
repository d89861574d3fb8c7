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
    """A hot query's SQL, written by the ORM once per process and database, then run with its
    values changed. For the queries of every page (the signed-in user and its roles, a
    filter's choices, a page's participants), where building the SQL cost several times more
    than running it (bench/README.md "http_views"). `build(*values)` returns the queryset
    (a values_list()); each of its `nombre` values must reach the SQL as one parameter,
    unchanged."""

    # Values no column holds (one per value), to find where the real ones go.
    MARQUE = -7_421_937_113

    def __init__(self, build, nombre=1):
        self.build = build
        self.nombre = nombre
        self._compiled = {}

    def sql(self, using):
        """(sql, parameters, index of each value among them, compiler) for `using`."""
        if using not in self._compiled:
            marques = [self.MARQUE - i for i in range(self.nombre)]
            compiler = self.build(*marques).query.get_compiler(using)
            sql, params = compiler.as_sql()
            places = []
            for marque in marques:
                found = [i for i, p in enumerate(params) if p == marque]
                if len(found) != 1:
                    raise ValueError("RequeteCompilee: each value must be one parameter")
                places.append(found[0])
            self._compiled[using] = (sql, tuple(params), tuple(places), compiler)
        return self._compiled[using]

    def rows(self, values, using):
        """The query's rows as tuples, with `values` (a sequence of `nombre` values) in place
        of the markers, converted as the ORM converts them (the compiler kept with the SQL:
        a database's converters are stateless)."""
        sql, params, places, compiler = self.sql(using)
        if len(values) != len(places):
            raise ValueError(f"RequeteCompilee: {len(places)} values expected")
        params = list(params)
        for place, value in zip(places, values, strict=True):
            params[place] = value
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        return list(compiler.results_iter(results=[fetched], tuple_expected=True))
