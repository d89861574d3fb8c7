"""One structure's world for the permission matrix and the form fuzzing (issue 12).

Structure A has a qualified lieu with a kiosk device, a session with one registration, a
person with a carnet, a reimbursement statement, a médiateur's calendar. Structure B has a
médiateur and a lieu of its own. The personas visit A's objects; every URL's kwargs come
from here (`url_kwargs`).
"""

import datetime
from urllib.parse import urlsplit

import time_machine
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from inclusion.enums import Role

# The project's own apps: every URL whose view lives there is in the matrix.
OUR_APPS = ("inclusion", "pass_numerique", "ateliers", "mediation", "cms")

# Namespaces mounted by our apps' urls.py: all theirs, whatever module the view comes from
# (the sign-out view is Django's).
OUR_NAMESPACES = (
    "pro", "pass", "pass_gestion", "emargement", "ateliers", "ateliers_public", "kiosque",
    "sms", "cms",
)  # fmt: skip

# Wagtail's own URLs stand for the hundreds of internal admin screens.
WAGTAIL_CHOSEN = {
    "wagtailadmin_home",
    "wagtailadmin_login",
    "wagtailadmin_explore_root",
    "wagtailusers_users:index",
    "wagtailimages:index",
    "wagtaildocs:index",
    "wagtailsettings:edit",
    "inclusion_cache_pages",
    "wagtail_serve",
    "wagtailcore_login",
}

# Routable pages of the public site (cms): their routes are URLs too.
ROUTABLE_PAGES = {
    "ateliers": ("cms.models", "AteliersIndexPage", "ateliers-pres-de-chez-moi"),
    "lieux": ("cms.models", "LieuxIndexPage", "lieux"),
    "mon_pass": ("cms.models", "MonPassPage", "mon-pass"),
}

PERSONAS = ("anonyme", "kiosque", "prescripteur", "mediateur_b", "coordinateur")

# Frozen instant: a Tuesday morning, far from month ends.
NOW = datetime.datetime(2026, 3, 10, 9, 30, tzinfo=datetime.UTC)


def _callback_app(callback):
    """The app a view belongs to: its module, or for Wagtail viewsets its model's app."""
    model = _model_of(callback)
    if model is not None:
        return model._meta.app_label
    module = callback.__module__
    return module.split(".", 1)[0]


def _model_of(callback):
    """The model of a Wagtail viewset's view (a class, or an "app.Model" string)."""
    from django.apps import apps

    model = (getattr(callback, "view_initkwargs", None) or {}).get("model")
    if isinstance(model, str):
        try:
            model = apps.get_model(model)
        except (LookupError, ValueError):
            return None
    return model


def walk(patterns=None, prefix="", namespace=None):
    """(name, route, app) of every URL of the resolver, recursively."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = p.name and (f"{namespace}:{p.name}" if namespace else p.name)
            yield name, prefix + str(p.pattern), _callback_app(p.callback)


def routable_routes():
    """("page:<key>:<route>", key, route name, kwargs names) of the cms routable pages."""
    import importlib

    for key, (module, cls, _slug) in ROUTABLE_PAGES.items():
        model = getattr(importlib.import_module(module), cls)
        for p in model.get_subpage_urls():
            yield f"page:{key}:{p.name}", key, p.name


def urls_in_scope():
    """Names the matrix must cover: our apps' URLs (admin viewsets included), the chosen
    Wagtail ones, and the routes of the public site's routable pages."""
    names = set()
    for name, _route, app in walk():
        if name is None:
            continue  # unnamed: Wagtail's internal test404, the closed Users/Groups screens
        ours = app in OUR_APPS or name.split(":", 1)[0] in OUR_NAMESPACES
        if (ours and not name.startswith("wagtail")) or name in WAGTAIL_CHOSEN:
            names.add(name)
    names.update(n for n, _, _ in routable_routes())
    return names


