"""The funders' API tokens: create, list, revoke (writes are dry-run unless --wet-run)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mediation.models_api import JetonApi
from mediation.services import jetons_api


class Command(BaseCommand):
    help = (
        "Jetons d'API des financeurs (agrégats d'activité de /api/v1/activites/) : "
        "creer, liste, revoquer. Sans --wet-run, rien n'est écrit."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        creer = sub.add_parser("creer", help="Créer un jeton (montré une seule fois).")
        creer.add_argument("--nom", required=True, help="Outil ou financeur.")
        creer.add_argument("--par", required=True, help="Courriel du coordinateur.")
        creer.add_argument("--wet-run", action="store_true", help="Créer vraiment le jeton.")
        sub.add_parser("liste", help="Lister les jetons.")
        revoquer = sub.add_parser("revoquer", help="Révoquer un jeton.")
        revoquer.add_argument("numero", type=int, help="Numéro du jeton (voir liste).")
        revoquer.add_argument("--par", required=True, help="Courriel du coordinateur.")
        revoquer.add_argument("--wet-run", action="store_true", help="Révoquer vraiment.")

    def handle(self, *args, action, **options):
        if action == "liste":
            return self.list_jetons()
        acteur = self.find_acteur(options["par"])
        if action == "creer":
            return self.create(acteur, options["nom"], options["wet_run"])
        return self.revoke(acteur, options["numero"], options["wet_run"])

    def find_acteur(self, email):
        user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None or not jetons_api.can_manage_jetons(user):
            raise CommandError("Aucun coordinateur actif avec ce courriel.")
        return user

    def list_jetons(self):
        jetons = list(JetonApi.objects.order_by("pk"))
        if not jetons:
            self.stdout.write("Aucun jeton.")
        for jeton in jetons:
            etat = "révoqué" if jeton.revoque_le else "actif"
            usage = (
                timezone.localtime(jeton.dernier_usage_le).strftime("%d/%m/%Y %H:%M")
                if jeton.dernier_usage_le
                else "jamais"
            )
            self.stdout.write(
                f"{jeton.pk:5}  {jeton.prefixe}…  {jeton.nom} — {etat}, dernier usage : {usage}"
            )

    def create(self, acteur, nom, wet_run):
        if not wet_run:
            self.stdout.write(
                f"Simulation : un jeton pour « {nom} » serait créé. Relancez avec --wet-run."
            )
            return
        try:
            jeton, clear = jetons_api.create_jeton(acteur=acteur, nom=nom)
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        self.stdout.write(self.style.SUCCESS(f"Jeton n°{jeton.pk} créé pour « {jeton.nom} »."))
        self.stdout.write("Donnez-le à l'outil ; il ne sera plus jamais affiché :")
        self.stdout.write(clear)

    def revoke(self, acteur, numero, wet_run):
        jeton = JetonApi.objects.filter(pk=numero).first()
        if jeton is None:
            raise CommandError(f"Aucun jeton n°{numero}.")
        if not wet_run:
            self.stdout.write(
                f"Simulation : le jeton n°{jeton.pk} ({jeton}) serait révoqué. "
                "Relancez avec --wet-run."
            )
            return
        if jetons_api.revoke_jeton(acteur=acteur, jeton=jeton):
            self.stdout.write(self.style.SUCCESS(f"Jeton n°{jeton.pk} révoqué."))
        else:
            self.stdout.write(f"Le jeton n°{jeton.pk} était déjà révoqué.")
