"""Media without a local disk (issue 19). The tests' default storage is Django's
InMemoryStorage (tests/settings.py), which has no `.path`: every test that writes or reads
media (exports, logos, PDFs) already proves it works without a filesystem path. Here: the S3
storage's addresses (signed for private files, the application's own for public renditions),
the door of public renditions, the PDFs' logo read from the storage, and a scan of the code
for what would need a local path."""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import include, path
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

from cms.models import Habillage
from inclusion import registry
from inclusion.stockage import StockageS3, is_public
from inclusion.views import acces
from inclusion.views.medias import image_publique
from mediation.pilotage import pdf as pilotage_pdf
from tests.cms.conftest import build_site

# Until inclusion/urls.py routes /media/images/ to the view, this module is the urlconf.
urlpatterns = [
    path("media/<path:chemin>", image_publique, name="image_publique"),
    path("", include("inclusion.urls")),
]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.usefixtures("frozen")]

ROOT = Path(__file__).resolve().parents[2]
S3_OPTIONS = {
    "bucket_name": "inclusion-medias",
    "endpoint_url": "https://s3.example.invalid",
    "region_name": "fr-par",
    "access_key": "AKIAEXAMPLE",
    "secret_key": "not-a-secret",
    "location": "commune",
    "default_acl": "private",
    "querystring_auth": True,
    "querystring_expire": 300,
    "file_overwrite": False,
}


def test_private_files_get_a_short_signed_url_never_a_public_one():
    """Signing is local (no request to the bucket)."""
    stockage = StockageS3(**S3_OPTIONS)
    url = stockage.url("exports/0b7c.csv")
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.scheme == "https" and parts.netloc == "s3.example.invalid"
    assert parts.path == "/inclusion-medias/commune/exports/0b7c.csv"
    assert query["X-Amz-Expires"] == ["300"] and "X-Amz-Signature" in query
    for name in ("original_images/logo.png", "documents/cr.pdf", "images/../exports/0b7c.csv"):
        assert "X-Amz-Signature" in stockage.url(name), name


def test_public_renditions_are_addressed_through_the_application():
    stockage = StockageS3(**S3_OPTIONS)
    assert stockage.url("images/logo.height-128.format-png.png") == (
        "/media/images/logo.height-128.format-png.png"
    )
    assert stockage.url("images/été 2026.png") == "/media/images/%C3%A9t%C3%A9%202026.png"


@pytest.mark.parametrize(
    ("name", "public"),
    [
        ("images/logo.png", True),
        ("/images/logo.png", True),
        ("exports/x.csv", False),
        ("original_images/logo.png", False),
        ("documents/a.pdf", False),
        ("images/../exports/x.csv", False),
        ("images\\..\\exports\\x.csv", False),
        ("", False),
    ],
)
def test_what_is_public(name, public):
    assert is_public(name) is public


def test_public_rendition_door_serves_images_only(client, db):
    image = default_storage.save("images/carte.png", ContentFile(b"\x89PNG fake"))
    export = default_storage.save("exports/secret.csv", ContentFile(b"nom;telephone"))
    original = default_storage.save("original_images/carte.png", ContentFile(b"\x89PNG big"))
    response = client.get(f"/media/{image}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG fake"
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"]
    for name in (export, original, "images/absent.png", "images/../" + export):
        assert client.get(f"/media/{name}").status_code == 404, name
    assert client.post(f"/media/{image}").status_code == 405


@pytest.mark.django_db
def test_the_logo_reaches_pages_and_pdfs_through_the_storage(client):
    """The logo's rendition is written to the storage, addressed under /media/images/ and
    read back from the storage by both PDF renderers (no disk, no network)."""
    build_site()
    logo = Image.objects.create(title="Logo", file=get_test_image_file(size=(400, 200)))
    Habillage(
        site=Site.objects.get(),
        nom="Ville de Montclair",
        couleur_principale="#0b5d6b",
        couleur_secondaire="#a8321c",
        logo=logo,
    ).save()
    url = registry.habillage().logo_url
    assert url.startswith("/media/images/")
    name = url.removeprefix("/media/")
    assert default_storage.exists(name)
    with default_storage.open(name, "rb") as f:
        stored = f.read()
    for fetcher in (pilotage_pdf.url_fetcher, acces._url_fetcher):
        for address in (url, f"http://testserver{url}"):
            fetched = fetcher(address)
            assert fetched["string"] == stored
            assert fetched["mime_type"] == "image/png"
    assert b"".join(client.get(url).streaming_content) == stored
    # And nothing else: a PDF never fetches a private file or the network.
    with pytest.raises(ValueError):
        pilotage_pdf.url_fetcher("https://example.org/tracker.png")
    with pytest.raises(ValueError):
        acces._url_fetcher("/etc/passwd")


@override_settings(
    STORAGES={
        "default": {"BACKEND": "inclusion.stockage.StockageS3", "OPTIONS": S3_OPTIONS},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
)
def test_the_configured_storage_is_the_s3_one():
    from django.core.files.storage import storages

    assert isinstance(storages["default"], StockageS3)
    assert default_storage.url("images/a.png") == "/media/images/a.png"
    assert "X-Amz-Signature" in default_storage.url("exports/a.csv")


# What needs a local file: a storage's or a file's .path, MEDIA_ROOT, the disk storage.
LOCAL_ONLY = re.compile(
    r"\.path\s*\(|\b(?:file|fichier|logo|image|document|rendition)\.path\b|MEDIA_ROOT"
    r"|FileSystemStorage"
)
ALLOWED = {"inclusion/settings.py", "inclusion/urls.py"}


def test_no_code_path_needs_a_local_media_file():
    found = []
    for app in ("inclusion", "pass_numerique", "ateliers", "mediation", "cms"):
        for source in (ROOT / app).rglob("*.py"):
            relative = source.relative_to(ROOT).as_posix()
            if relative in ALLOWED or "/migrations/" in relative:
                continue
            for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
                if LOCAL_ONLY.search(line) and not line.lstrip().startswith("#"):
                    found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []
