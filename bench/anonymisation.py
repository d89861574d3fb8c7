"""Anonymisation of inactive files (issue 18): N files anonymised by
`anonymise_inactive(now, wet_run=True)` on PostgreSQL, its time, files/s and memory, and the
latency of chèque redemptions made while it runs (against the same measured before it).

Run from the repository root:

    .venv/bin/python bench/anonymisation.py [--personnes N] [--part-liee F] [--baseline S]
        [--sans-tracemalloc]

Creates the throwaway database inclusion_bench_anonymisation, migrates it, seeds (structures,
users, places, the programme and one active person with carnets through the services; the N
inactive people and their rows with bulk_create), measures, checks, prints a table, writes
bench/results/anonymisation.json and drops the database, even on failure.

The N people were last active 3 years ago (due: the delay is 24 months). A fraction F of them
(default 0.2) has what the anonymizers blank: 2 SMS sent (text) and 1 received, an
orientation with free text and its receiving place, an activity record with notes (through
Participant), a carnet with 2 chèques cashed with a typed reference. One person in three has
an e-mail address.

While the purge runs in the main thread, a second thread (its own PostgreSQL connection)
redeems one of the active person's chèques every 50 ms through
pass_numerique.services.redemption.redeem_cheque, and a third samples the RSS and
PostgreSQL's lock waits (pg_locks, not granted) every 100 ms.
"""

import argparse
import datetime
import hashlib
import statistics
import sys
import threading
import time
import tracemalloc
import uuid

from common import ROOT, drop_database, say, setup_django, write_results

RESULTS = ROOT / "bench" / "results" / "anonymisation.json"
DB_NAME = "inclusion_bench_anonymisation"
PAS_MS = 50  # one redemption every 50 ms
BASELINE_S = 15
NB_STRUCTURES = 4
CARNETS_ACTIFS = 600  # 6,000 chèques of the active person: ~5 minutes of redemptions
COUNTED = (
    "inclusion.Beneficiaire",
    "inclusion.SmsMessage",
    "inclusion.SmsRecu",
    "mediation.Orientation",
    "mediation.Destinataire",
    "mediation.Activite",
    "mediation.Participant",
    "pass_numerique.Carnet",
    "pass_numerique.Cheque",
    "pass_numerique.Encaissement",
    "inclusion.Journal",
)


def _hash(*parts):
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


