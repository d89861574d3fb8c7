"""The hot paths of the service, run for real (views through the test Client, services called
as the views call them) on a database filled by bench/national/seed.py, with every SQL
statement captured; and the reading of their plans (EXPLAIN FORMAT JSON).

Shared by tests/test_explain_national.py (a small seed, plans must use indexes) and
bench/national/explain.py (the national database, plans and timings recorded).
"""

import datetime
import uuid

from seed import BIG, CHEQUES_PAR_CARNET, COLLECTIVITES

from pass_numerique import codes

TERRITOIRE = "tableau de bord (coordinateur, tout le territoire)"


def code_of_cheque(cheque_id):
    """The printed code of a seeded chèque (see seed.py: "C" + 15 hexadecimal digits)."""
    data = "C" + format(cheque_id, "X").rjust(15, "0")
    return data + codes.check_character(data)


def code_of_carnet(carnet_id):
    data = "K" + format(carnet_id, "X").rjust(15, "0")
    return data + codes.check_character(data)


class Monde:
    """Who and what the hot paths use: the last active structure of the seed (a plain one at
    national size), its prescripteur, médiateur, a place, a carnet with valid chèques, a
    person, a session; a coordinator of collectivité 1."""

    def __init__(self):
        from ateliers.models import Session
        from inclusion.models import Beneficiaire, Structure, User
        from pass_numerique.models import Carnet, Cheque

        self.structure = Structure.objects.filter(active=True).order_by("-pk").first()
        s = self.structure.pk
        seeded = User.objects.filter(email__endswith="@national.example").order_by("pk")
        u0 = seeded.first().pk - 1
        self.prescripteur = User.objects.get(pk=u0 + 3 * (s - 1) + 1)
        self.mediateur = User.objects.get(pk=u0 + 3 * (s - 1) + 2)
        self.coordinateur = User.objects.get(pk=u0 + 3)
        self.lieu_id = 2 * s  # the qualified place of the structure
        self.beneficiaire = (
            Beneficiaire.objects.filter(structure_id=s, anonymise_le__isnull=True)
            .order_by("-pk")
            .first()
        )
        self.carnet = (
            Carnet.objects.filter(structure_id=s, statut__in=["remis", "entame", "emis"])
            .order_by("-pk")
            .first()
        )
        cheque = (
            Cheque.objects.filter(carnet=self.carnet, statut="valide").order_by("-rang").first()
        )
        self.cheque_id = cheque.pk
        self.code = code_of_cheque(cheque.pk)
        self.session = (
            Session.objects.filter(lieu_id__in=[2 * s - 1, 2 * s]).order_by("-debut").first()
        )
        assert CHEQUES_PAR_CARNET and COLLECTIVITES  # noqa: S101 (seed constants in use)


def _get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)  # noqa: S101
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)


