from django.apps import AppConfig


class PassNumeriqueConfig(AppConfig):
    """L1: programmes, envelopes, carnets, chèques, redemption (imports inclusion only)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "pass_numerique"
    verbose_name = "Pass numérique"

    def ready(self):
        from inclusion.registry import ProEntry, register_pro_entry
        from pass_numerique.views.common import can_list_carnets, can_verify

        register_pro_entry(
            ProEntry(
                label="Pass numérique",
                url_name="pass:carnets",
                description=(
                    "Délivrer un pass à une personne, imprimer son livret, suivre les carnets "
                    "de vos structures et le solde de vos enveloppes."
                ),
                allowed=can_list_carnets,
                order=20,
            )
        )
        register_pro_entry(
            ProEntry(
                label="Vérifier un chèque",
                url_name="pass:verifier",
                description=(
                    "Scanner ou taper le code d'un chèque pour savoir s'il est valable, "
                    "puis l'encaisser dans un lieu qualifié."
                ),
                allowed=can_verify,
                order=30,
            )
        )