def build_world():
    """Structure A's objects, structure B's médiateur, the personas' users."""
    from ateliers import ical
    from ateliers.enums import Canal
    from ateliers.services.registrations import register
    from inclusion.services.territoire import sync_groups
    from mediation.services import bornes
    from pass_numerique.services import issuance
    from pass_numerique.services.redemption import redeem_cheque
    from pass_numerique.services.reimbursement import build_statements
    from tests.ateliers.factories import SessionFactory
    from tests.cms.conftest import build_site
    from tests.inclusion.factories import BeneficiaireFactory, LieuFactory, StructureFactory
    from tests.inclusion.factories import member as new_member
    from tests.pass_numerique.factories import EnveloppeFactory, ProgrammeFactory

    w = {}
    w["accueil"] = build_site()
    a = w["structure"] = StructureFactory(nom="Structure A")
    lieu = w["lieu"] = LieuFactory(
        structure=a, qualifie=True, latitude="44.84000", longitude="-0.58000"
    )
    w["mediateur_a"] = new_member(Role.MEDIATEUR, structure=a, email="mediateur.a@example.org")
    w["prescripteur"] = new_member(
        Role.PRESCRIPTEUR, structure=a, email="prescripteur.a@example.org"
    )
    w["volontaire"] = new_member(Role.VOLONTAIRE, structure=a, email="volontaire.a@example.org")
    w["coordinateur"] = new_member(Role.COORDINATEUR, email="coordination@example.org")
    sync_groups(w["coordinateur"])  # the admin's group, as the membership service does
    b = StructureFactory(nom="Structure B")
    w["lieu_b"] = LieuFactory(structure=b, qualifie=True)
    w["mediateur_b"] = new_member(Role.MEDIATEUR, structure=b, email="mediateur.b@example.org")

    coord = w["coordinateur"]
    w["borne"], w["jeton"] = bornes.register_borne(acteur=coord, lieu=lieu, libelle="Tablette")
    bornes.activate_borne(jeton=w["jeton"])
    w["borne_en_attente"], w["jeton_en_attente"] = bornes.register_borne(
        acteur=coord, lieu=lieu, libelle="Tablette 2"
    )
    w["pin"] = "4826"
    bornes.set_pin(acteur=coord, user=w["volontaire"], structure=a, pin=w["pin"])

    w["personne"] = BeneficiaireFactory(structure=a, prenom="Fatima", nom="Benali", consentant=True)
    w["session"] = SessionFactory(lieu=lieu, debut=timezone.now() + datetime.timedelta(days=3))
    w["session"].animateurs.add(w["mediateur_a"])
    # Structure B's own person and session: ids that A's forms must refuse.
    w["personne_b"] = BeneficiaireFactory(structure=b, prenom="Odile", nom="Quentel")
    w["session_b"] = SessionFactory(
        lieu=w["lieu_b"], debut=timezone.now() + datetime.timedelta(days=4)
    )
    w["inscription"] = register(
        session=w["session"],
        beneficiaire=w["personne"],
        canal=Canal.PRO,
        acteur=w["mediateur_a"],
    )

    programme = w["programme"] = ProgrammeFactory(anonyme_autorise=True)
    enveloppe = EnveloppeFactory(programme=programme, structure=a, nb_cheques=100)
    w["enveloppe"] = enveloppe
    item = issuance.issue_carnets(
        acteur=w["prescripteur"], enveloppe=enveloppe, beneficiaire=w["personne"], nombre=1
    )[0]
    w["carnet"], w["carnet_code"] = item.carnet, item.code
    codes = [code for _, code in item.cheque_codes]
    w["cheque_code"] = codes[-1]
    mois = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    redeem_cheque(
        acteur=w["mediateur_a"],
        lieu=lieu,
        code=codes[0],
        prestation="atelier",
        demande_id=issuance.new_request_id(),
        now=timezone.now() - datetime.timedelta(days=20),
    )
    results = build_statements(acteur=coord, mois=mois)
    w["releve"] = next(r.releve for r in results if r.releve.lieu_id == lieu.pk)
    w["calendrier"] = ical.regenerate_calendrier(user=w["mediateur_a"])
    # One object of each model the admin edits, so that its screens have something to open.
    from ateliers.models import Parcours
    from inclusion.models.textes import CleTexteSms, TexteSms
    from tests.inclusion.factories import QuartierFactory

    w["quartier"] = QuartierFactory(commune=lieu.commune)
    w["parcours"] = Parcours.objects.create(titre="Débuter", titre_falc="Débuter")
    w["texte_sms"] = TexteSms.objects.create(
        cle=CleTexteSms.values[0], corps="Texte de test.", actif=False
    )
    _build_mediation(w, lieu)
    return w


