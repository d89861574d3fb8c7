"""Activity records (comptes rendus d'activité, La Coop's CRA): individual accompaniments and
workshops, stored with La Coop's keys (mediation.vocabulaire).

Refusals are ValidationErrors with codes: field errors in a dict (for the forms), the others
(`non_autorise`, `supprimee`, `emargement_ouvert`…) plain. The journal gets ids and field
names only, never notes, names or the procedure's name.
"""

from django.core.exceptions import EmptyResultSet
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from ateliers import perms as perms_ateliers
from ateliers.enums import StatutInscription, StatutSession
from inclusion.models import Lieu
from inclusion.services.beneficiaires import touch_activity
from inclusion.services.journal import write_journal
from mediation import perms
from mediation.models import Activite, Participant
from mediation.services.activites_champs import (
    CHAMPS,
    DUREE_DEFAUT,
    DUREE_MAX,
    TEXTE_COURT_MAX,
    THEMATIQUE_PAR_DEFAUT,
    _anonymous_rows,
    _check_keys,
    _clean,
    _copied_from_file,
    _Erreurs,
    _individual_participant,
    _refuse,
    _structure_for,
)
from mediation.vocabulaire import (
    Niveau,
    Thematique,
    TypeActivite,
    TypeLieu,
)
from pass_numerique.enums import Prestation

# --- Places and defaults ---------------------------------------------------------------------


def lieux_du_mediateur(user):
    """Active lieux of the active structures where the user may record (médiateur or
    coordinateur memberships): the places a record's lieu is chosen from."""
    ids = perms.structure_ids_auteur(user)
    return (
        Lieu.objects.filter(actif=True, structure_id__in=ids, structure__active=True)
        .select_related("commune")
        .order_by("nom")
    )


def lieu_unique(user):
    """The user's lieu when they have exactly one, else None (then they choose)."""
    lieux = list(lieux_du_mediateur(user)[:2])
    return lieux[0] if len(lieux) == 1 else None


def _last_record(acteur, beneficiaire=None):
    """The acteur's last live individual record (with this person first, when given)."""
    qs = Activite.objects.vivantes().filter(mediateur=acteur, type=TypeActivite.INDIVIDUEL)
    qs = qs.select_related("lieu", "commune").order_by("-cree_le", "-pk")
    if beneficiaire is not None:
        avec = qs.filter(participants__beneficiaire=beneficiaire).first()
        if avec is not None:
            return avec
    return qs.first()


def defaults_for(acteur, beneficiaire=None):
    """Initial values of an individual record: sensible defaults, then "comme la dernière
    fois" (the acteur's last live record — with this person if there is one: canal, lieu,
    matériel, thématiques, duration), then what the person's file knows (commune, genre, age
    band, status under "participant")."""
    valeurs = {
        "date": timezone.localdate(),
        "duree_minutes": DUREE_DEFAUT,
        "type_lieu": TypeLieu.LIEU_ACTIVITE,
        "lieu": lieu_unique(acteur),
        "commune": None,
        "thematiques": [],
        "materiel": [],
        "autonomie": "",
        "nom_demarche": "",
        "reoriente": False,
        "structure_redirection": "",
        "notes": "",
    }
    derniere = _last_record(acteur, beneficiaire)
    if derniere is not None:
        lieu_encore = derniere.lieu is None or (
            derniere.lieu.actif and derniere.lieu.structure_id in perms.structure_ids_auteur(acteur)
        )
        if lieu_encore:
            valeurs["type_lieu"] = derniere.type_lieu
            valeurs["lieu"] = derniere.lieu
            valeurs["commune"] = derniere.commune
        valeurs["materiel"] = list(derniere.materiel)
        valeurs["thematiques"] = list(derniere.thematiques)
        valeurs["duree_minutes"] = derniere.duree_minutes
    valeurs["comme_la_derniere_fois"] = derniere is not None
    if beneficiaire is not None:
        if beneficiaire.commune_id and valeurs["type_lieu"] != TypeLieu.LIEU_ACTIVITE:
            valeurs["commune"] = beneficiaire.commune
        valeurs["participant"] = _copied_from_file(beneficiaire)
    return valeurs


