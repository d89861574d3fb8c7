"""SMS reminders: sweep 10 000 due workshop reminders into the outbox, then send them with one
worker through the real Twilio backend and a local fake Twilio server, on PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/sms_rappels.py [--reminders N]

Prints the sweep time, messages per second sent by one worker, peak memory, and duplicates
(must be 0); writes bench/results/sms_rappels.json. Targets (issue 5): the sweep of 10 000 in
≤ 30 s, ≥ 50 messages/s sent by one worker. The throwaway database is dropped at the end.
"""

import argparse
import datetime
import resource
import sys
import time

from common import ROOT, drop_database, say, setup_django, write_results

RESULTS = ROOT / "bench" / "results" / "sms_rappels.json"
DB_NAME = "inclusion_bench_sms"


def setup_environment(server):
    setup_django(
        DB_NAME,
        SMS_BACKEND="inclusion.sms.backends.twilio.TwilioBackend",
        SMS_SEND_WINDOW="0",
        SMS_DAILY_CAP="10",
        TWILIO_ACCOUNT_SID=server.account_sid,
        TWILIO_AUTH_TOKEN=server.auth_token,
        SMS_FROM_NUMBER="+15005550006",
        TWILIO_API_BASE_URL=server.base_url,
        NO_PROXY="127.0.0.1,localhost",
    )


def seed(nb):
    """nb registrations, 50 a session, all starting in 47 hours (their 48 h reminder is due).
    Bulk inserts: the seed is not what is measured."""
    from django.utils import timezone

    from ateliers.models import Inscription, Session, Theme
    from inclusion.enums import ServiceMediation, TypeTelephone
    from inclusion.models import Beneficiaire
    from inclusion.services import territoire

    commune = territoire.create_commune(nom="Banc", code_insee="33992", codes_postaux="33992")
    structure = territoire.create_structure(
        nom="Médiathèque", pivot="43493312300029", type="mediatheque", commune=commune
    )
    lieu = territoire.create_lieu(
        structure=structure,
        nom="Médiathèque",
        commune=commune,
        code_postal="33992",
        adresse="1 rue",
    )
    theme = Theme.objects.create(
        titre="Smartphone",
        titre_falc="Utiliser son téléphone",
        description_falc="Vous apprenez.",
        niveau="debutant",
        thematiques=["prendre_en_main_du_materiel"],
        service=ServiceMediation.QUOTIDIEN,
    )
    now = timezone.now()
    debut = now + datetime.timedelta(hours=47)
    sessions = Session.objects.bulk_create(
        [
            Session(
                theme=theme,
                lieu=lieu,
                debut=debut + datetime.timedelta(seconds=i),
                fin=debut + datetime.timedelta(hours=2, seconds=i),
                capacite=50,
                nb_inscrits=50,
            )
            for i in range((nb + 49) // 50)
        ]
    )
    people = Beneficiaire.objects.bulk_create(
        [
            Beneficiaire(
                prenom=f"P{i}",
                telephone=f"+3360{i:07d}",
                type_telephone=TypeTelephone.MOBILE,
                consentement_sms=True,
                consentement_sms_le=now,
                consentement_sms_mode="oral",
                structure=structure,
            )
            for i in range(nb)
        ]
    )
    Inscription.objects.bulk_create(
        [
            Inscription(
                session=sessions[i // 50],
                beneficiaire=person,
                statut="inscrit",
                canal="pro",
                inscrit_le=now,
            )
            for i, person in enumerate(people)
        ]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.inclusion.fake_twilio import FakeTwilio

    try:
        with FakeTwilio() as server:
            setup_environment(server)
            say(f"seeding {args.reminders} registrations…")
            seed(args.reminders)
            from django.db.models import Count

            from ateliers.services import rappels
            from inclusion.models import SmsMessage
            from inclusion.sms.delivery import send_due

            start = time.perf_counter()
            queued = rappels.sweep()
            sweep_seconds = time.perf_counter() - start
            due_48h = SmsMessage.objects.filter(kind="rappel_48h").count()
            again = rappels.sweep()  # a second sweep must write nothing
            start = time.perf_counter()
            sent = {}
            while True:
                counts = send_due(limit=1000)
                if not counts:
                    break
                for key, value in counts.items():
                    sent[key] = sent.get(key, 0) + value
            send_seconds = time.perf_counter() - start
            total_sent = sent.get("envoye", 0)
            duplicate_keys = (
                SmsMessage.objects.values("cle").annotate(n=Count("pk")).filter(n__gt=1).count()
            )
            bodies_to = [r.form.get("To") for r in server.requests]
            duplicate_requests = len(bodies_to) - len(set(bodies_to))
    finally:
        drop_database(DB_NAME)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        ("rows queued by the sweep (48 h + morning)", queued, ""),
        ("48 h reminders queued", due_48h, f"{args.reminders}"),
        ("sweep (s)", round(sweep_seconds, 2), "≤ 30"),
        ("second sweep: rows written", again, "0"),
        ("sent by one worker (messages/s)", round(total_sent / send_seconds, 1), "≥ 50"),
        ("duplicates (keys, provider requests)", duplicate_keys + duplicate_requests, "0"),
        ("peak memory (MiB)", round(peak_mib), ""),
    ]
    say(f"\n{'measure':40} {'value':>10}  target")
    for name, value, target in rows:
        say(f"{name:40} {value:>10}  {target}")
    write_results(
        RESULTS,
        vars(args),
        queued=queued,
        due_48h=due_48h,
        sweep_seconds=round(sweep_seconds, 2),
        second_sweep_rows=again,
        sent=sent,
        send_seconds=round(send_seconds, 2),
        messages_per_second=round(total_sent / send_seconds, 1),
        duplicate_keys=duplicate_keys,
        duplicate_provider_requests=duplicate_requests,
        peak_memory_mib=round(peak_mib),
    )
    if duplicate_keys or duplicate_requests or again or due_48h != args.reminders:
        sys.exit(1)


if __name__ == "__main__":
    main()