def _build_mediation(w, lieu):
    """Structure A's activity record, diagnostic and export (issue 15)."""
    from inclusion.models import ExportFichier
    from mediation.models import Diagnostic
    from mediation.services.activites import record_individuelle
    from tests.inclusion.factories import BeneficiaireFactory

    # A likely duplicate of the person (same name and birth year, one letter apart).
    w["personne_doublon"] = BeneficiaireFactory(
        structure=w["structure"],
        prenom="Fatima",
        nom="Benalli",
        annee_naissance=w["personne"].annee_naissance,
    )
    w["activite"] = record_individuelle(
        acteur=w["mediateur_a"],
        beneficiaire=w["personne"],
        lieu=lieu,
        date=timezone.localdate() - datetime.timedelta(days=2),
        thematiques=["email"],
    )
    w["diagnostic"] = Diagnostic.objects.create(
        beneficiaire=w["personne"],
        structure=w["structure"],
        auteur=w["mediateur_a"],
        date=timezone.localdate(),
        scores={},
    )
    w["export"] = ExportFichier.objects.create(
        demandeur=w["mediateur_a"], nature="activites", format="xlsx", cree_le=timezone.now()
    )
    _build_orientation(w, lieu)
    # Issue 17: the coordinator's public share link of the dashboard.
    from mediation.services.partages import create_partage

    w["partage"] = create_partage(acteur=w["coordinateur"], titre="Conseil", params={})
    from mediation.services.jetons_api import create_jeton

    w["jeton_api"], _ = create_jeton(acteur=w["coordinateur"], nom="Outil du financeur")


def _build_orientation(w, lieu):
    """Structure A's prescripteur orients the person to A's own place (issue 16): B's
    médiateur is neither side."""
    from mediation.enums_orientations import TypeOrientation
    from mediation.services.orientations import orient

    w["orientation"] = orient(
        acteur=w["prescripteur"],
        beneficiaire=w["personne"],
        type=TypeOrientation.LIEU,
        lieu=lieu,
        thematiques=["email"],
        besoin="Créer une adresse e-mail",
    )
    w["destinataire"] = w["orientation"].destinataires.get()


def stop_token(w):
    from inclusion.sms import optout

    if hasattr(optout, "jeton_stop"):
        return optout.jeton_stop(w["personne"])
    return optout.lien_stop(w["personne"]).rsplit("/", 2)[-2]


def admin_pk(name, w):
    """A pk for an admin viewset's URL: structure A's object of that model, or the first."""
    model = w["_admin_models"].get(name)
    if model is None:
        return 1
    keys = ("structure", "lieu", "session", "carnet", "programme", "enveloppe", "borne")
    for key in (*keys, "quartier", "parcours", "texte_sms"):
        obj = w.get(key)
        if isinstance(obj, model):
            return obj.pk
    first = model.objects.order_by("pk").first()
    return first.pk if first else 1


def url_of(name, w):
    """The URL of `name`, its kwargs filled from the world."""
    if name.startswith("page:"):
        _, key, route = name.split(":", 2)
        page = w["pages"][key]
        args = {
            "session": [w["session"].pk],
            "sans_telephone": [w["session"].pk],
            "inscription": [w["session"].pk],
            "code": [w["session"].pk],
            "fin": [w["session"].pk],
            "lieu": [w["lieu"].uuid],
            "resultat": [w["carnet_code"]],
        }.get(route, [])
        return page.url + page.reverse_subpage(route, args=args)
    if name in ("partage:tableau", "partage:pdf"):
        from mediation.services.partages import jeton

        return reverse(name, kwargs={"jeton": jeton(w["partage"])})
    if name == "orientation_lien:page":
        from mediation.services.orientations import link_url

        w["destinataire"].refresh_from_db()
        return link_url(w["destinataire"])
    special = {
        "wagtail_serve": "/",
        "wagtailsettings:edit": "/admin/settings/cms/habillage/",
        "pass_cheque_court": f"/c/{w['cheque_code']}",
        "pass_mon_pass": f"/p/{w['carnet_code']}",
        "cms:mon_pass_qr": f"/p/{w['carnet_code']}",
        "sms_stop": f"/s/{stop_token(w)}",
        "comptes:nouveau_mot_de_passe": "/pro/compte/nouveau-mot-de-passe/MQ/jeton-faux/",
        # No file in the world's storage: the door answers 404 to everyone (a saved
        # rendition is served to everyone: tests/inclusion/test_stockage.py).
        "image_publique": "/media/images/absente.png",
    }
    if name in special:
        return special[name]
    route = w["_routes"][name]
    kwargs = {}
    values = {
        "uuid": {
            "pro": w["personne"].uuid,
            "activites:nouvelle_personne": w["personne"].uuid,
            "activites:": w["activite"].uuid,
            "diagnostics:detail": w["diagnostic"].uuid,
            "diagnostics:": w["personne"].uuid,
            "doublons:": w["personne"].uuid,
            "acces_donnees:": w["personne"].uuid,
            "effacement:": w["personne"].uuid,
            "exports:": w["export"].uuid,
            "ateliers:inscrire_personne": w["personne"].uuid,
            "ateliers:inscrire_confirmer": w["personne"].uuid,
            "pass:delivrer_personne": w["personne"].uuid,
            "orientations:nouvelle": w["personne"].uuid,
            "orientations:recue": w["destinataire"].uuid,
            "orientations:": w["orientation"].uuid,
            "orientation_lien:": w["destinataire"].uuid,
            "conservation:": w["personne"].uuid,
        },
        "pk": {
            "pass:": w["carnet"].pk,
            "pass_gestion:tableau_de_bord": w["programme"].pk,
            "pass_gestion:": w["releve"].pk,
            "ateliers:inscription": w["inscription"].pk,
            "gestion_comptes:": w["prescripteur"].pk,
            "double_facteur:": w["prescripteur"].pk,
            "pilotage:partage_retirer": w["partage"].pk,
            "jetons:": w["jeton_api"].pk,
            "": w["session"].pk,
        },
    }
    if "<uuid:uuid>" in route or "<str:uuid>" in route:
        kwargs["uuid"] = next(
            (v for k, v in values["uuid"].items() if name.startswith(k)), w["lieu"].uuid
        )
    if "<int:pk>" in route:
        if route.startswith("admin/"):
            kwargs["pk"] = admin_pk(name, w)
        else:
            kwargs["pk"] = next(v for k, v in values["pk"].items() if name.startswith(k))
    if "<uuid:autre>" in route:
        kwargs["autre"] = w["personne_doublon"].uuid
    if "<int:inscription_pk>" in route:
        kwargs["inscription_pk"] = w["inscription"].pk
    if "<str:jeton>" in route:
        kwargs["jeton"] = w["jeton_en_attente"]
    if "<slug:token>" in route:
        kwargs["token"] = w["calendrier"].token
    if "<str:token>" in route:
        kwargs["token"] = stop_token(w)
    return reverse(name, kwargs=kwargs)


