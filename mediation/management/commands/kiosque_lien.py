"""A new activation link for a kiosk device (dry-run unless --wet-run)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from mediation.models import BorneKiosque
from mediation.services import bornes


class Command(BaseCommand):
    help = (
        "Crée un nouveau lien d'activation pour un appareil du kiosque (l'ancien lien et "
        "l'ancien appareil ne marchent plus). Sans --wet-run : liste des appareils."
    )

    def add_arguments(self, parser):
        parser.add_argument("appareil", nargs="?", type=int, help="Numéro de l'appareil.")
        parser.add_argument("--wet-run", action="store_true", help="Créer vraiment le lien.")

    def handle(self, *args, appareil=None, wet_run=False, **options):
        if appareil is None or not wet_run:
            for borne in BorneKiosque.objects.select_related("lieu").order_by("pk"):
                etat = "activé" if borne.active_le else "jamais activé"
                if not borne.actif:
                    etat = "bloqué"
                self.stdout.write(f"{borne.pk:5}  {borne.libelle} — {borne.lieu.nom} ({etat})")
            self.stdout.write(
                "Simulation : relancez avec le numéro de l'appareil et --wet-run pour créer "
                "un nouveau lien."
            )
            return
        borne = BorneKiosque.objects.select_related("lieu", "structure").filter(pk=appareil).first()
        if borne is None:
            raise CommandError(f"Aucun appareil n°{appareil}.")
        with transaction.atomic():
            jeton = bornes.renew_activation(borne=borne)
        url = getattr(settings, "SITE_URL", "").rstrip("/") + reverse(
            "kiosque:activer", args=[jeton]
        )
        self.stdout.write(
            self.style.SUCCESS(f"Ouvrez ce lien une fois sur « {borne.libelle} » : {url}")
        )
