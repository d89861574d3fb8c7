"""Media on a real S3 API (issue 19): moto's server runs on a loopback port for the module and
the project's StockageS3 talks to it over HTTP with boto3, as it would to Scaleway, OVH or
MinIO. tests/inclusion/test_stockage.py covers the addresses without a server; here the bytes
really go to a bucket and come back: Django's storage API, a Wagtail image uploaded through the
administration (its original and its rendition in the bucket, the rendition served at
/media/images/…), a Wagtail document (redirected to a signed URL that the bucket honours)."""

from urllib.parse import urlsplit

import boto3
import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import storages as storage_handler
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from moto.server import ThreadedMotoServer
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection

from inclusion.enums import Role
from inclusion.services.territoire import sync_groups
from inclusion.stockage import StockageS3
from tests.inclusion.factories import member

pytestmark = pytest.mark.usefixtures("frozen")

BUCKET = "inclusion-medias"
REGION = "eu-west-3"
CREDENTIALS = {"access_key": "moto-test-key", "secret_key": "moto-test-secret"}


@pytest.fixture(scope="module")
def moto_endpoint():
    """moto's S3 on a free loopback port (port 0: the system picks it), for this module."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )


@pytest.fixture
def bucket(moto_endpoint):
    """An empty private bucket per test, and the options the settings would build from
    INCLUSION_S3_* for it (inclusion/settings.py)."""
    client = s3_client(moto_endpoint)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    options = {
        "bucket_name": BUCKET,
        "endpoint_url": moto_endpoint,
        "region_name": REGION,
        **CREDENTIALS,
        "location": "commune",
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
    }
    yield client, options
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def s3_default_storage(bucket):
    """The default storage is the project's StockageS3 on the bucket, as in production."""
    client, options = bucket
    storages = {
        "default": {"BACKEND": "inclusion.stockage.StockageS3", "OPTIONS": options},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        assert isinstance(storage_handler["default"], StockageS3)
        yield client


def keys(client):
    response = client.list_objects_v2(Bucket=BUCKET)
    return sorted(item["Key"] for item in response.get("Contents", []))


def test_save_read_address_and_delete_through_the_storage_api(bucket):
    client, options = bucket
    stockage = StockageS3(**options)
    name = stockage.save("exports/liste.csv", ContentFile(b"commune;nombre\nMontclair;12\n"))
    assert name == "exports/liste.csv"
    assert keys(client) == ["commune/exports/liste.csv"]
    stored = client.get_object(Bucket=BUCKET, Key="commune/exports/liste.csv")
    assert stored["Body"].read() == b"commune;nombre\nMontclair;12\n"
    # Private: no public grant on the object.
    grants = client.get_object_acl(Bucket=BUCKET, Key="commune/exports/liste.csv")["Grants"]
    assert all("AllUsers" not in str(grant["Grantee"]) for grant in grants)

    assert stockage.exists(name) and not stockage.exists("exports/absente.csv")
    assert stockage.size(name) == 28
    with stockage.open(name, "rb") as f:
        assert f.read() == b"commune;nombre\nMontclair;12\n"
    # file_overwrite=False: a second file of the same name gets its own name.
    second = stockage.save("exports/liste.csv", ContentFile(b"autre"))
    assert second != name and second.startswith("exports/liste_")

    # The signed URL is the bucket's own address (moto does not check signatures).
    signed = stockage.url(name)
    assert urlsplit(signed).path == f"/{BUCKET}/commune/exports/liste.csv"
    assert requests.get(signed, timeout=5).content == b"commune;nombre\nMontclair;12\n"
    # A public rendition's address is the application's own, never the bucket's.
    assert stockage.url("images/logo.png") == "/media/images/logo.png"

    stockage.delete(name)
    stockage.delete(second)
    assert not stockage.exists(name)
    assert keys(client) == []


@pytest.mark.django_db
def test_an_image_uploaded_in_the_admin_lands_in_the_bucket_and_media_serves_it(
    client, s3_default_storage
):
    s3 = s3_default_storage
    coordinateur = member(Role.COORDINATEUR)
    sync_groups(coordinateur)
    client.force_login(coordinateur)
    png = get_test_image_file(size=(320, 200)).file.getvalue()
    upload = SimpleUploadedFile("plan-acces.png", png, content_type="image/png")
    response = client.post(
        "/admin/images/add/",
        {
            "title": "Plan d'accès",
            "file": upload,
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    image = Image.objects.get(title="Plan d'accès")
    original = f"commune/{image.file.name}"
    assert original in keys(s3)

    rendition = image.get_rendition("width-160")
    assert rendition.url.startswith("/media/images/")
    assert f"commune/{rendition.file.name}" in keys(s3)
    client.logout()
    served = client.get(rendition.url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    body = b"".join(served.streaming_content)
    stored = s3.get_object(Bucket=BUCKET, Key=f"commune/{rendition.file.name}")["Body"].read()
    assert body == stored and body.startswith(b"\x89PNG")
    # The original stays private: no door at /media/, and its URL is a signed one.
    assert client.get(f"/media/{image.file.name}").status_code == 404
    assert "X-Amz-Signature" in image.file.url


@pytest.mark.django_db
def test_a_document_uploaded_in_the_admin_is_redirected_to_a_signed_url(client, s3_default_storage):
    s3 = s3_default_storage
    coordinateur = member(Role.COORDINATEUR)
    sync_groups(coordinateur)
    client.force_login(coordinateur)
    contenu = b"%PDF-1.4\n% compte rendu\n"
    response = client.post(
        "/admin/documents/add/",
        {
            "title": "Compte rendu",
            "file": SimpleUploadedFile("compte-rendu.pdf", contenu, "application/pdf"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    document = Document.objects.get(title="Compte rendu")
    assert f"commune/{document.file.name}" in keys(s3)

    served = client.get(document.url)
    assert served.status_code == 302
    signed = served["Location"]
    assert "X-Amz-Signature" in signed
    assert requests.get(signed, timeout=5).content == contenu