def prepare(w):
    """Routes and admin models by name, the routable pages (after build_world)."""
    from cms.models import AteliersIndexPage, LieuxIndexPage, MonPassPage

    w["_routes"] = {name: route for name, route, _ in walk() if name}
    w["_admin_models"] = {}
    for p_name, model in _admin_models():
        w["_admin_models"][p_name] = model
    w["pages"] = {
        "ateliers": AteliersIndexPage.objects.live().first(),
        "lieux": LieuxIndexPage.objects.live().first(),
        "mon_pass": MonPassPage.objects.live().first(),
    }
    return w


def _admin_models(patterns=None, namespace=None):
    if patterns is None:
        patterns = get_resolver().url_patterns
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _admin_models(p.url_patterns, ns)
        elif p.name:
            model = _model_of(p.callback)
            if model is not None:
                yield (f"{namespace}:{p.name}" if namespace else p.name), model


def client_for(persona, w):
    """A client signed in as `persona` (the kiosk one through the PIN sign-in on the
    activated device, as at a real kiosk)."""
    from django.core import signing

    from mediation.services import bornes

    client = Client()
    if persona == "anonyme":
        return client
    if persona == "kiosque":
        value = signing.get_cookie_signer(salt=bornes.cookie_name() + bornes.COOKIE_SALT).sign(
            bornes.cookie_value(w["borne"], w["jeton"])
        )
        client.cookies[bornes.cookie_name()] = value
        response = client.post(
            "/kiosque/connexion/", {"email": w["volontaire"].email, "secret": w["pin"]}
        )
        assert response.status_code == 302, response.status_code
        assert "_auth_user_id" in client.session
        return client
    client.force_login(w[persona])
    return client


LOGIN_PATHS = {"/pro/connexion/", "/admin/login/", "/kiosque/connexion/", "/_util/login/"}


def outcome(response, persona, client):
    """The outcome's word for one response (see test_permission_matrix's docstring)."""
    status = response.status_code
    if 300 <= status < 400:
        path = urlsplit(response["Location"]).path
        if persona == "kiosque" and "_auth_user_id" not in client.session:
            return "kiosk-only" if path == "/kiosque/connexion/" else "signed-out"
        if path in LOGIN_PATHS and persona == "anonyme":
            return "login"
        if path in LOGIN_PATHS:
            return "login"
        return "redirect"
    if 200 <= status < 300:
        return "ok"
    return {
        400: "bad",
        403: "denied",
        404: "absent",
        405: "method",
        410: "gone",
        422: "invalid",
        429: "limited",
    }.get(status, str(status))


def world_for_module(django_db_blocker):
    """The `matrix_world` fixture (tests/conftest.py): built once per module inside a
    transaction rolled back at its end; each test runs in a savepoint of it (pytest-django's
    `db`). Time stands still at NOW."""
    with django_db_blocker.unblock():
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield prepare(build_world())
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            traveller.stop()
