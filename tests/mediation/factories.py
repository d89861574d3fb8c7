import datetime

from django.test import Client
from django.utils import timezone

from inclusion.enums import Role
from mediation.services import bornes
from tests.ateliers.factories import SessionFactory
from tests.inclusion.factories import LieuFactory, StructureFactory, member
from tests.pass_numerique.factories import issued, setup_pass

PIN = "4826"


def setup_kiosque(**lieu_kwargs):
    """A structure with a lieu (with coordinates), its volontaire, a coordinator, a registered
    and activated device with the volontaire's PIN."""
    structure = StructureFactory()
    lieu = LieuFactory(
        structure=structure, latitude="44.84000", longitude="-0.58000", **lieu_kwargs
    )
    volontaire = member(Role.VOLONTAIRE, structure=structure)
    coordinateur = member(Role.COORDINATEUR)
    borne, jeton = bornes.register_borne(acteur=coordinateur, lieu=lieu, libelle="Tablette")
    bornes.activate_borne(jeton=jeton)
    bornes.set_pin(acteur=coordinateur, user=volontaire, structure=structure, pin=PIN)
    return {
        "structure": structure,
        "lieu": lieu,
        "volontaire": volontaire,
        "coordinateur": coordinateur,
        "borne": borne,
        "jeton": jeton,
    }


def kiosk_client(user, lieu=None):
    """A client signed in at the kiosk (password login, then the lieu when asked)."""
    client = Client()
    client.force_login(user)
    response = client.get("/kiosque/connexion/")
    if response.status_code == 302 and response["Location"].endswith("/kiosque/lieu/"):
        client.post("/kiosque/lieu/", {"lieu": lieu.pk})
    return client


def device_cookie(client, ctx):
    """Give the client the signed cookie of ctx's device."""
    from django.core import signing

    value = signing.get_cookie_signer(salt=bornes.cookie_name() + bornes.COOKIE_SALT).sign(
        bornes.cookie_value(ctx["borne"], ctx["jeton"])
    )
    client.cookies[bornes.cookie_name()] = value
    return client


def future_session(lieu=None, days=2, **kwargs):
    debut = timezone.now() + datetime.timedelta(days=days)
    if lieu is not None:
        kwargs["lieu"] = lieu
    return SessionFactory(debut=debut, **kwargs)


def pass_codes():
    """An issued carnet: (carnet code, [chèque codes])."""
    ctx = setup_pass()
    carnet = issued(ctx)[0]
    return carnet.code, [code for _, code in carnet.cheque_codes], ctx
