"""Communes, quartiers, structures, lieux and memberships: created and changed here only.

Every door (the Wagtail admin, the demo command, the tests) calls these functions: each write
checks who acts (`perms.can_admin_territoire` when a person acts), runs the model's checks
(`full_clean`), writes its journal line, and keeps the Coordinateurs group in step. The public
site's caches follow through the models' save signals, once the transaction commits."""

from contextlib import contextmanager

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from inclusion import perms
from inclusion.enums import MotifRetraitQualification, Role
from inclusion.models import Commune, Lieu, Membership, Quartier, Structure, User
from inclusion.services.journal import write_journal
from inclusion.signals import COORDINATEURS_GROUP

REFUS_TERRITOIRE = "Seul un coordinateur modifie le territoire."
QUALIFICATION = ("qualifie_pass", "qualifie_le", "qualifie_par", "qualification_retiree_le")


def _check_acteur(acteur):
    if acteur is not None and not perms.can_admin_territoire(acteur):
        raise PermissionDenied(REFUS_TERRITOIRE)


def _structure_of(obj):
    return obj if isinstance(obj, Structure) else getattr(obj, "structure", None)


def _check_structure_active(structure, quoi):
    if structure is not None and not structure.active:
        raise ValidationError(
            {"structure": f"Cette structure est désactivée : on ne lui ajoute pas de {quoi}."},
            code="structure_desactivee",
        )


def _create(model, acteur, action, structure=None, **champs):
    _check_acteur(acteur)
    obj = model(**champs)
    obj.full_clean()
    obj.save()
    write_journal(acteur=acteur, action=action, objet=obj, structure=structure)
    return obj


def _change(obj, champs):
    """Set `champs` on the locked row; returns the names of the fields that really changed."""
    changes = sorted(name for name, value in champs.items() if getattr(obj, name) != value)
    for name in changes:
        setattr(obj, name, champs[name])
    obj.full_clean()
    obj.save()
    return changes


def _update(acteur, action, obj, champs, check=None):
    """Change fields of a row of the territory (read again, locked: a concurrent change of
    another field is kept), then its journal line with the names of the fields changed.
    `check(row, champs)` sees the row as it was before the change."""
    _check_acteur(acteur)
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    if check is not None:
        check(obj, champs)
    changes = _change(obj, champs)
    write_journal(
        acteur=acteur,
        action=action,
        objet=obj,
        structure=_structure_of(obj),
        details={"champs": changes},
    )
    return obj, changes


def _delete(acteur, action, obj, details=None):
    _check_acteur(acteur)
    # Journal first: the object still has its primary key.
    write_journal(
        acteur=acteur, action=action, objet=obj, structure=_structure_of(obj), details=details
    )
    obj.delete()


@contextmanager
def _keeping_own_coordinator_role(acteur):
    """A coordinator never takes away their own coordinator role (their memberships, or the
    structure that carries it): another coordinator does it, so the territory is never left
    without anyone to run it."""
    avant = acteur is not None and _is_active_coordinator(acteur)
    yield
    if avant and not _is_active_coordinator(acteur):
        raise ValidationError(
            "Vous retireriez votre propre rôle de coordinateur : demandez-le à un autre "
            "coordinateur.",
            code="propre_role_coordinateur",
        )


def _is_active_coordinator(user):
    return Membership.objects.actives().filter(user=user, role=Role.COORDINATEUR).exists()


@transaction.atomic
def create_commune(*, acteur=None, nom, code_insee, codes_postaux):
    return _create(
        Commune,
        acteur,
        "commune.creation",
        nom=nom,
        code_insee=code_insee,
        codes_postaux=codes_postaux,
    )


@transaction.atomic
def create_quartier(*, acteur=None, commune, nom, prioritaire=False, code_qpv=""):
    return _create(
        Quartier,
        acteur,
        "quartier.creation",
        commune=commune,
        nom=nom,
        prioritaire=prioritaire,
        code_qpv=code_qpv,
    )


@transaction.atomic
def update_commune(*, acteur, commune, **champs):
    return _update(acteur, "commune.modification", commune, champs)[0]


