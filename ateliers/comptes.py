"""A deactivated account loses its private calendar address (registered as an account
closer, imported by AteliersConfig.ready()): the rule is ateliers.ical.revoke_calendrier's."""

from ateliers.ical import revoke_calendrier
from inclusion import registry


def revoke_calendrier_prive(user, acteur, now):
    """1 if the médiateur's private calendar was revoked, else 0."""
    return int(revoke_calendrier(user=user, now=now))


registry.register_account_closer("calendrier", revoke_calendrier_prive)
