from django.apps import AppConfig


class PassNumeriqueConfig(AppConfig):
    """L1: programmes, envelopes, carnets, chèques, redemption (imports inclusion only)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "pass_numerique"
    verbose_name = "Pass numérique"

    def ready(self):
        from inclusion import perms as socle_perms
        from inclusion.registry import (
            BeneficiaireAction,
            ProEntry,
            register_beneficiaire_action,
            register_demo_builder,
            register_pro_entry,
        )
        from pass_numerique import demo
        from pass_numerique.perms import can_issue_for, can_list_carnets, can_verify

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
        register_pro_entry(
            ProEntry(
                label="Relevés de remboursement",
                url_name="pass_gestion:releves",
                description=(
                    "Les chèques encaissés chaque mois par vos lieux, en PDF et en tableur."
                ),
                allowed=socle_perms.can_access_pro,
                order=40,
                in_menu=False,
            )
        )
        register_beneficiaire_action(
            BeneficiaireAction(
                label="Délivrer le pass numérique",
                url_name="pass:delivrer_personne",
                allowed=can_issue_for,
                order=10,
            )
        )
        register_demo_builder("pass_numerique", demo.build, order=10)

        from inclusion.sms.keywords import register_keyword
        from pass_numerique.sms import handle_solde

        register_keyword("SOLDE", handle_solde, "SOLDE pour vos chèques restants", order=20)

        from django.db.models.signals import m2m_changed

        from pass_numerique.models import Programme
        from pass_numerique.signals import sync_perimeter_flags

        for through in (Programme.lieux.through, Programme.communes.through):
            m2m_changed.connect(
                sync_perimeter_flags, sender=through, dispatch_uid=f"perimetre_{through.__name__}"
            )
        from pass_numerique import (  # noqa: F401  (registrations)  # noqa: F401  (issue 18: legal holds, access document)
            chronologie,
            fusion,
            hooks_acces,
            hooks_conservation,
            hooks_periodique,  # noqa: F401  (issue 19: periodic chores)
        )
