"""send_email: render a message in the collectivité's habillage and queue it in the outbox."""

import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from inclusion import registry
from inclusion.emails import tasks
from inclusion.models import OutgoingEmail

logger = logging.getLogger(__name__)

TEMPLATES = "inclusion/emails"


def absolute_url(path):
    """A link that works from a mailbox: SITE_URL + path (already absolute URLs are kept)."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


def render_email(template, context, *, request=None):
    """(subject, text, html) of `inclusion/emails/<template>.{sujet.txt,txt,html}`.

    Every template gets `habillage` (name, help phone) and `logo_url`, absolute."""
    habillage = registry.habillage(request)
    full = {
        "habillage": habillage,
        "logo_url": absolute_url(habillage.logo_url) if habillage.logo_url else "",
        "site_url": settings.SITE_URL,
        **context,
    }
    sujet = render_to_string(f"{TEMPLATES}/{template}.sujet.txt", full)
    full["sujet"] = " ".join(sujet.split())
    texte = render_to_string(f"{TEMPLATES}/{template}.txt", full)
    html = render_to_string(f"{TEMPLATES}/{template}.html", full)
    return full["sujet"], texte.strip() + "\n", html


def send_email(
    *, to, template, context, kind, about=None, secrets=(), useless_after=None, request=None
):
    """Queue one e-mail to `to`; it leaves through the task worker once the caller commits.

    `secrets` (a token in a link) are masked in the outbox once sent or given up;
    `useless_after` (a link's expiry) is the moment after which it is not sent any more.
    Returns the OutgoingEmail row."""
    sujet, texte, html = render_email(template, context, request=request)
    about_label = f"{about._meta.label_lower}#{about.pk}" if about is not None else ""
    message = OutgoingEmail.objects.create(
        destinataire=to,
        sujet=sujet[:200],
        texte=texte,
        html=html,
        kind=kind,
        about=about_label,
        pas_avant=timezone.now(),
        inutile_apres=useless_after,
        a_masquer=[s for s in secrets if s],
    )
    logger.info("email %s queued kind=%s", message.pk, kind)

    # The task goes once the row is committed; if the enqueue is lost, the sweep
    # (manage.py send_due_emails) still finds the row.
    transaction.on_commit(lambda: tasks.deliver_email.enqueue(message.pk))
    return message
