from django.db.models import Exists, OuterRef

from pass_numerique.models import Programme


def sync_perimeter_flags(sender, instance, action, reverse, pk_set=None, **kwargs):
    """After any change to a programme's lieux or communes, say whether each list is empty."""
    if not action.startswith("post_"):
        return
    if reverse:
        # Changed from the lieu or commune side: refresh the programmes concerned.
        programmes = (
            Programme.objects.all() if pk_set is None else Programme.objects.filter(pk__in=pk_set)
        )
    else:
        programmes = Programme.objects.filter(pk=instance.pk)
    lieux = Programme.lieux.through.objects.filter(programme_id=OuterRef("pk"))
    communes = Programme.communes.through.objects.filter(programme_id=OuterRef("pk"))
    programmes.update(lieux_restreints=Exists(lieux), communes_restreintes=Exists(communes))
