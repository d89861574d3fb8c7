import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from inclusion.models import SmsMessage, SmsRecu

BODIES_AFTER = datetime.timedelta(days=92)  # about 3 months
ROWS_AFTER = datetime.timedelta(days=730)  # 2 years


class Command(BaseCommand):
    help = (
        "Efface le texte des SMS de plus de 3 mois et les SMS de plus de 2 ans. "
        "Simulation sans --wet-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Effacer vraiment.")

    def handle(self, *args, wet_run=False, **options):
        now = timezone.now()
        with transaction.atomic():
            old_rows = SmsMessage.objects.filter(cree_le__lt=now - ROWS_AFTER)
            old_inbound = SmsRecu.objects.filter(recu_le__lt=now - ROWS_AFTER)
            bodies = SmsMessage.objects.filter(cree_le__lt=now - BODIES_AFTER).exclude(corps="")
            inbound_bodies = SmsRecu.objects.filter(recu_le__lt=now - BODIES_AFTER).exclude(
                corps=""
            )
            counts = {
                "SMS supprimés": old_rows.count(),
                "SMS reçus supprimés": old_inbound.count(),
                "textes effacés": bodies.count(),
                "textes reçus effacés": inbound_bodies.count(),
            }
            if wet_run:
                old_rows.delete()
                old_inbound.delete()
                bodies.update(corps="", a_masquer=[])
                inbound_bodies.update(corps="")
        prefix = "" if wet_run else "Simulation : "
        self.stdout.write(prefix + ", ".join(f"{k} : {v}" for k, v in counts.items()) + ".")
