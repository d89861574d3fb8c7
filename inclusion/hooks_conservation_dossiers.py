"""The espace pro's entry for the files soon anonymised (issue 18). Imported from
InclusionConfig.ready()."""

from django.conf import settings

from inclusion.conservation import duree_en_mots
from inclusion.registry import ProEntry, register_pro_entry
from inclusion.services.conservation_dossiers import can_see_notice

register_pro_entry(
    ProEntry(
        label="Dossiers bientôt anonymisés",
        url_name="conservation:bientot",
        description="Les dossiers sans activité depuis bientôt "
        f"{duree_en_mots(None, settings.INCLUSION_CONSERVATION['dossier_inactif'])} : les "
        "garder encore, avec un motif, avant leur anonymisation.",
        allowed=can_see_notice,
        order=60,
        in_menu=False,
    )
)
