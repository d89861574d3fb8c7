"""The filters of a request or an export, within the viewer's scope: the form's lists are
the viewer's; an id outside them is dropped (the form says so next to its field)."""

from dataclasses import replace

from mediation.forms_pilotage import PilotageFiltreForm
from mediation.pilotage.filtres import PARAMETRES, parse_filtres


def filtres_in_scope(params, portee, today=None):
    """(Filtres, bound-or-not form). The period's empty fields show the default period."""
    filtres = parse_filtres(params, today=today)
    bound = any(params.get(key) for key in PARAMETRES)
    if not bound:
        form = PilotageFiltreForm(portee=portee, initial={"du": filtres.du, "au": filtres.au})
        return filtres, form
    data = {key: params.get(key, "") for key in PARAMETRES}
    data = {k: (v[-1] if isinstance(v, (list, tuple)) and v else v) for k, v in data.items()}
    for key in ("du", "au"):
        if not data[key]:
            data[key] = getattr(filtres, key).isoformat()
    form = PilotageFiltreForm(data, portee=portee)
    form.is_valid()
    return replace(filtres, **dict.fromkeys(form.refused())), form
