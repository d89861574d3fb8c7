"""One question a page without JavaScript and without storing anything: every page is a form
that posts back the answers given so far (hidden fields) with the new one. The public site
and the kiosk share this; each renders it in its own look.

    step 0: the start page (GET)
    step 1: what stands in the way (check boxes, "Suivant")
    steps 2 to 8: one skill area each; each answer is a big submit button (one tap)
    then the result, shown in the answer to the last POST (printable, never kept)
"""

from dataclasses import dataclass, field

from mediation import diagnostic

DERNIERE = diagnostic.NB_QUESTIONS


@dataclass
class Etat:
    obstacles: list = field(default_factory=list)
    scores: dict = field(default_factory=dict)
    etape: int = 1

    @property
    def domaine(self):
        """The skill area asked at this step (None at step 1)."""
        return diagnostic.DOMAINES[self.etape - 2] if 2 <= self.etape <= DERNIERE else None

    @property
    def termine(self):
        return self.etape > DERNIERE

    def cachees(self):
        """(name, value) of the hidden fields: the answers so far. They come first in the
        form: the button pressed comes after them, and QueryDict.get() keeps the last value,
        so a new answer replaces the old one and "Question précédente" keeps it. At step 1
        the check boxes hold the obstacles themselves."""
        champs = []
        if self.etape != 1:
            champs.extend(("obstacles", cle) for cle in self.obstacles)
        champs.extend((cle, str(score)) for cle, score in self.scores.items())
        return champs

    def resultat(self):
        return diagnostic.resultat(self.obstacles, self.scores)


def _int(valeur, defaut):
    try:
        return int(valeur)
    except (TypeError, ValueError):
        return defaut


def read_state(post):
    """The state a POST carries, and where it goes next. Bad values are dropped (and the
    question asked again), never an error page: a person may come back with an old page."""
    etat = Etat(
        obstacles=diagnostic.clean_obstacles(post.getlist("obstacles")),
        scores=diagnostic.clean_scores({d.cle: post.get(d.cle) for d in diagnostic.DOMAINES}),
    )
    etape = min(max(_int(post.get("etape"), 1), 1), DERNIERE)
    aller = post.get("aller")
    if aller is not None:
        etat.etape = min(max(_int(aller, etape), 1), DERNIERE + 1)
    elif etape >= 2 and diagnostic.DOMAINES[etape - 2].cle in etat.scores:
        etat.etape = etape + 1
    else:
        etat.etape = etape
    if etat.termine and not diagnostic.complet(etat.scores):
        # The first question left unanswered.
        manquant = next(i for i, d in enumerate(diagnostic.DOMAINES) if d.cle not in etat.scores)
        etat.etape = manquant + 2
    return etat


def contexte(etat):
    """What the question and result templates need."""
    ctx = {
        "etat": etat,
        "cachees": etat.cachees(),
        "nb_questions": DERNIERE,
        "numero": min(etat.etape, DERNIERE),
        "obstacles_choix": diagnostic.OBSTACLES,
        "reponses": diagnostic.REPONSES,
        "domaine": etat.domaine,
        "score_actuel": etat.scores.get(etat.domaine.cle) if etat.domaine else None,
    }
    if etat.termine:
        ctx["resultat"] = etat.resultat()
    return ctx