def seed_world():
    """Structures, users, places, the programme and the active person, through the services."""
    from django.utils import timezone

    from inclusion.enums import Role
    from inclusion.services import territoire
    from inclusion.services.beneficiaires import create_beneficiaire
    from pass_numerique.enums import StatutProgramme
    from pass_numerique.models import Enveloppe, Programme
    from pass_numerique.services.issuance import issue_carnets

    commune = territoire.create_commune(nom="Banc", code_insee="33990", codes_postaux="33990")
    coord = territoire.create_user(email="coord@bench.example")
    structures, lieux, prescripteurs, mediateurs = [], [], [], []
    for i in range(NB_STRUCTURES):
        structure = territoire.create_structure(
            nom=f"CCAS banc {i}", pivot="43493312300029", type="ccas", commune=commune
        )
        territoire.add_membership(user=coord, structure=structure, role=Role.COORDINATEUR)
        lieu = territoire.create_lieu(
            structure=structure,
            nom=f"Lieu banc {i}",
            commune=commune,
            code_postal="33990",
            adresse=f"{i} rue du Banc",
        )
        territoire.qualify_lieu(acteur=coord, lieu=lieu)
        lieu.refresh_from_db()
        presc = territoire.create_user(email=f"presc{i}@bench.example")
        territoire.add_membership(user=presc, structure=structure, role=Role.PRESCRIPTEUR)
        med = territoire.create_user(email=f"med{i}@bench.example")
        territoire.add_membership(user=med, structure=structure, role=Role.MEDIATEUR)
        structures.append(structure)
        lieux.append(lieu)
        prescripteurs.append(presc)
        mediateurs.append(med)
    programme = Programme.objects.create(
        nom="Banc",
        financeur=structures[0],
        fin_validite=timezone.localdate() + datetime.timedelta(days=300),
        statut=StatutProgramme.ACTIF,
        anonyme_autorise=True,
    )
    enveloppes = [
        Enveloppe.objects.create(programme=programme, structure=s, nb_cheques=10**7)
        for s in structures
    ]
    actif = create_beneficiaire(
        acteur=prescripteurs[0],
        structure=structures[0],
        prenom="Active",
        nom="Banc",
        telephone="0699999999",
        commune=commune,
    )
    items = []
    for _ in range(CARNETS_ACTIFS // 5):
        items += issue_carnets(
            acteur=prescripteurs[0], enveloppe=enveloppes[0], beneficiaire=actif, nombre=5
        )
    return {
        "commune": commune,
        "structures": structures,
        "lieux": lieux,
        "prescripteurs": prescripteurs,
        "mediateurs": mediateurs,
        "programme": programme,
        "enveloppes": enveloppes,
        "actif": actif,
        "codes": [code for item in items for _, code in item.cheque_codes],
    }


def seed_inactive(w, nb, part_liee, batch=5000):
    """N inactive people (3 years without activity) and, for a fraction, the rows the
    anonymizers blank; bulk_create, one transaction per chunk of people."""
    from django.db import transaction
    from django.utils import timezone

    from inclusion.enums import ModeConsentement, TypeTelephone
    from inclusion.models import Beneficiaire, SmsMessage, SmsRecu, StatutSms
    from mediation.enums_orientations import StatutOrientation, TypeOrientation
    from mediation.models import Activite, Destinataire, Orientation, Participant
    from mediation.vocabulaire import TypeActivite, TypeLieu
    from pass_numerique.enums import Prestation, StatutCarnet, StatutCheque
    from pass_numerique.models import Carnet, Cheque, Encaissement

    now = timezone.now()
    jadis = now - datetime.timedelta(days=3 * 365)
    lie_tous = max(1, round(1 / part_liee)) if part_liee > 0 else 0
    for start in range(0, nb, batch):
        stop = min(start + batch, nb)
        with transaction.atomic():
            people = Beneficiaire.objects.bulk_create(
                Beneficiaire(
                    structure=w["structures"][i % NB_STRUCTURES],
                    prenom=f"Prénom{i}",
                    nom=f"Nom{i}",
                    telephone=f"+336{10_000_000 + i:08d}",  # unique French mobiles
                    type_telephone=TypeTelephone.MOBILE,
                    courriel=f"personne{i}@exemple.fr" if i % 3 == 0 else "",
                    annee_naissance=1940 + i % 60,
                    notes=f"Vient pour ses démarches CAF, rappeler sa fille ({i}).",
                    consentement_sms=i % 2 == 0,
                    consentement_sms_le=jadis if i % 2 == 0 else None,
                    consentement_sms_mode=ModeConsentement.values[0] if i % 2 == 0 else "",
                    commune=w["commune"],
                    cree_le=jadis - datetime.timedelta(days=200),
                    derniere_activite=jadis - datetime.timedelta(minutes=i),
                )
                for i in range(start, stop)
            )
            linked = [(i, p) for i, p in zip(range(start, stop), people, strict=True)]
            linked = [(i, p) for i, p in linked if lie_tous and i % lie_tous == 0]
            k = lambda i: i % NB_STRUCTURES  # noqa: E731
            sms = []
            for i, p in linked:
                for n in range(2):
                    sms.append(
                        SmsMessage(
                            beneficiaire=p,
                            telephone=p.telephone.as_e164,
                            corps=f"Bonjour Prénom{i}, votre atelier est demain à 14h ({n}).",
                            kind="atelier.rappel",
                            about="",
                            encodage="GSM-7",
                            segments=1,
                            statut=StatutSms.DELIVRE,
                            provider_id=f"SM{i}x{n}",
                            pas_avant=jadis,
                            envoye_le=jadis,
                        )
                    )
            SmsMessage.objects.bulk_create(sms)
            SmsRecu.objects.bulk_create(
                SmsRecu(provider_id=f"SR{i}", telephone=p.telephone.as_e164, corps="OUI merci")
                for i, p in linked
            )
            orientations = Orientation.objects.bulk_create(
                Orientation(
                    type=TypeOrientation.LIEU,
                    statut=StatutOrientation.TERMINEE,
                    beneficiaire=p,
                    structure=w["structures"][k(i)],
                    prescripteur=w["prescripteurs"][k(i)],
                    lieu=w["lieux"][(k(i) + 1) % NB_STRUCTURES],
                    besoin=f"Aide pour son dossier de retraite ({i})",
                    rdv_lieu="Salle 2, au fond du couloir",
                    a_apporter="Carte vitale, avis d'imposition",
                    message="Madame a du mal à lire, l'appeler avant.",
                    termine_le=jadis,
                    cree_le=jadis - datetime.timedelta(days=30),
                )
                for i, p in linked
            )
            Destinataire.objects.bulk_create(
                Destinataire(
                    orientation=o,
                    lieu=o.lieu,
                    lien_expire_le=jadis,
                    lien_envoye_a=f"accueil{i % 7}@lieu.example",
                    message="Nous la recevrons mardi.",
                )
                for (i, _), o in zip(linked, orientations, strict=True)
            )
            activites = Activite.objects.bulk_create(
                Activite(
                    type=TypeActivite.INDIVIDUEL,
                    mediateur=w["mediateurs"][k(i)],
                    structure=w["structures"][k(i)],
                    date=jadis.date(),
                    duree_minutes=45,
                    type_lieu=TypeLieu.LIEU_ACTIVITE,
                    lieu=w["lieux"][k(i)],
                    commune=w["commune"],
                    thematiques=["demarche_en_ligne"],
                    nom_demarche=f"Dossier retraite de Prénom{i}",
                    notes=f"Prénom{i} revient jeudi avec son fils.",
                )
                for i, p in linked
            )
            Participant.objects.bulk_create(
                Participant(activite=a, beneficiaire=p, commune=w["commune"])
                for (_, p), a in zip(linked, activites, strict=True)
            )
            carnets = Carnet.objects.bulk_create(
                Carnet(
                    programme=w["programme"],
                    enveloppe=w["enveloppes"][k(i)],
                    structure=w["structures"][k(i)],
                    beneficiaire=p,
                    code_hash=_hash("carnet", i),
                    statut=StatutCarnet.ENTAME,
                    nb_cheques=10,
                    nb_cheques_utilises=2,
                    fin_validite=jadis.date() + datetime.timedelta(days=300),
                    emis_le=jadis - datetime.timedelta(days=60),
                    emis_par=w["prescripteurs"][k(i)],
                )
                for i, p in linked
            )
            cheques = Cheque.objects.bulk_create(
                Cheque(
                    carnet=c,
                    rang=r,
                    code_hash=_hash("cheque", i, r),
                    valeur=w["programme"].valeur_cheque,
                    statut=StatutCheque.ENCAISSE if r <= 2 else StatutCheque.EXPIRE,
                )
                for (i, _), c in zip(linked, carnets, strict=True)
                for r in range(1, 11)
            )
            Encaissement.objects.bulk_create(
                Encaissement(
                    cheque=ch,
                    lieu=w["lieux"][0],
                    programme=w["programme"],
                    valeur=ch.valeur,
                    encaisse_le=jadis - datetime.timedelta(days=10),
                    encaisse_par=w["mediateurs"][0],
                    prestation=Prestation.ATELIER,
                    reference=f"Atelier tablette de Mme Nom{ch.carnet.beneficiaire_id}",
                    demande_id=uuid.uuid4(),
                )
                for ch in cheques
                if ch.statut == StatutCheque.ENCAISSE
            )
        if (stop // batch) % 5 == 0 or stop == nb:
            say(f"  {stop:,} people seeded")


def counts():
    from django.apps import apps

    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def percentiles(values_ms):
    if not values_ms:
        return {"n": 0}
    ordered = sorted(values_ms)

    def pick(q):
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "max_ms": round(ordered[-1], 1),
    }


class Redeemer(threading.Thread):
    """Redeems one chèque every PAS_MS through the service, on its own connection, and keeps
    each call's latency (ms) and when it started (seconds since the bench's origin)."""

    def __init__(self, w, codes, origin):
        super().__init__(daemon=True)
        self.w, self.codes, self.origin = w, codes, origin
        self.stop_event = threading.Event()
        self.samples = []  # (start s, latency ms)
        self.errors = []
        self.pid = None
        self.ready = threading.Event()

    def run(self):
        from django.db import connection, connections

        from pass_numerique.services import issuance, redemption

        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.ready.set()
            while not self.stop_event.is_set() and self.codes:
                code = self.codes.pop()
                start = time.perf_counter()
                try:
                    redemption.redeem_cheque(
                        acteur=self.w["mediateurs"][0],
                        lieu=self.w["lieux"][0],
                        code=code,
                        prestation="atelier",
                        demande_id=issuance.new_request_id(),
                    )
                except Exception as error:  # counted and reported
                    self.errors.append(repr(error)[:200])
                elapsed = time.perf_counter() - start
                self.samples.append((start - self.origin, elapsed * 1000))
                time.sleep(max(0.0, PAS_MS / 1000 - elapsed))
        finally:
            self.ready.set()
            connections.close_all()


WAITS_SQL = """
SELECT a.pid, l.locktype, l.relation::regclass::text, l.mode, a.wait_event_type,
       a.wait_event, EXTRACT(EPOCH FROM now() - a.state_change) * 1000,
       pg_blocking_pids(a.pid), left(a.query, 160)
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE NOT l.granted AND a.datname = current_database()
"""


def rss_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Watcher(threading.Thread):
    """Every 100 ms: the process's RSS, and the lock waits of the database's sessions."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop_event = threading.Event()
        self.rss_peak_kib = 0
        self.waits = {}  # (pid role, locktype, relation, mode) -> longest wait seen (ms)
        self.redeemer_pid = None

    def run(self):
        from django.db import connection, connections

        try:
            while not self.stop_event.is_set():
                self.rss_peak_kib = max(self.rss_peak_kib, rss_kib())
                with connection.cursor() as cursor:
                    cursor.execute(WAITS_SQL)
                    for pid, locktype, rel, mode, _, event, ms, blockers, query in cursor:
                        who = "redemption" if pid == self.redeemer_pid else "other"
                        key = (who, locktype, rel or "", mode, event or "")
                        seen = self.waits.get(key, {"ms": 0})
                        if ms is not None and float(ms) >= seen["ms"]:
                            self.waits[key] = {
                                "ms": round(float(ms)),
                                "blocked_by": list(blockers or []),
                                "query": query,
                            }
                self.stop_event.wait(0.1)
        finally:
            connections.close_all()


def measure(w, baseline_seconds, trace=True):
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from inclusion import conservation
    from inclusion.models import Beneficiaire
    from inclusion.services.anonymisation import BATCH, anonymise_inactive

    # The bench runs with DEBUG on (common.BASE_ENV): Django would keep every query of each
    # connection (up to 9,000) and count them in the peak. Production runs without.
    settings.DEBUG = False
    origin = time.perf_counter()
    codes = list(reversed(w["codes"]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        purge_pid = cursor.fetchone()[0]
        cursor.execute("ANALYZE")
    now = timezone.now()
    due_before = Beneficiaire.objects.filter(conservation.a_anonymiser(now)).count()
    before = counts()

    if trace:
        tracemalloc.start()
    watcher = Watcher()
    watcher.start()

    say(f"baseline: redemptions every {PAS_MS} ms for {baseline_seconds} s, no purge…")
    redeemer = Redeemer(w, codes, origin)
    redeemer.start()
    redeemer.ready.wait()
    watcher.redeemer_pid = redeemer.pid
    time.sleep(baseline_seconds)
    redeemer.stop_event.set()
    redeemer.join()
    baseline = [ms for _, ms in redeemer.samples]
    baseline_errors = list(redeemer.errors)

    say(f"purge of {due_before:,} due files (batches of {BATCH}) with redemptions alongside…")
    redeemer = Redeemer(w, codes, origin)
    redeemer.start()
    redeemer.ready.wait()
    watcher.redeemer_pid = redeemer.pid
    time.sleep(1)  # the redeemer is in its stride when the purge starts
    if trace:
        tracemalloc.reset_peak()
    rss_start = rss_kib()
    watcher.rss_peak_kib = rss_start
    cpu_start = time.process_time()
    now = timezone.now()
    start = time.perf_counter()
    totals = anonymise_inactive(now, wet_run=True)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    purge_window = (start - origin, start - origin + seconds)
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    redeemer.stop_event.set()
    redeemer.join()
    watcher.stop_event.set()
    watcher.join()
    if trace:
        tracemalloc.stop()
    during = [ms for t, ms in redeemer.samples if purge_window[0] <= t <= purge_window[1]]
    slowest = sorted(
        ((round(t - purge_window[0], 2), round(ms, 1)) for t, ms in redeemer.samples),
        key=lambda x: -x[1],
    )[:5]

    after = counts()
    redeemed = len(w["codes"]) - len(codes) - len(baseline_errors) - len(redeemer.errors)
    expected = dict(before)
    expected["pass_numerique.Encaissement"] += redeemed
    batches = -(-due_before // BATCH)
    expected["inclusion.Journal"] += batches
    left = Beneficiaire.objects.filter(conservation.a_anonymiser(now)).count()
    anonymised = Beneficiaire.objects.filter(anonymise_le__isnull=False).count()
    return {
        "due_before": due_before,
        "purge": {
            "seconds": round(seconds, 2),
            "cpu_seconds_python": round(cpu, 2),
            "files_per_second": round(due_before / seconds, 1),
            "batches": batches,
            "ms_per_batch": round(seconds * 1000 / max(batches, 1), 1),
            "peak_python_mib_tracemalloc": round(peak / 2**20, 2) if trace else None,
            "rss_start_mib": round(rss_start / 1024, 1),
            "rss_peak_mib_during": round(watcher.rss_peak_kib / 1024, 1),
            "totals": totals,
            "purge_backend_pid": purge_pid,
        },
        "redemptions": {
            "every_ms": PAS_MS,
            "baseline": {**percentiles(baseline), "errors": baseline_errors[:5]},
            "during_purge": {**percentiles(during), "errors": redeemer.errors[:5]},
            "slowest_during_run_s_after_start_ms": slowest,
        },
        "lock_waits": [
            {"who": k[0], "locktype": k[1], "relation": k[2], "mode": k[3], "event": k[4], **v}
            for k, v in sorted(watcher.waits.items(), key=lambda kv: -kv[1]["ms"])
        ],
        "checks": {
            "left_due": left,
            "anonymised": anonymised,
            "rows_before": before,
            "rows_after": after,
            "rows_expected_after": expected,
            "rows_as_expected": after == expected,
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--personnes", type=int, default=100_000, help="inactive files")
    parser.add_argument(
        "--baseline", type=float, default=BASELINE_S, help="seconds of redemptions before"
    )
    parser.add_argument(
        "--sans-tracemalloc",
        action="store_true",
        help="no tracemalloc (it slows Python down: time and latencies without it)",
    )
    parser.add_argument(
        "--part-liee", type=float, default=0.2, help="fraction of them with linked rows"
    )
    args = parser.parse_args()
    try:
        t0 = time.perf_counter()
        setup_django(DB_NAME)
        say("seeding structures, users, the active person's carnets (services)…")
        w = seed_world()
        say(f"seeding {args.personnes:,} inactive people (bulk_create)…")
        t1 = time.perf_counter()
        seed_inactive(w, args.personnes, args.part_liee)
        seed_seconds = time.perf_counter() - t1
        say(f"  seeded in {seed_seconds:.1f} s")
        result = measure(w, args.baseline, trace=not args.sans_tracemalloc)
        result["seed_seconds"] = round(seed_seconds, 1)
        result["total_seconds"] = round(time.perf_counter() - t0, 1)
    finally:
        drop_database(DB_NAME)
    p, r, c = result["purge"], result["redemptions"], result["checks"]
    say(f"\n{'measure':48} {'value':>12}")
    rows = [
        ("files due, anonymised", f"{result['due_before']:,}"),
        ("purge (s)", p["seconds"]),
        ("files/s", p["files_per_second"]),
        ("ms per batch of 500", p["ms_per_batch"]),
        ("peak Python memory, tracemalloc (MiB)", p["peak_python_mib_tracemalloc"]),
        ("RSS at start / peak during (MiB)", f"{p['rss_start_mib']} / {p['rss_peak_mib_during']}"),
        ("redemption before: n, p50/p95/max (ms)", _fmt(r["baseline"])),
        ("redemption during: n, p50/p95/max (ms)", _fmt(r["during_purge"])),
        ("files still due after", c["left_due"]),
        ("rows per table as expected", c["rows_as_expected"]),
    ]
    for name, value in rows:
        say(f"{name:48} {value!s:>12}")
    say(f"totals: {p['totals']}")
    for wait in result["lock_waits"][:10]:
        say(f"lock wait: {wait}")
    if not c["rows_as_expected"]:
        say(f"rows before {c['rows_before']}\nrows after {c['rows_after']}")
    write_results(RESULTS, vars(args), **result)
    errors = r["baseline"]["errors"] or r["during_purge"]["errors"]
    if c["left_due"] or not c["rows_as_expected"] or errors:
        sys.exit(1)


def _fmt(stats):
    if not stats.get("n"):
        return "0"
    return f"{stats['n']}, {stats['p50_ms']}/{stats['p95_ms']}/{stats['max_ms']}"


if __name__ == "__main__":
    main()