def hot_paths(monde, now):
    """{name: callable()} — each runs one hot path once."""
    from django.test import Client
    from django.urls import reverse

    from inclusion.models import Journal, SmsMessage
    from inclusion.models.sms import StatutSms
    from inclusion.outbox import due_ids
    from pass_numerique.services import redemption

    client = Client()
    m = monde

    def redeem():
        """What a médiateur does at the desk: the verify page (the place is remembered in
        the session), the code checked, then cashed, through the views."""
        client.force_login(m.mediateur)
        client.get(reverse("pass:verifier"))
        client.post(reverse("pass:verifier"), {"code": m.code})
        response = client.post(
            reverse("pass:encaisser"),
            {"code": m.code, "prestation": "atelier", "reference": "", "demande_id": uuid.uuid4()},
        )
        assert response.status_code in (200, 302), response.status_code  # noqa: S101

    def check_only():
        redemption.check_cheque(code=m.code)

    return {
        "encaisser un chèque par les vues": redeem,
        "vérifier un chèque (service)": check_only,
        "fiche d'une personne": lambda: _get(
            client, m.prescripteur, reverse("pro:beneficiaire_detail", args=[m.beneficiaire.uuid])
        ),
        "carnet et ses chèques": lambda: _get(
            client, m.prescripteur, reverse("pass:carnet_detail", args=[m.carnet.pk])
        ),
        "liste des personnes": lambda: _get(
            client, m.prescripteur, reverse("pro:beneficiaire_list")
        ),
        "liste des carnets": lambda: _get(client, m.prescripteur, reverse("pass:carnets")),
        "sessions à venir (mes sessions)": lambda: _get(
            client, m.mediateur, reverse("ateliers:mes_sessions")
        ),
        "liste des sessions": lambda: _get(client, m.mediateur, reverse("ateliers:liste")),
        "inscriptions d'une session": lambda: _get(
            client, m.mediateur, reverse("ateliers:session_detail", args=[m.session.pk])
        ),
        "activités d'un médiateur": lambda: _get(client, m.mediateur, reverse("activites:liste")),
        "SMS dus (balayage)": lambda: due_ids(
            SmsMessage, a_envoyer=StatutSms.A_ENVOYER, now=now, limit=500
        ),
        "purge du journal (un mois)": lambda: Journal.objects.purge_before(
            Journal.objects.order_by("quand").values_list("quand", flat=True).first()
            + datetime.timedelta(days=30)
        ),
        "tableau de bord (médiateur)": lambda: _get(
            client, m.mediateur, reverse("pilotage:tableau_de_bord")
        ),
        "tableau de bord (prescripteur)": lambda: _get(
            client, m.prescripteur, reverse("pilotage:tableau_de_bord")
        ),
        # Territory-wide aggregates over a year read a third of each table: a sequential scan
        # is the right plan there (measured, not asserted).
        TERRITOIRE: lambda: _get(client, m.coordinateur, reverse("pilotage:tableau_de_bord")),
    }


def capture(connection, run):
    """The SQL statements `run()` sends, parameters inlined."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        run()
    return [q["sql"] for q in ctx.captured_queries]


def explainable(sql):
    head = sql.lstrip().split(None, 1)[0].upper()
    if head not in {"SELECT", "UPDATE", "DELETE", "WITH"}:
        return False
    return any(table in sql for table in BIG)


PLANNER_OFF = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin")


def plan_of(connection, sql, *, forced=False):
    """EXPLAIN (FORMAT JSON) of one statement. forced=True: sequential scans, hash and merge
    joins are disabled for that statement (SET LOCAL, restored after), so every access to a
    table is made through an index wherever one can serve it: a Seq Scan left in the plan
    means no index can. forced=False: the plan the planner chooses with the statistics."""
    with connection.cursor() as cursor:
        if forced:
            for setting in PLANNER_OFF:
                cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
        if forced:
            for setting in PLANNER_OFF:
                cursor.execute(f"SET LOCAL {setting} = on")
    if isinstance(plan, str):
        import json

        plan = json.loads(plan)
    return plan[0]["Plan"]


def nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def full_scans(plan):
    """The reads of a big table not bounded by an index: a Seq Scan, or an index read whole
    (an Index Scan with no Index Cond and no Limit above it)."""
    found = []

    def walk(node, limited):
        limited = limited or node["Node Type"] == "Limit"
        relation = node.get("Relation Name")
        kind = node["Node Type"]
        if relation in BIG:
            if kind in {"Seq Scan", "Sample Scan", "Tid Range Scan"}:
                found.append(f"{kind} on {relation}")
            elif kind in {"Index Scan", "Index Only Scan"} and "Index Cond" not in node:
                if not limited:
                    found.append(
                        f"{kind} using {node.get('Index Name')} on {relation}, no condition"
                    )
        for child in node.get("Plans", []):
            walk(child, limited)

    walk(plan, False)
    return found


def summary(plan):
    """One line a node: type, relation, index, condition."""
    lines = []

    def walk(node, depth):
        parts = [node["Node Type"]]
        if node.get("Index Name"):
            parts.append(f"using {node['Index Name']}")
        if node.get("Relation Name"):
            parts.append(f"on {node['Relation Name']}")
        for key in ("Index Cond", "Filter"):
            if node.get(key):
                parts.append(f"{key}: {node[key][:300]}")
        lines.append("  " * depth + " ".join(parts))
        for child in node.get("Plans", []):
            walk(child, depth + 1)

    walk(plan, 0)
    return "\n".join(lines)
