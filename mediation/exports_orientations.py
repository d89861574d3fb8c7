"""The orientation exports (registered as worker-built exports, inclusion.registry):

- "orientations_envoyees": what the user's structures sent (coordinators: every one), a row
  per orientation;
- "orientations_recues": what the user's places received (médiateurs; coordinators: every
  place), a row per receiving place, with that place's own answer (a theme orientation is sent
  to several places: one may refuse while another accepts).

Filters: the period of sending (du, au: local days, both included), the status, and for the
received ones the place.

No name of the person, not even the first name. The exports serve counting and reporting
(what was sent, what became of it, why refused, how long it waited); a first name adds
nothing to that, and a file that leaves the system is where personal data is hardest to keep
(copied, mailed, kept on a laptop, and no journal line for each reading). The orientation's
id leads back to it in the espace pro, where the person's file is opened with a journal line.
For the same reason no free text is exported (the need "en quelques mots", the refusal's
message, the reason of a cancellation): the reasons are the list's labels.
"""

from django.db.models import Prefetch
from django.utils import timezone

from inclusion import perms as socle
from inclusion.enums import Role
from inclusion.jours import debut_du_jour, debut_du_lendemain
from inclusion.models import Lieu
from inclusion.parametres import parse_day, read_param
from inclusion.registry import register_export
from inclusion.services.exports_fichiers import ExportBuilder, Tableau
from mediation import perms
from mediation.enums_orientations import MotifRefus, StatutOrientation, TypeOrientation
from mediation.models import Destinataire, Orientation
from mediation.services.orientations_stats import ACCEPTEES
from mediation.vocabulaire import Thematique

ENVOYEES = "orientations_envoyees"
RECUES = "orientations_recues"
# The exports' names: in the list of exports and as the sheet's title.
TITRES = {ENVOYEES: "Orientations envoyées", RECUES: "Orientations reçues"}
CHUNK = 2000
SAUT = "\n"

STATUTS = dict(StatutOrientation.choices)
TYPES = dict(TypeOrientation.choices)
MOTIFS = dict(MotifRefus.choices)
THEMATIQUES = dict(Thematique.choices)
REFUSEE_ICI = "Refusée par ce lieu"
PRISE_AILLEURS = "Prise par un autre lieu"

COLONNES_ENVOYEES = [
    "Envoyée le",
    "Heure d’envoi",
    "Statut",
    "Vers",
    "Lieu",
    "Atelier",
    "Session du",
    "Lieux sollicités",
    "Structure qui oriente",
    "Besoins",
    "Prise en compte le",
    "Décision le",
    "Jours d’attente",
    "Rendez-vous le",
    "Raisons du refus",
    "Terminée le",
    "Expirée le",
    "Annulée le",
    "Relances automatiques",
    "ID orientation",
]
COLONNES_RECUES = [
    "Reçue le",
    "Heure de réception",
    "Lieu qui reçoit",
    "Statut pour ce lieu",
    "Statut de l’orientation",
    "Vers",
    "Atelier",
    "Session du",
    "Structure qui oriente",
    "Besoins",
    "Ouverte le",
    "Décision le",
    "Jours d’attente",
    "Rendez-vous le",
    "Raisons du refus",
    "Terminée le",
    "Expirée le",
    "Annulée le",
    "ID orientation",
]


# --- Parameters --------------------------------------------------------------------------------


def parametres_valides(params):
    """du, au (ISO dates), statut (a StatutOrientation), lieu (a pk): invalid values dropped."""
    propres = {}
    for cle in ("du", "au"):
        jour = parse_day(read_param(params, cle))
        if jour:
            propres[cle] = jour.isoformat()
    if read_param(params, "statut") in StatutOrientation.values:
        propres["statut"] = read_param(params, "statut")
    if read_param(params, "lieu").isdigit():
        propres["lieu"] = read_param(params, "lieu")
    return propres


def _period(qs, p, champ):
    """Filter `qs` on the local days du..au of `champ`; the readable filter, if any."""
    du, au = parse_day(p.get("du", "")), parse_day(p.get("au", ""))
    if du:
        qs = qs.filter(**{f"{champ}__gte": debut_du_jour(du)})
    if au:
        qs = qs.filter(**{f"{champ}__lt": debut_du_lendemain(au)})
    if du and au:
        return qs, [("Période d’envoi", f"du {du:%d/%m/%Y} au {au:%d/%m/%Y}")]
    if du:
        return qs, [("Période d’envoi", f"à partir du {du:%d/%m/%Y}")]
    if au:
        return qs, [("Période d’envoi", f"jusqu’au {au:%d/%m/%Y}")]
    return qs, []


# --- Cells -------------------------------------------------------------------------------------


def _moment(value):
    return f"{timezone.localtime(value):%d/%m/%Y à %H:%M}" if value else ""


def _day(value):
    return timezone.localtime(value).date() if value else ""


def _lines(labels, keys):
    return SAUT.join(str(labels.get(k, k)) for k in keys or ())


def _days_waited(debut, reponse, now):
    """Whole days from the sending to the answer (or the end, or now while it waits)."""
    return max(0, ((reponse or now) - debut).days)


def _atelier(o):
    return o.theme.titre if o.theme_id else ""


def _session(o):
    return _day(o.session.debut) if o.session_id else ""


def _end_of_wait(o):
    """When the orientation stopped waiting: its decision, else its expiry or cancellation."""
    return o.decide_le or o.expire_le or o.annule_le


# --- Sent ---------------------------------------------------------------------------------------


def allowed_envoyees(user):
    """Whoever follows people's files (prescripteurs, médiateurs, coordinators)."""
    return socle.can_list_beneficiaires(user)


