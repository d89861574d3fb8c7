from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from inclusion import enums


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


def nom_complet(first_name, last_name):
    """An account's full name (User.get_full_name); a list's plain rows use it too."""
    return f"{first_name} {last_name}".strip()


class User(AbstractBaseUser, PermissionsMixin):
    """A professional or a volunteer. Beneficiaries never have an account."""

    email = models.EmailField("adresse e-mail", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    is_staff = models.BooleanField("accès à l'administration Django", default=False)
    is_active = models.BooleanField("actif", default=True)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)
    # Raised to end every session of the account at once (sign out everywhere, deactivation),
    # whatever the session store: it is part of the session auth hash.
    generation_sessions = models.PositiveIntegerField(default=0, editable=False)
    desactive_le = models.DateTimeField("désactivé le", null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return nom_complet(self.first_name, self.last_name)

    def get_short_name(self):
        return self.first_name or self.email

    def _get_session_auth_hash(self, secret=None):
        # Generation 0 keeps Django's hash, so that adding the field signed nobody out.
        if not self.generation_sessions:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "inclusion.User.get_session_auth_hash",
            f"{self.password}:{self.generation_sessions}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class MembershipQuerySet(models.QuerySet):
    def actives(self):
        return self.filter(active=True, structure__active=True)


class Membership(models.Model):
    """A user's role in a structure. A person may hold several roles and structures."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    structure = models.ForeignKey(
        "inclusion.Structure", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=20, choices=enums.Role.choices)
    active = models.BooleanField("active", default=True)
    # The structure's référent invites colleagues into it (see services/invitations.py).
    referent = models.BooleanField("référent de la structure", default=False)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    termine_le = models.DateTimeField("terminée le", null=True, blank=True, editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["structure__nom", "role"]
        verbose_name = "rattachement"
        verbose_name_plural = "rattachements"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "structure", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.structure}"