@transaction.atomic
def delete_commune(*, acteur, commune):
    _delete(acteur, "commune.suppression", commune)


@transaction.atomic
def update_quartier(*, acteur, quartier, **champs):
    return _update(acteur, "quartier.modification", quartier, champs)[0]


@transaction.atomic
def delete_quartier(*, acteur, quartier):
    _delete(acteur, "quartier.suppression", quartier)


@transaction.atomic
def create_structure(*, acteur=None, **champs):
    _check_acteur(acteur)
    structure = Structure(**champs)
    structure.full_clean()
    structure.save()
    write_journal(acteur=acteur, action="structure.creation", objet=structure, structure=structure)
    return structure


@transaction.atomic
def update_structure(*, acteur, structure, **champs):
    """A structure switched on or off: its members' roles change with it (Membership.actives
    counts active structures only), so their Coordinateurs group follows."""
    with _keeping_own_coordinator_role(acteur):
        structure, changes = _update(acteur, "structure.modification", structure, champs)
        if "active" in changes:
            for user in User.objects.filter(memberships__structure=structure).distinct():
                sync_groups(user)
    return structure


@transaction.atomic
def delete_structure(*, acteur, structure):
    with _keeping_own_coordinator_role(acteur):
        users = list(User.objects.filter(memberships__structure=structure).distinct())
        _delete(acteur, "structure.suppression", structure)
        for user in users:
            sync_groups(user)


@transaction.atomic
def create_lieu(*, acteur=None, structure, **champs):
    _check_acteur(acteur)
    _check_structure_active(structure, "lieu")
    lieu = Lieu(structure=structure, **champs)
    lieu.full_clean()
    lieu.save()
    write_journal(acteur=acteur, action="lieu.creation", objet=lieu, structure=structure)
    return lieu


@transaction.atomic
def update_lieu(*, acteur, lieu, **champs):
    """Every field but the qualification, which changes through qualify_lieu and
    withdraw_qualification only."""
    if set(champs) & set(QUALIFICATION):
        raise ValueError("The qualification changes through qualify_lieu / withdraw_qualification.")
    return _update(acteur, "lieu.modification", lieu, champs, check=_check_new_structure)[0]


def _check_new_structure(lieu, champs):
    if "structure" in champs and champs["structure"].pk != lieu.structure_id:
        _check_structure_active(champs["structure"], "lieu")


@transaction.atomic
def delete_lieu(*, acteur, lieu):
    _delete(acteur, "lieu.suppression", lieu)


@transaction.atomic
def qualify_lieu(*, acteur, lieu, le=None):
    """Qualify a place to accept pass numérique chèques."""
    if acteur is not None and not perms.can_qualify_lieu(acteur, lieu):
        raise PermissionDenied("Seul un coordinateur peut qualifier un lieu.")
    lieu = Lieu.objects.select_for_update().get(pk=lieu.pk)
    if lieu.qualifie_pass:
        raise ValidationError("Ce lieu est déjà qualifié pour le pass numérique.")
    lieu.qualifie_pass = True
    lieu.qualifie_le = le or timezone.localdate()
    lieu.qualifie_par = acteur
    lieu.qualification_retiree_le = None
    lieu.save(
        update_fields=["qualifie_pass", "qualifie_le", "qualifie_par", "qualification_retiree_le"]
    )
    write_journal(acteur=acteur, action="lieu.qualification", objet=lieu, structure=lieu.structure)
    return lieu


@transaction.atomic
def withdraw_qualification(*, acteur, lieu, motif=""):
    """Withdraw the qualification; the date of qualification stays for the record."""
    if not perms.can_qualify_lieu(acteur, lieu):
        raise PermissionDenied("Seul un coordinateur peut retirer une qualification.")
    if motif and motif not in MotifRetraitQualification.values:
        # The journal keeps the reason: a key of the list, never typed text.
        raise ValidationError(
            {"motif": ValidationError("Choisissez un motif de la liste.", code="motif_inconnu")}
        )
    lieu = Lieu.objects.select_for_update().get(pk=lieu.pk)
    if not lieu.qualifie_pass:
        raise ValidationError("Ce lieu n'est pas qualifié pour le pass numérique.")
    lieu.qualifie_pass = False
    lieu.qualification_retiree_le = timezone.localdate()
    lieu.save(update_fields=["qualifie_pass", "qualification_retiree_le"])
    write_journal(
        acteur=acteur,
        action="lieu.qualification_retiree",
        objet=lieu,
        structure=lieu.structure,
        details={"motif": motif},
    )
    return lieu


