"""Media on S3-compatible storage (issue 19): app hosts keep no file of their own.

The bucket is private. Two kinds of files live in it:

- the public site's image renditions (`images/…`, the logo and the pages' pictures): their
  address is the application's own `/media/images/…` (inclusion.views.medias), stable and
  cacheable. A signed URL would expire in minutes, while the page cache, a PDF's logo and
  an e-mail read next week keep the address;
- everything else (exports, original images, documents): never a public address. Exports are
  streamed by the application after its permission check (inclusion/views/exports.py);
  Wagtail documents are redirected to a short signed URL after Wagtail's own check.
"""

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage

# Only renditions: nginx serves the same prefix from disk without S3 (deploy/nginx).
PUBLIC_PREFIXES = ("images/",)


def is_public(name):
    """A media name anyone may read: a rendition of the public site's images."""
    name = (name or "").lstrip("/")
    return (
        name.startswith(PUBLIC_PREFIXES)
        and ".." not in name.split("/")
        and "\\" not in name
        and "\x00" not in name
    )


class StockageS3(S3Storage):
    """S3Storage whose public renditions are addressed through the application."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        if is_public(name):
            return f"{settings.MEDIA_URL}{filepath_to_uri(name.lstrip('/'))}"
        return super().url(name, parameters=parameters, expire=expire, http_method=http_method)
