"""A deactivated account loses its kiosk PINs (registered as an account closer, imported by
MediationConfig.ready()). The PIN rows go (they are secrets, not history); the journal keeps
one line for each, and the lines that set them keep pointing at them."""

from inclusion import registry
from inclusion.services.journal import write_journal
from mediation.models import CodePin


def revoke_pins(user, acteur, now):
    """Delete every kiosk PIN of `user`; returns how many. Called inside the deactivation's
    transaction (inclusion.services.comptes.deactivate_account)."""
    codes = list(CodePin.objects.filter(user=user).select_related("structure"))
    for code in codes:
        write_journal(
            acteur=acteur,
            action="kiosque.pin.suppression",
            objet=code,
            structure=code.structure,
            details={"utilisateur": user.pk, "motif": "compte_desactive"},
        )
    CodePin.objects.filter(pk__in=[code.pk for code in codes]).delete()
    return len(codes)


registry.register_account_closer("kiosque", revoke_pins)