def sync_groups(user):
    """Coordinators get the Wagtail admin through the "Coordinateurs" group."""
    groupe, _ = Group.objects.get_or_create(name=COORDINATEURS_GROUP)
    if user.memberships.actives().filter(role=Role.COORDINATEUR).exists():
        user.groups.add(groupe)
    else:
        user.groups.remove(groupe)
    perms.forget_roles(user)


@transaction.atomic
def create_user(*, acteur=None, email, prenom="", nom="", password=None):
    user = User(email=User.objects.normalize_email(email).lower(), first_name=prenom, last_name=nom)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    write_journal(acteur=acteur, action="utilisateur.creation", objet=user)
    return user


@transaction.atomic
def add_membership(*, acteur=None, user, structure, role, referent=False):
    """Idempotent: an existing active membership is returned as is (made référent when asked),
    an ended one taken up again (and journalised like a new one)."""
    _check_acteur(acteur)
    _check_structure_active(structure, "rattachement")
    membership, created = Membership.objects.get_or_create(
        user=user, structure=structure, role=role, defaults={"active": True, "referent": referent}
    )
    if not created and (not membership.active or (referent and not membership.referent)):
        created = created or not membership.active
        membership.active = True
        membership.termine_le = None
        membership.referent = membership.referent or referent
        membership.save(update_fields=["active", "termine_le", "referent"])
    if created:
        write_journal(
            acteur=acteur,
            action="membre.ajout",
            objet=membership,
            structure=structure,
            details={"role": role, "utilisateur": user.pk},
        )
    sync_groups(user)
    return membership


@transaction.atomic
def remove_membership(*, acteur, membership):
    _check_acteur(acteur)
    with _keeping_own_coordinator_role(acteur):
        membership.active = False
        membership.termine_le = timezone.now()
        membership.save(update_fields=["active", "termine_le"])
        write_journal(
            acteur=acteur,
            action="membre.retrait",
            objet=membership,
            structure=membership.structure,
            details={"role": membership.role, "utilisateur": membership.user_id},
        )
        sync_groups(membership.user)


@transaction.atomic
def update_membership(*, acteur, membership, **champs):
    """Change a membership (user, structure, role, active). Switched on: "membre.ajout",
    off: "membre.retrait", else "membre.modification"; the groups of the user (and of the
    former user) follow."""
    _check_acteur(acteur)
    with _keeping_own_coordinator_role(acteur):
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        ancien = membership.user
        structure = champs.get("structure", membership.structure)
        deja_active_ici = membership.active and structure.pk == membership.structure_id
        if champs.get("active", membership.active) and not deja_active_ici:
            _check_structure_active(structure, "rattachement")
        changes = _change(membership, champs)
        if "active" in changes:
            membership.termine_le = None if membership.active else timezone.now()
            membership.save(update_fields=["termine_le"])
            action = "membre.ajout" if membership.active else "membre.retrait"
        else:
            action = "membre.modification"
        write_journal(
            acteur=acteur,
            action=action,
            objet=membership,
            structure=membership.structure,
            details={
                "role": membership.role,
                "utilisateur": membership.user_id,
                "champs": changes,
            },
        )
        sync_groups(membership.user)
        if ancien.pk != membership.user_id:
            sync_groups(ancien)
    return membership


@transaction.atomic
def delete_membership(*, acteur, membership):
    """Prefer remove_membership (the row stays, ended); this one erases it."""
    _check_acteur(acteur)
    with _keeping_own_coordinator_role(acteur):
        user = membership.user
        _delete(
            acteur,
            "membre.suppression",
            membership,
            details={"role": membership.role, "utilisateur": membership.user_id},
        )
        sync_groups(user)
