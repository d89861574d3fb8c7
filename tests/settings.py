"""Test settings: fast hashing, immediate tasks, in-memory SMS, no network."""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-production-use-0123456789"
)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

from inclusion.settings import *  # noqa: E402,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SMS_BACKEND = "inclusion.sms.backends.memory.MemoryBackend"
# E-mails land in django.core.mail.outbox; tests/inclusion/test_emails_smtp.py talks real SMTP.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run at any hour: the window is tested on its own (test_sms_outbox.py).
SMS_SEND_WINDOW = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
AXES_ENABLED = False
# Most tests sign people in with force_login; the second factor is tested with
# override_settings(INCLUSION_DOUBLE_FACTEUR="sensibles"/"tous") in its own modules.
INCLUSION_DOUBLE_FACTEUR = "aucun"
ALLOWED_HOSTS = ["*"]
WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_AUTOREFRESH = True
# Dashboards count live in tests whatever the machine's load (a slow run must not turn them
# into the worker's instantanés); tests/mediation/test_pilotage_instantanes.py sets its bound.
INCLUSION_PILOTAGE_DIRECT_SECONDES = 3600
