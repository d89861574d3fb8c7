"""Generated input posted to every form of the espace pro, the kiosk and the public journeys
(issue 12, "Proof that lasts"): never a server error, and nothing half-written.

The forms come from the pages themselves: each target GETs the page its form lives on (as
the persona who uses it) and reads the form's fields (names, values, options); POST-only
views add the fields of their form class (FALLBACK). Hypothesis then posts each field as a
valid value or as hostile input (unicode, 10 000 characters, empty, NUL bytes, numbers out
of range, malformed dates, ids and uuids of another structure's objects).

A refused post (4xx) must leave the main tables exactly as they were (row counts and the
statuses that carry money or seats); a post that succeeds may write, wholly. The test
client re-raises a view's exception, so a would-be 500 fails with its traceback.
"""

import uuid
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import matrix_world as mw

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples on every run: a failure is reproducible in CI
    database=None,
)


class _Forms(HTMLParser):
    """Every <form> of a page: its method, action and fields (name → candidate values)."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            method = (a.get("method") or "get").lower()
            self._form = {"action": a.get("action") or "", "method": method, "fields": {}}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag in ("input", "textarea", "button") and name and name != "csrfmiddlewaretoken":
            values = self._form["fields"].setdefault(name, [])
            if a.get("type") in ("checkbox", "radio", "hidden", "submit") or tag == "button":
                values.append(a.get("value", "on"))
            elif a.get("value"):
                values.append(a["value"])
        elif tag == "select" and name:
            self._select = self._form["fields"].setdefault(name, [])
        elif tag == "option" and self._select is not None and a.get("value"):
            self._select.append(a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def forms_of(html):
    parser = _Forms()
    parser.feed(html)
    return parser.forms


# Fields of POST-only views (their form classes), when no page shows the form.
FALLBACK = {
    "emargement:presence": {"statut": ["present", "absent", "excuse"]},
    "emargement:cheque": {"code": [], "demande_id": [], "mode": ["code", "carnet"]},
    "emargement:ajouter": {"beneficiaire": []},
    "emargement:creer": {
        "prenom": ["Awa"],
        "telephone": ["06 12 34 56 78"],
        "consentement_sms": ["on"],
    },
    "emargement:cloturer": {"confirmer": ["1"]},
    "equipe:revoquer": {"confirmer": ["1"]},
    # The prescripteur has no app: "gerer" shows neither form.
    "double_facteur:nouveaux_codes": {"codes-code": []},
    "double_facteur:arreter": {"arret-code": []},
    "pass:encaisser": {
        "code": [],
        "prestation": ["atelier", "accompagnement"],
        "reference": [],
        "demande_id": [],
    },
    "pass_gestion:etablir": {"mois": []},
    "kiosque:recommencer": {"raison": ["inactivite", "bouton"]},
    "kiosque:terminer": {},
    "kiosque:rappel_sms": {"atelier": [], "lieu": []},
    "sms:entrant": {"From": ["+33612345678"], "Body": ["STOP", "ANNULER"], "MessageSid": []},
    "sms:statut": {"MessageSid": [], "MessageStatus": ["delivered", "failed"]},
    "pass_cheque_court": {"confirmer": ["1"]},
    "page:ateliers:code": {"code": [], "action": ["renvoyer", "valider"]},
    "page:mon_pass:formulaire": {"code": []},
    # Filters given as links, not forms.
    "ateliers:mes_sessions": {"semaine": [], "portee": ["mes_lieux", "territoire"]},
    "emargement:session": {"q": []},
    "kiosque:ateliers": {"jour": ["2026-03-12"], "theme": ["1"], "quartier": ["1"], "page": []},
    "kiosque:lieux": {"ouverts": ["1"]},
    "cms:taille_texte": {"taille": ["grand", "normal"], "suite": ["/", "//evil.example/"]},
    # Issue 18: the world's person is under a legal hold: the page shows no form (409).
    "effacement:confirmer": {"demande": ["on"]},
    # Issue 15. The public diagnostic's SMS form shows only on a posted result page.
    "diagnostic_public:sms": {
        "telephone": ["06 12 34 56 78"],
        "consentement": ["on"],
        "etape": ["9"],
        "obstacles": ["materiel", "langue"],
        **{d: ["0", "3"] for d in ("appareil", "recherche", "communication", "documents")},
        **{d: ["1", "2"] for d in ("demarches", "securite", "depannage")},
    },
    "exports:demander": {
        "nature": ["activites", "inconnue"],
        "format": ["xlsx", "csv", "pdf"],
        "portee": ["miennes", "structure"],
    },
    "import_personnes:confirmation": {"jeton": []},
    # Issue 16. "Orienter" shows its POST form once a destination is chosen (?type=…&lieu=…).
    "orientations:nouvelle": {
        "type": ["lieu", "theme", "session", "autre"],
        "lieu": [],
        "theme": [],
        "session": [],
        "thematiques": ["email", "inconnue"],
        "besoin": [],
        "contact_prefere": ["sms", "prescripteur", "personne"],
        "prevenir_sms": ["on"],
        "diagnostic": [],
        "jeton": [],
    },
    "orientations:envoyees": {"etat": ["en_attente", "repondues", "closes"], "personne": []},
    "orientations:recues": {"etat": ["a_traiter", "decidees", "closes"], "page": []},
    # The receiving side's forms once the request is decided (the world's is still open).
    "orientations:recue_corriger": {
        "decision": ["acceptee", "refusee", "autre"],
        "accepter-mode": ["rdv", "session"],
        "accepter-date": [],
        "accepter-heure": ["14:30", "25:00"],
        "refuser-motifs": ["non_joignable", "autre"],
        "refuser-message": [],
    },
    "orientations:recue_deplacer": {
        "date": [],
        "heure": ["14:30"],
        "rdv_lieu": [],
        "a_apporter": [],
    },
    "orientations:recue_terminer": {"activite": []},
    "orientation_lien:deplacement": {
        "date": [],
        "heure": ["14:30"],
        "rdv_lieu": [],
        "a_apporter": [],
    },
    "orientation_lien:correction": {
        "decision": ["acceptee", "refusee"],
        "mode": ["rdv", "session"],
        "date": [],
        "heure": ["14:30"],
        "motifs": ["non_joignable", "autre"],
        "message": [],
    },
    "orientation_lien:nouveau_lien": {"h": []},
    "import_personnes:depot": {"fichier": [], "structure": []},
}


def known_values(w):
    """Valid values the pages cannot show (codes, ids), by field name."""
    return {
        "code": [w["cheque_code"], w["carnet_code"]],
        "beneficiaire": [str(w["personne"].uuid)],
        "demande_id": [str(uuid.UUID(int=7))],
        "reference": ["FACT-2026-001"],
        "paye_le": ["2026-03-09"],
        "date": ["2026-03-20"],
        "prenom": ["Awa"],
        "telephone": ["06 12 34 56 78"],
        "email": [w["volontaire"].email],
        "secret": [w["pin"]],
        "username": [w["prescripteur"].email],
        "semaine": ["2026-03-09"],
        "du": ["2026-03-01"],
        "q": ["Fatima", "06 00"],
    }


def hostile(w):
    """Values nobody should be able to break a form with."""
    other = [
        str(w["lieu_b"].pk),
        str(w["lieu_b"].uuid),
        str(w["personne_b"].uuid),
        str(w["personne_b"].pk),
        str(w["session_b"].pk),
        str(uuid.uuid4()),
        "999999999",
        "-1",
        "0",
    ]
    return st.one_of(
        st.text(max_size=40),
        st.text(min_size=300, max_size=400),
        st.just("é" * 10_000),
        st.just(""),
        st.text(max_size=10).map(lambda s: f"{s}\x00{s}"),
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        st.sampled_from(
            ["2026-02-30", "31/12/2026", "9999-99-99", "0000-00-00", "2026-13-01", "25:61"]
        ),
        st.sampled_from(["1e309", "NaN", "-0", "٣", "１２", "0x10", " 1 "]),
        st.sampled_from(other),
    )


def field_values(fields, w):
    """A dict of generated values: each field valid (one of the page's values), hostile,
    or left out."""
    strategies = {}
    for name, values in fields.items():
        options = [st.just(None), hostile(w)]
        if values:
            options.insert(0, st.sampled_from(values))
        strategies[name] = st.one_of(*options)
    return st.fixed_dictionaries(strategies).map(
        lambda d: {k: v for k, v in d.items() if v is not None}
    )


def snapshot():
    """Row counts of the main tables and the statuses that carry money, seats and consent."""
    from ateliers.models import Inscription, Session
    from inclusion.models import Beneficiaire, Lieu, Membership, OptOut, SmsMessage, Structure
    from mediation.models import BorneKiosque, CodePin
    from pass_numerique.models import Carnet, Cheque, Encaissement, Enveloppe, Releve

    state = {}
    for model in (
        Beneficiaire, Structure, Lieu, Membership, SmsMessage, OptOut, Session, Inscription,
        Carnet, Cheque, Encaissement, Releve, BorneKiosque, CodePin,
    ):  # fmt: skip
        state[model.__name__] = model.objects.count()
    for model, field in (
        (Inscription, "statut"),
        (Session, "statut"),
        (Carnet, "statut"),
        (Cheque, "statut"),
        (Releve, "statut"),
        (Beneficiaire, "consentement_sms"),
    ):
        rows = model.objects.values(field).annotate(n=Count("pk")).order_by(field)
        state[f"{model.__name__}.{field}"] = {r[field]: r["n"] for r in rows}
    state["Session.places"] = sorted(Session.objects.values_list("pk", "nb_inscrits", "capacite"))
    state["Enveloppe.emis"] = sorted(Enveloppe.objects.values_list("pk", "nb_cheques_emis"))
    return state


def _start_public_registration(client, w):
    """The SMS-code screen needs a registration under way: its first screen, validly."""
    client.post(
        mw.url_of("page:ateliers:inscription", w),
        {"prenom": "Awa", "telephone": "06 12 34 56 78", "consentement": "on"},
    )


PREPARE = {"page:ateliers:code": _start_public_registration}

# Forms that GET (searches and filters): the same properties, with the query string.
GET_TARGETS = [
    ("equipe:liste", "coordinateur", None),
    ("pro:beneficiaire_list", "prescripteur", None),
    ("pass:delivrer", "prescripteur", None),
    ("pass_gestion:releves", "coordinateur", None),
    ("ateliers:mes_sessions", "mediateur_a", None),
    ("ateliers:liste", "mediateur_a", None),
    ("ateliers:inscrire_session", "prescripteur", None),
    ("ateliers:inscrire_personne", "prescripteur", None),
    ("emargement:session", "mediateur_a", None),
    ("kiosque:ateliers", "kiosque", None),
    ("kiosque:lieux", "kiosque", None),
    ("page:ateliers:liste", "anonyme", None),
    ("page:lieux:liste", "anonyme", None),
    ("page:mon_pass:formulaire", "anonyme", None),
    ("cms:taille_texte", "anonyme", "wagtail_serve"),
    ("activites:liste", "mediateur_a", None),
    ("activites:nouvelle", "mediateur_a", None),
    ("orientations:envoyees", "prescripteur", None),
    ("orientations:recues", "mediateur_a", None),
    ("pilotage:tableau_de_bord", "coordinateur", None),
    ("pilotage:tableau_de_bord", "prescripteur", None),
]

# (target URL name, persona, page that shows its form (None: the target itself)).
# Personas here are those who use the form: "mediateur_a" manages structure A's session.
TARGETS = [
    # Espace pro: sign-in, people, SMS consent.
    ("pro:connexion", "anonyme", None),
    ("comptes:mot_de_passe_oublie", "anonyme", None),
    ("equipe:inviter", "coordinateur", None),
    ("equipe:revoquer", "coordinateur", None),
    ("equipe:renvoyer", "coordinateur", None),
    ("jetons:creer", "coordinateur", "jetons:liste"),
    ("mon_compte:nom", "prescripteur", None),
    ("double_facteur:activer", "prescripteur", None),
    ("double_facteur:perdu", "prescripteur", None),
    ("double_facteur:nouveaux_codes", "prescripteur", "double_facteur:gerer"),
    ("double_facteur:arreter", "prescripteur", "double_facteur:gerer"),
    ("mon_compte:email", "prescripteur", None),
    ("mon_compte:mot_de_passe", "prescripteur", None),
    ("pro:beneficiaire_create", "prescripteur", None),
    ("pro:beneficiaire_update", "prescripteur", None),
    ("pro:sms_refus", "prescripteur", None),
    ("pro:sms_reautoriser", "prescripteur", None),
    # Pass numérique.
    ("pass:delivrer_personne", "prescripteur", None),
    ("pass:delivrer_anonyme", "prescripteur", None),
    ("pass:carnet_remettre", "prescripteur", None),
    ("pass:carnet_bloquer", "prescripteur", None),
    ("pass:carnet_annuler", "prescripteur", None),
    ("pass:choisir_lieu", "mediateur_a", None),
    ("pass:verifier", "mediateur_a", None),
    ("pass:encaisser", "mediateur_a", None),
    ("pass_cheque_court", "mediateur_a", None),
    ("pass_gestion:etablir", "coordinateur", "pass_gestion:releves"),
    ("pass_gestion:payer", "coordinateur", None),
    # Ateliers.
    ("ateliers:session_create", "mediateur_a", None),
    ("ateliers:session_update", "mediateur_a", None),
    ("ateliers:session_cancel", "mediateur_a", None),
    ("ateliers:inscrire_confirmer", "prescripteur", None),
    ("ateliers:inscription_annuler", "prescripteur", None),
    ("ateliers_public:calendrier", "mediateur_a", None),
    ("emargement:presence", "mediateur_a", "emargement:session"),
    ("emargement:cheque", "mediateur_a", "emargement:session"),
    ("emargement:ajouter", "mediateur_a", "emargement:session"),
    ("emargement:creer", "mediateur_a", "emargement:session"),
    ("emargement:cloturer", "mediateur_a", "emargement:session"),
    # Médiation (issue 15): activity records, diagnostics, exports, duplicates, imports.
    ("activites:nouvelle", "mediateur_a", None),
    ("activites:nouvelle_personne", "mediateur_a", None),
    ("activites:modifier", "mediateur_a", None),
    ("activites:supprimer", "mediateur_a", None),
    ("activites:lier_cheque", "mediateur_a", "activites:detail"),
    ("diagnostics:nouveau", "mediateur_a", None),
    ("diagnostics:nouveau", "prescripteur", None),
    ("diagnostics:externe", "prescripteur", None),
    ("diagnostic_public:questions", "anonyme", "diagnostic_public:accueil"),
    ("diagnostic_public:sms", "anonyme", None),
    ("exports:demander", "mediateur_a", "activites:liste"),
    ("doublons:fusionner", "prescripteur", None),
    ("import_personnes:depot", "prescripteur", None),
    ("import_personnes:confirmation", "prescripteur", None),
    # Orientations (issue 16): both sides, and the place's signed link without an account.
    ("orientations:nouvelle", "prescripteur", None),
    ("orientations:annuler", "prescripteur", "orientations:detail"),
    ("orientations:recue_accepter", "mediateur_a", "orientations:recue"),
    ("orientations:recue_refuser", "mediateur_a", "orientations:recue"),
    ("orientations:recue_corriger", "mediateur_a", "orientations:recue"),
    ("orientations:recue_deplacer", "mediateur_a", "orientations:recue"),
    ("orientations:recue_terminer", "mediateur_a", "orientations:recue"),
    ("orientation_lien:acceptation", "anonyme", "orientation_lien:page"),
    ("orientation_lien:refus", "anonyme", "orientation_lien:page"),
    ("orientation_lien:correction", "anonyme", "orientation_lien:page"),
    ("orientation_lien:deplacement", "anonyme", "orientation_lien:page"),
    ("orientation_lien:nouveau_lien", "anonyme", None),
    # Pilotage (issue 17): the share link's form, with the dashboard's filters hidden in it.
    ("pilotage:partages", "coordinateur", None),
    ("pilotage:partages", "prescripteur", None),
    # Issue 18: "garder encore" (the form alone; the list's per-row forms post to it).
    ("conservation:garder", "prescripteur", None),
    ("effacement:confirmer", "prescripteur", None),
    # Kiosk.
    ("kiosque:diagnostic", "kiosque", None),
    ("kiosque:connexion", "appareil", None),
    ("kiosque:activer", "anonyme", None),
    ("kiosque:choisir_lieu", "kiosque", None),
    ("kiosque:pass", "kiosque", None),
    ("kiosque:inscrire", "kiosque", None),
    ("kiosque:rappel_sms", "kiosque", None),
    ("kiosque:recommencer", "kiosque", None),
    ("kiosque:terminer", "kiosque", None),
    # Public journeys.
    ("page:ateliers:inscription", "anonyme", None),
    ("page:ateliers:code", "anonyme", "page:ateliers:inscription"),
    ("sms_stop", "anonyme", None),
    ("sms:stop", "anonyme", None),
    ("sms:entrant", "anonyme", None),
    ("sms:statut", "anonyme", None),
]


# Defects the fuzzing found and not fixed yet: name -> reason (strict xfail until fixed).
FINDINGS: dict[str, str] = {}

# Pages of our apps with no POST form (GET only, or forms that GET: search and filters).
# With TARGETS, every URL of the permission matrix outside the admin is accounted for.
# Forms without a field (a confirmation button): nothing to fuzz.
NO_FIELD = {
    "inclusion_cache_pages", "mon_compte:deconnexion_partout", "gestion_comptes:desactiver",
    "gestion_comptes:reactiver", "double_facteur:reinitialiser", "doublons:distinctes",
    "orientations:relancer", "pilotage:partage_retirer", "jetons:revoquer",
}  # fmt: skip

NO_FORM = {
    "sante", "sante_pret", "image_publique", "habillage_css", "cms:mon_pass_qr", "pass_mon_pass",
    "page:ateliers:index_route", "page:ateliers:session", "page:ateliers:sans_telephone",
    "page:ateliers:fin", "page:lieux:index_route", "page:lieux:lieu",
    "page:mon_pass:index_route", "page:mon_pass:resultat", "ateliers_public:flux_lieu",
    "ateliers_public:flux_mediateur", "ateliers_public:statistiques", "pro:accueil",
    "pro:beneficiaire_detail", "pro:sms_statistiques", "pro:deconnexion", "pass:carnets",
    "pass:carnet_detail", "pass_gestion:accueil", "pass_gestion:releve",
    "pass_gestion:releve_pdf", "pass_gestion:releve_csv", "pass_gestion:tableau_de_bord",
    "ateliers:session_detail", "ateliers:feuille", "ateliers:inscription_resultat",
    "kiosque:accueil", "kiosque:atelier", "kiosque:inscription_faite", "kiosque:lieu",
    "kiosque:rappel", "kiosque:ticket_atelier", "kiosque:ticket_lieu",
    "comptes:demande_envoyee", "comptes:mot_de_passe_change",
    # Its form shows behind a live link only: tests/inclusion/test_comptes.py posts bad input.
    "comptes:nouveau_mot_de_passe",
    "mon_compte:accueil", "double_facteur:gerer",
    # They redirect every persona of this world (no app set up): tested in test_double_facteur.
    "double_facteur:codes", "double_facteur:codes_texte", "double_facteur:verifier",
    # Behind a live link only: their tests post bad input (test_invitations, test_mon_compte).
    "invitations:accepter", "mon_compte:email_confirmer",
    # Issue 15. Its form needs a closed émargement (the world's session is ahead: a POST is
    # 409): tests/mediation/test_activites_vues*.py post bad input to it.
    "activites:atelier",
    "activites:detail", "diagnostics:historique", "diagnostics:detail",
    "diagnostic_public:accueil", "exports:liste", "exports:progression", "exports:telecharger",
    "doublons:liste", "import_personnes:modele",
    "orientations:detail", "orientations:recue", "orientation_lien:page",
    # Issue 17: the PDF takes the dashboard's query (its form is fuzzed on the page); open
    # data are files and a page without a form.
    "pilotage:pdf", "pilotage:recherche", "opendata:jeux", "opendata:catalogue",
    "opendata:lieux_csv",
    "opendata:lieux_json", "opendata:di_structures", "opendata:di_services",
    "opendata:ateliers_json", "opendata:ateliers_ics", "partage:tableau", "partage:pdf",
    # The read API: no form (its own fuzzing is schemathesis, tests/mediation/test_api_schema).
    "api:documentation", "api:schema", "api:lieux", "api:lieu", "api:themes", "api:sessions",
    "api:jeux_de_donnees", "api:activites",
    # The tokens' list: its one POST form is fuzzed as jetons:creer.
    "jetons:liste",
    # Issue 18: the list's per-row forms are conservation:garder's, fuzzed as that target.
    "conservation:bientot",
    # Issue 18: the public page of the delays and rights; the copy of a person's data.
    "donnees_personnelles:page", "acces_donnees:apercu", "acces_donnees:pdf",
    "acces_donnees:json",
}  # fmt: skip


def _client(persona, w):
    from django.core import signing

    from mediation.services import bornes

    if persona == "mediateur_a":
        client = mw.client_for("anonyme", w)
        client.force_login(w["mediateur_a"])
        return client
    if persona == "appareil":  # an activated kiosk device, nobody signed in
        client = mw.client_for("anonyme", w)
        client.cookies[bornes.cookie_name()] = signing.get_cookie_signer(
            salt=bornes.cookie_name() + bornes.COOKIE_SALT
        ).sign(bornes.cookie_value(w["borne"], w["jeton"]))
        return client
    return mw.client_for(persona, w)


def _fields(client, name, source, w, method="post"):
    """The target's form fields, read from the page that shows it."""
    target = urlsplit(mw.url_of(name, w)).path
    page = mw.url_of(source or name, w)
    response = client.get(page)
    fields = {}
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        for form in forms_of(response.content.decode()):
            action = urlsplit(form["action"]).path or urlsplit(page).path
            if action == target and form["method"] == method:
                for key, values in form["fields"].items():
                    fields.setdefault(key, []).extend(values)
    for key, values in FALLBACK.get(name, {}).items():
        fields.setdefault(key, list(values))
    known = known_values(w)
    for key, values in fields.items():
        values.extend(known.get(key, []))
    return fields


def _params():
    for name, persona, source in TARGETS:
        marks = [pytest.mark.xfail(strict=True, reason=FINDINGS[name])] if name in FINDINGS else []
        yield pytest.param(name, persona, source, marks=marks, id=f"{name}-{persona}")


@pytest.mark.parametrize(("name", "persona", "source"), list(_params()))
def test_generated_posts_never_break_a_form(matrix_world, db, name, persona, source):
    w = matrix_world
    client = _client(persona, w)
    if name in PREPARE:
        PREPARE[name](client, w)
    url = mw.url_of(name, w)
    fields = _fields(client, name, source, w)

    @FUZZ
    @given(data=field_values(fields, w))
    def post(data):
        before = snapshot()
        response = client.post(url, data)
        assert response.status_code < 500, (url, data)
        if response.status_code >= 400:
            assert snapshot() == before, f"{url} refused {data!r} but wrote"

    post()


@pytest.mark.parametrize(
    ("name", "persona", "source"),
    GET_TARGETS,
    ids=[f"{name}-{persona}" for name, persona, _ in GET_TARGETS],
)
def test_generated_searches_never_break_a_page(matrix_world, db, name, persona, source):
    """Searches and filters: any query string gets an answer below 500 and writes nothing."""
    w = matrix_world
    client = _client(persona, w)
    url = mw.url_of(name, w)
    fields = _fields(client, name, source, w, method="get")
    assert fields, f"no GET form found for {name}"

    @FUZZ
    @given(data=field_values(fields, w))
    def search(data):
        before = snapshot()
        response = client.get(url, data)
        assert response.status_code < 500, (url, data)
        assert snapshot() == before, f"{url}?{data!r} wrote"

    search()


def test_every_url_is_fuzzed_or_has_no_form():
    """Built from the permission matrix's URL list: a new URL of our apps (outside the
    admin, whose forms are Wagtail's) is either a target here or declared without a form;
    a renamed target fails too."""
    from tests.test_permission_matrix import ADMIN_VIEWSETS

    targets = {name for name, _, _ in TARGETS + GET_TARGETS}
    ours = {
        n
        for n in mw.urls_in_scope()
        if not n.startswith("wagtail") and n.split(":", 1)[0] not in ADMIN_VIEWSETS
    }
    declared = NO_FORM | NO_FIELD
    assert not (ours - targets - declared), sorted(ours - targets - declared)
    assert not ((targets | declared) - ours), sorted((targets | declared) - ours)