def defaults_for_session(session):
    """A workshop record's values from its session: theme → thématiques (La Coop's keys),
    level, title, duration from start and end (at most 600 minutes), place, date."""
    theme = session.theme
    # The theme stores La Coop's keys too (ateliers.enums.Thematique): taken as they are,
    # once each, minus any value the vocabulary no longer has.
    thematiques = [c for c in dict.fromkeys(theme.thematiques or []) if c in Thematique.values]
    minutes = int((session.fin - session.debut).total_seconds() // 60)
    return {
        "date": timezone.localdate(session.debut),
        "duree_minutes": min(max(minutes, 1), DUREE_MAX),
        "type_lieu": TypeLieu.LIEU_ACTIVITE,
        "lieu": session.lieu,
        "commune": None,
        "thematiques": thematiques or [THEMATIQUE_PAR_DEFAUT],
        "materiel": [],
        "niveau": theme.niveau if theme.niveau in Niveau.values else "",
        "titre_atelier": theme.titre[:TEXTE_COURT_MAX],
        "nom_demarche": "",
        "reoriente": False,
        "structure_redirection": "",
        "notes": "",
    }


def _journal(acteur, action, activite, **details):
    write_journal(
        acteur=acteur,
        action=action,
        objet=activite,
        structure=activite.structure,
        details={"type": activite.type, **details},
    )


def _create_participants(activite, rows):
    Participant.objects.bulk_create(Participant(activite=activite, **row) for row in rows)


# --- Writes ----------------------------------------------------------------------------------


def record_individuelle(*, acteur, beneficiaire=None, anonyme=None, structure=None, **champs):
    """Record an individual accompaniment of a person's file (visible to the acteur) or of an
    anonymous person (`anonyme`: a dict of genre, tranche_age, statut_social, commune).
    Fields left out take defaults (today, 30 minutes, at the acteur's only lieu).

    Codes: non_autorise, personne_requise, beneficiaire_inaccessible, valeur_inconnue,
    thematique_requise, lieu_requis, lieu_hors_structure, redirection_requise, date_requise,
    date_future, date_trop_ancienne, duree_invalide, texte_trop_long, structure_requise,
    structure_hors_perimetre."""
    if not perms.can_record_activite(acteur):
        _refuse("Seuls les médiateurs enregistrent des activités.", "non_autorise")
    _check_keys(TypeActivite.INDIVIDUEL, champs)
    data = {
        "date": timezone.localdate(),
        "duree_minutes": DUREE_DEFAUT,
        "type_lieu": TypeLieu.LIEU_ACTIVITE,
        "materiel": [],
        "thematiques": [],
        **champs,
    }
    if "lieu" not in champs and data["type_lieu"] == TypeLieu.LIEU_ACTIVITE:
        data["lieu"] = lieu_unique(acteur)
    erreurs = _Erreurs()
    propre = _clean(acteur, TypeActivite.INDIVIDUEL, data, erreurs)
    participant = _individual_participant(acteur, beneficiaire, anonyme, erreurs)
    structure = _structure_for(acteur, propre.get("lieu"), structure, erreurs)
    erreurs.raise_if_any()
    with transaction.atomic():
        activite = Activite.objects.create(
            type=TypeActivite.INDIVIDUEL,
            mediateur=acteur,
            structure=structure,
            participants_anonymes=0 if beneficiaire is not None else 1,
            **propre,
        )
        _create_participants(activite, [participant])
        _journal(acteur, "activite.creation", activite, participants=1)
    if beneficiaire is not None:
        touch_activity(beneficiaire=beneficiaire)
    return activite


def activite_de_session(session):
    """The live record of a workshop session, or None."""
    return Activite.objects.vivantes().filter(session=session).first()


def record_collective_from_session(*, acteur, session, anonymes=(), **champs):
    """Record a workshop from its session once the émargement is closed: present people as
    participants (copying their file's genre, age band, status and commune), the session's
    theme, level, title, duration and place (defaults_for_session; `champs` override them),
    plus anonymous participants: `anonymes` = (genre, tranche_age, statut_social, nombre).

    Refused: non_autorise (who may not manage the session), session_annulee,
    emargement_ouvert (the session is not closed yet), deja_enregistree (a live record exists:
    activite_de_session gives it), and the field codes of record_individuelle, nombre_invalide."""
    if not perms.can_record_activite(acteur) or not perms_ateliers.can_manage_session(
        acteur, session
    ):
        _refuse("Seuls les médiateurs de cet atelier l'enregistrent.", "non_autorise")
    if session.statut == StatutSession.ANNULEE:
        _refuse("Cette session est annulée.", "session_annulee")
    if session.statut != StatutSession.TERMINEE:
        _refuse("Clôturez d'abord l'émargement de la session.", "emargement_ouvert")
    if activite_de_session(session) is not None:
        _refuse("Cet atelier est déjà enregistré.", "deja_enregistree")
    _check_keys(TypeActivite.COLLECTIF, champs)
    data = {**defaults_for_session(session), **champs}
    erreurs = _Erreurs()
    propre = _clean(acteur, TypeActivite.COLLECTIF, data, erreurs, lieu_libre=session.lieu)
    anonymous_rows = _anonymous_rows(erreurs, anonymes)
    erreurs.raise_if_any()
    presents = [
        i.beneficiaire
        for i in session.inscriptions.filter(statut=StatutInscription.PRESENT)
        .select_related("beneficiaire__commune")
        .order_by("pk")
    ]
    lieu = propre.get("lieu")
    try:
        with transaction.atomic():
            activite = Activite.objects.create(
                type=TypeActivite.COLLECTIF,
                mediateur=acteur,
                structure=lieu.structure if lieu is not None else session.lieu.structure,
                session=session,
                participants_anonymes=len(anonymous_rows),
                **propre,
            )
            _create_participants(
                activite, [_copied_from_file(b) for b in presents] + anonymous_rows
            )
            _journal(
                acteur,
                "activite.creation",
                activite,
                session=session.pk,
                participants=len(presents) + len(anonymous_rows),
            )
    except IntegrityError:
        # Two recordings of one session at once: the partial unique constraint kept one.
        if activite_de_session(session) is not None:
            _refuse("Cet atelier est déjà enregistré.", "deja_enregistree")
        raise
    return activite


def _lock_own(acteur, activite):
    """The record locked for writing, after the author check (non_autorise)."""
    if activite.mediateur_id != acteur.pk:
        _refuse("Seul l'auteur de cette activité peut la modifier.", "non_autorise")
    return Activite.objects.select_for_update().get(pk=activite.pk)


def update_activite(*, acteur, activite, beneficiaire=None, anonyme=None, anonymes=None, **champs):
    """Change a record's fields (only its author: non_autorise; not a deleted one: supprimee).
    An individual record may change its person (beneficiaire or anonyme); a workshop its
    anonymous participants (`anonymes`, replacing them). Same field codes as the recordings."""
    _check_keys(activite.type, champs)
    individuel = activite.type == TypeActivite.INDIVIDUEL
    if (anonymes is not None and individuel) or (
        not individuel and (beneficiaire is not None or anonyme is not None)
    ):
        raise TypeError("Participants non applicables à ce type d'activité.")
    with transaction.atomic():
        current = _lock_own(acteur, activite)
        if current.supprime_le is not None:
            _refuse("Cette activité a été supprimée.", "supprimee")
        avant = {champ: getattr(current, champ) for champ in CHAMPS[current.type]}
        data = {**avant, **champs}
        erreurs = _Erreurs()
        lieu_libre = current.session.lieu if current.session_id else None
        propre = _clean(acteur, current.type, data, erreurs, lieu_libre=lieu_libre)
        participant = None
        if beneficiaire is not None or anonyme is not None:
            participant = _individual_participant(acteur, beneficiaire, anonyme, erreurs)
        rows = _anonymous_rows(erreurs, anonymes) if anonymes is not None else None
        structure = current.structure
        if individuel and propre.get("lieu") is not None:
            structure = propre["lieu"].structure
        erreurs.raise_if_any()

        changes = sorted(champ for champ, valeur in propre.items() if avant.get(champ) != valeur)
        for champ, valeur in propre.items():
            setattr(current, champ, valeur)
        current.structure = structure
        if participant is not None:
            current.participants.all().delete()
            _create_participants(current, [participant])
            current.participants_anonymes = 0 if participant["beneficiaire"] else 1
            changes.append("participants")
        if rows is not None:
            current.participants.filter(beneficiaire__isnull=True).delete()
            _create_participants(current, rows)
            current.participants_anonymes = len(rows)
            changes.append("participants")
        current.save()
        _journal(acteur, "activite.modification", current, champs=changes)
    if participant is not None and participant["beneficiaire"] is not None:
        touch_activity(beneficiaire=participant["beneficiaire"])
    return current


def delete_activite(*, acteur, activite):
    """Delete a record (only its author: non_autorise), leaving a tombstone for sync and
    exports: id, type, dates, author, duration, canal, place and thématiques stay; notes,
    procedure's name and workshop title are blanked; participants lose their link to a file
    but keep genre, age band and status (the counts do not change); the chèque link goes.
    Deleting again changes nothing."""
    with transaction.atomic():
        current = _lock_own(acteur, activite)
        if current.supprime_le is not None:
            return current
        current.supprime_le = timezone.now()
        current.notes = ""
        current.nom_demarche = ""
        current.titre_atelier = ""
        current.encaissement = None
        current.save()
        current.participants.update(beneficiaire=None)
        _journal(acteur, "activite.suppression", current)
    return current


def link_encaissement(*, acteur, activite, encaissement):
    """Tie a redemption and an individual record of the same service: same person (when both
    the chèque's carnet and the record name a file), same day, same place.
    Linking the same pair again changes nothing.

    Codes: non_autorise, supprimee, type_incompatible (a workshop's chèques are on its
    registrations), encaissement_atelier, deja_liee, personne_differente, jour_different,
    lieu_different."""
    with transaction.atomic():
        current = _lock_own(acteur, activite)
        if current.supprime_le is not None:
            _refuse("Cette activité a été supprimée.", "supprimee")
        if current.encaissement_id == encaissement.pk:
            return current
        if current.type != TypeActivite.INDIVIDUEL:
            _refuse(
                "Les chèques d'un atelier sont liés aux inscriptions de la session.",
                "type_incompatible",
            )
        if encaissement.prestation == Prestation.ATELIER:
            _refuse("Ce chèque a payé un atelier.", "encaissement_atelier")
        if current.encaissement_id or Activite.objects.filter(encaissement=encaissement).exists():
            _refuse("Ce chèque ou cette activité est déjà lié à un autre.", "deja_liee")
        # A named carnet and a named record must name the same file; an anonymous side
        # cannot contradict the other (a médiateur of another structure records the person
        # anonymously when their file is not theirs to see).
        carnet_beneficiaire_id = encaissement.cheque.carnet.beneficiaire_id
        if carnet_beneficiaire_id is not None:
            personnes = set(
                current.participants.filter(beneficiaire__isnull=False).values_list(
                    "beneficiaire_id", flat=True
                )
            )
            if personnes and personnes != {carnet_beneficiaire_id}:
                _refuse("Ce chèque vient du carnet d'une autre personne.", "personne_differente")
        if timezone.localdate(encaissement.encaisse_le) != current.date:
            _refuse("Ce chèque a été encaissé un autre jour.", "jour_different")
        if encaissement.lieu_id != current.lieu_id:
            _refuse("Ce chèque a été encaissé dans un autre lieu.", "lieu_different")
        current.encaissement = encaissement
        try:
            with transaction.atomic():
                current.save(update_fields=["encaissement", "modifie_le"])
        except IntegrityError:
            _refuse("Ce chèque ou cette activité est déjà lié à un autre.", "deja_liee")
        _journal(
            acteur,
            "activite.modification",
            current,
            champs=["encaissement"],
            encaissement=encaissement.pk,
        )
    return current


# --- Counts ----------------------------------------------------------------------------------


TOTAUX = ("activites", "individuels", "collectifs", "participants", "duree_minutes")


def counts(queryset):
    """Totals for "Mes activités", in one query: records, by type, participants (rows of
    named and anonymous people), duration in minutes.

    The ORM builds the records' SQL (their filters, as `queryset` has them); the totals around
    it are written here: an aggregate over a correlated count made Django build and wrap the
    query at ~5,200 function calls a page, this costs ~700. Participants are counted by an
    uncorrelated IN on the same records, never by a join (which would multiply durations)."""
    lignes = queryset.order_by().values_list("pk", "type", "duree_minutes")
    try:
        sql, params = lignes.query.sql_with_params()
    except EmptyResultSet:  # .none(): nothing to ask the database
        return dict.fromkeys(TOTAUX, 0)
    connexion = connections[queryset.db]
    nom = connexion.ops.quote_name
    participants = nom(Participant._meta.db_table)
    activite = nom(Participant._meta.get_field("activite").column)
    requete = (
        f"WITH a (pk, type, duree) AS ({sql}) "
        "SELECT COUNT(*), "
        "COALESCE(SUM(CASE WHEN type = %s THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN type = %s THEN 1 ELSE 0 END), 0), "
        f"(SELECT COUNT(*) FROM {participants} WHERE {activite} IN (SELECT pk FROM a)), "
        "COALESCE(SUM(duree), 0) "
        "FROM a"
    )
    with connexion.cursor() as cursor:
        cursor.execute(
            requete, (*params, TypeActivite.INDIVIDUEL.value, TypeActivite.COLLECTIF.value)
        )
        return dict(zip(TOTAUX, (int(n) for n in cursor.fetchone()), strict=True))