def _sent_queryset(user, p):
    qs = Orientation.objects.envoyees_par(user)
    qs, filtres = _period(qs, p, "cree_le")
    if "statut" in p:
        qs = qs.filter(statut=p["statut"])
        filtres.append(("Statut", STATUTS[p["statut"]]))
    return qs.order_by("cree_le", "pk"), filtres


def _sent_rows(qs, now):
    lieux = Prefetch(
        "destinataires", queryset=Destinataire.objects.select_related("lieu").order_by("pk")
    )
    qs = qs.select_related("structure", "lieu", "theme", "session").prefetch_related(lieux)
    for o in qs.iterator(chunk_size=CHUNK):
        yield [
            _day(o.cree_le),
            f"{timezone.localtime(o.cree_le):%H:%M}",
            STATUTS.get(o.statut, o.statut),
            TYPES.get(o.type, o.type),
            o.lieu.nom if o.lieu_id else "",
            _atelier(o),
            _session(o),
            SAUT.join(d.lieu.nom for d in o.destinataires.all()),
            o.structure.nom,
            _lines(THEMATIQUES, o.thematiques),
            _moment(o.prise_en_compte_le),
            _moment(o.decide_le),
            _days_waited(o.cree_le, _end_of_wait(o), now),
            _moment(o.rdv_le),
            _lines(MOTIFS, o.motifs_refus),
            _moment(o.termine_le),
            _moment(o.expire_le),
            _moment(o.annule_le),
            o.relances,
            str(o.uuid),
        ]


def build_envoyees(user, parametres):
    qs, filtres = _sent_queryset(user, parametres)
    return _tableau(user, ENVOYEES, COLONNES_ENVOYEES, qs, filtres, _sent_rows, Role.PRESCRIPTEUR)


# --- Received -----------------------------------------------------------------------------------


def allowed_recues(user):
    """The médiateurs of the receiving places, and coordinators."""
    return socle.is_coordinateur(user) or bool(perms.structure_ids_reception(user))


def _received_queryset(user, p):
    qs = Destinataire.objects.all()
    if not socle.is_coordinateur(user):
        qs = qs.filter(lieu__structure_id__in=perms.structure_ids_reception(user))
    qs, filtres = _period(qs, p, "orientation__cree_le")
    if "statut" in p:
        qs = qs.filter(orientation__statut=p["statut"])
        filtres.append(("Statut", STATUTS[p["statut"]]))
    if "lieu" in p:
        lieu = Lieu.objects.filter(pk=int(p["lieu"])).only("nom").first()
        # A place the user does not receive for matches nothing (the scope above).
        qs = qs.filter(lieu_id=int(p["lieu"]))
        filtres.append(("Lieu", lieu.nom if lieu is not None else "lieu introuvable"))
    return qs.order_by("orientation__cree_le", "pk"), filtres


def _place_status(d, o):
    if d.decline_le is not None:
        return REFUSEE_ICI
    if o.statut in ACCEPTEES and o.lieu_id != d.lieu_id:
        return PRISE_AILLEURS
    return STATUTS.get(o.statut, o.statut)


def _received_rows(qs, now):
    qs = qs.select_related(
        "lieu", "orientation__structure", "orientation__theme", "orientation__session"
    )
    for d in qs.iterator(chunk_size=CHUNK):
        o = d.orientation
        # This place's answer: its refusal, or its acceptance; the wait ends there, or when
        # another place answered, or at the expiry or the cancellation.
        ici = o.statut in ACCEPTEES and o.lieu_id == d.lieu_id
        decision = d.decline_le or (o.decide_le if ici else None)
        fin = decision or o.decide_le or o.expire_le or o.annule_le
        yield [
            _day(o.cree_le),
            f"{timezone.localtime(o.cree_le):%H:%M}",
            d.lieu.nom,
            _place_status(d, o),
            STATUTS.get(o.statut, o.statut),
            TYPES.get(o.type, o.type),
            _atelier(o),
            _session(o),
            o.structure.nom,
            _lines(THEMATIQUES, o.thematiques),
            _moment(d.ouvert_le),
            _moment(decision),
            _days_waited(o.cree_le, fin, now),
            _moment(o.rdv_le) if ici else "",
            _lines(MOTIFS, d.motifs_refus),
            _moment(o.termine_le) if ici else "",
            _moment(o.expire_le),
            _moment(o.annule_le),
            str(o.uuid),
        ]


def build_recues(user, parametres):
    qs, filtres = _received_queryset(user, parametres)
    return _tableau(user, RECUES, COLONNES_RECUES, qs, filtres, _received_rows, Role.MEDIATEUR)


def _tableau(user, nature, colonnes, qs, filtres, rows, role):
    """The export `nature` of `qs`, its rows written lazily by `rows`; `role` names the
    requester unless a coordinator asks."""
    return Tableau(
        titre=TITRES[nature],
        nom_fichier=nature,
        colonnes=colonnes,
        total=qs.count(),
        lignes=rows(qs, timezone.now()),
        filtres=filtres,
        role_demandeur=_role(user, role),
    )


def _role(user, role):
    return Role.COORDINATEUR.label if socle.is_coordinateur(user) else role.label


register_export(
    ENVOYEES,
    ExportBuilder(
        label=TITRES[ENVOYEES],
        allowed=allowed_envoyees,
        clean=parametres_valides,
        build=build_envoyees,
        retour_url_name="orientations:envoyees",
    ),
)
register_export(
    RECUES,
    ExportBuilder(
        label=TITRES[RECUES],
        allowed=allowed_recues,
        clean=parametres_valides,
        build=build_recues,
        retour_url_name="orientations:recues",
    ),
)
