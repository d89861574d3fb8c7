"""Demo data of mediation (registered in apps.py): the kiosk — one registered device at the
volontaire demo account's lieu, activated, and a PIN for volontaire@demo.example — then the
activity records and two likely duplicate files (demo_activites.py).

The device's activation link is not needed in the demo: sign in with the e-mail and the
password anywhere, or open /kiosque/activer/<token>/ of a device registered in the admin."""

from inclusion.enums import Role
from inclusion.models import Membership
from mediation import demo_activites
from mediation.models import BorneKiosque, CodePin
from mediation.services import bornes

DEMO_PIN = "2580"
VOLONTAIRE = "volontaire@demo.example"
LIBELLE = "Tablette de l'accueil (démo)"


def build(context):
    """Idempotent: a second run creates nothing."""
    return _kiosque(context) + demo_activites.build(context)


def _kiosque(context):
    """The device and the PIN, once."""
    user = context["users"].get(VOLONTAIRE)
    if user is None:
        return 0
    membership = (
        Membership.objects.filter(user=user, role=Role.VOLONTAIRE, active=True)
        .select_related("structure")
        .first()
    )
    if membership is None:
        return 0
    structure = membership.structure
    lieu = next(
        (lieu for lieu in context["lieux"].values() if lieu.structure_id == structure.pk), None
    )
    if lieu is None:
        return 0
    created = 0
    coordinateur = context["users"].get("coordinateur@demo.example")
    if not BorneKiosque.objects.filter(lieu=lieu, libelle=LIBELLE).exists():
        bornes.register_borne(acteur=coordinateur, lieu=lieu, libelle=LIBELLE)
        created += 1
    if not CodePin.objects.filter(user=user, structure=structure).exists():
        bornes.set_pin(acteur=coordinateur, user=user, structure=structure, pin=DEMO_PIN)
        created += 1
    return created
