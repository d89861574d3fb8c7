"""Error reporting (Sentry, optional) and its scrubbing: filled by the operations work."""


def init_sentry(dsn, environment="", release=""):
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn, environment=environment or None, release=release or None, send_default_pii=False
    )
