"""Communes, quartiers, structures, lieux and memberships: created and changed here only."""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from inclusion import perms
from inclusion.enums import Role
from inclusion.models import Commune, Lieu, Membership, Quartier, Structure, User
from inclusion.services.journal import write_journal
from inclusion.signals import COORDINATEURS_GROUP


def _create(model, acteur, action, structure=None, **champs):
    obj = model(**champs)
    obj.full_clean()
    obj.save()
    write_journal(acteur=acteur, action=action, objet=obj, structure=structure)
    return obj


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
def create_structure(*, acteur=None, **champs):
    structure = Structure(**champs)
    structure.full_clean()
    structure.save()
    write_journal(acteur=acteur, action="structure.creation", objet=structure, structure=structure)
    return structure


@transaction.atomic
def create_lieu(*, acteur=None, structure, **champs):
    lieu = Lieu(structure=structure, **champs)
    lieu.full_clean()
    lieu.save()
    write_journal(acteur=acteur, action="lieu.creation", objet=lieu, structure=structure)
    return lieu


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
        details={"motif": motif[:200]},
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
def add_membership(*, acteur=None, user, structure, role):
    membership, created = Membership.objects.get_or_create(
        user=user, structure=structure, role=role, defaults={"active": True}
    )
    if not created and not membership.active:
        membership.active = True
        membership.save(update_fields=["active"])
        created = True
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
    membership.active = False
    membership.save(update_fields=["active"])
    write_journal(
        acteur=acteur,
        action="membre.retrait",
        objet=membership,
        structure=membership.structure,
        details={"role": membership.role, "utilisateur": membership.user_id},
    )
    sync_groups(membership.user)
