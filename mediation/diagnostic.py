"""The platform's own diagnostic of digital skills: 8 questions, about 5 minutes, in FALC.

Question 1 asks what stands in the way (obstacles, several answers). Questions 2 to 8 each
score one skill area from 0 to 3; a score maps to La Coop's autonomie values. Everything
here is pure: no database, no request. The three doors (espace pro, kiosk, public site) and
the services call these same functions.
"""

from dataclasses import dataclass

from ateliers.enums import Niveau, Thematique
from mediation.vocabulaire import Autonomie


@dataclass(frozen=True)
class Obstacle:
    cle: str
    libelle: str  # what the person ticks (FALC, "je")
    picto: str
    conseil: str  # what the result says about it


OBSTACLES = (
    Obstacle(
        "materiel",
        "Je n'ai pas d'ordinateur, de tablette ou de téléphone pour internet.",
        "device-phone-mobile",
        "Un lieu d'aide vous prête un ordinateur. Demandez au lieu le plus proche.",
    ),
    Obstacle(
        "connexion",
        "Je n'ai pas internet chez moi.",
        "wifi",
        "Des lieux ont internet gratuit. Vous pouvez y aller.",
    ),
    Obstacle(
        "email",
        "Je n'ai pas d'adresse e-mail.",
        "at-symbol",
        "Un atelier vous aide à créer votre adresse e-mail.",
    ),
    Obstacle(
        "lecture",
        "Lire ou écrire est difficile pour moi.",
        "document-text",
        "Venez avec une personne de confiance. Le médiateur vous aide aussi.",
    ),
    Obstacle(
        "langue",
        "Je parle peu le français.",
        "chat-bubble-left-right",
        "Des ateliers sont faits pour les personnes qui apprennent le français.",
    ),
)
OBSTACLES_PAR_CLE = {o.cle: o for o in OBSTACLES}


@dataclass(frozen=True)
class Domaine:
    cle: str
    titre: str  # short title (result, history)
    question: str  # FALC question
    exemple: str  # what it means, in one sentence
    picto: str
    sait: str  # "what you can already do", said when the score is 2 or 3
    apprendre: str  # what a workshop would teach, said when the score is 0 to 2
    thematiques: tuple


DOMAINES = (
    Domaine(
        "appareil",
        "Utiliser un appareil",
        "Vous savez utiliser un téléphone, une tablette ou un ordinateur ?",
        "Par exemple : allumer, toucher l'écran, écrire avec le clavier.",
        "device-tablet",
        "Vous savez utiliser votre appareil.",
        "Utiliser son téléphone ou son ordinateur",
        (Thematique.PRENDRE_EN_MAIN_DU_MATERIEL,),
    ),
    Domaine(
        "recherche",
        "Chercher sur internet",
        "Vous savez chercher une information sur internet ?",
        "Par exemple : trouver les horaires de la mairie.",
        "magnifying-glass",
        "Vous savez chercher sur internet.",
        "Chercher sur internet",
        (Thematique.NAVIGATION_SUR_INTERNET,),
    ),
    Domaine(
        "communication",
        "Envoyer des messages",
        "Vous savez envoyer un message ou un e-mail ?",
        "Par exemple : écrire à votre famille, faire un appel vidéo.",
        "envelope",
        "Vous savez envoyer des messages.",
        "Envoyer des e-mails et des messages",
        (Thematique.EMAIL, Thematique.RESEAUX_SOCIAUX),
    ),
    Domaine(
        "documents",
        "Ranger ses documents",
        "Vous savez garder un document ou une photo ?",
        "Par exemple : prendre en photo un papier, le retrouver après.",
        "document-text",
        "Vous savez garder vos documents et vos photos.",
        "Ranger ses documents et ses photos",
        (Thematique.GERE_SES_CONTENUS_NUMERIQUES, Thematique.BUREAUTIQUE),
    ),
    Domaine(
        "demarches",
        "Faire une démarche",
        "Vous savez faire une démarche ou payer sur internet ?",
        "Par exemple : la CAF, les impôts, un achat.",
        "building-library",
        "Vous savez faire vos démarches sur internet.",
        "Faire ses démarches et payer sur internet",
        (Thematique.AIDE_AUX_DEMARCHES_ADMINISTRATIVES, Thematique.BANQUE_ET_ACHATS_EN_LIGNE),
    ),
    Domaine(
        "securite",
        "Se protéger",
        "Vous savez reconnaître une arnaque sur internet ?",
        "Par exemple : un faux message de la banque.",
        "shield-check",
        "Vous savez vous protéger sur internet.",
        "Se protéger des arnaques",
        (Thematique.SECURITE_NUMERIQUE,),
    ),
    Domaine(
        "depannage",
        "Régler un petit problème",
        "Vous savez régler un petit problème sur votre appareil ?",
        "Par exemple : plus de son, une mise à jour, pas de wifi.",
        "wrench-screwdriver",
        "Vous savez régler les petits problèmes.",
        "Régler les petits problèmes de son appareil",
        (Thematique.MAINTENANCE_DE_MATERIEL,),
    ),
)
DOMAINES_PAR_CLE = {d.cle: d for d in DOMAINES}

# The answers to a skill question, from 0 to 3.
REPONSES = (
    (0, "Non, je ne sais pas"),
    (1, "Oui, avec de l'aide"),
    (2, "Oui, seul, mais c'est difficile"),
    (3, "Oui, seul, facilement"),
)
SCORE_MAX = 3

# One question for the obstacles, then one per skill area: 8 questions.
NB_QUESTIONS = 1 + len(DOMAINES)
assert NB_QUESTIONS <= 10

# How many themes a result suggests (the weakest areas first).
SUGGESTIONS_MAX = 3


def autonomie_pour(score):
    """La Coop's autonomie for a 0–3 score: 0 entirely accompanied, 1–2 partly, 3 alone."""
    if score <= 0:
        return Autonomie.ENTIEREMENT_ACCOMPAGNE
    if score >= SCORE_MAX:
        return Autonomie.AUTONOME
    return Autonomie.PARTIELLEMENT_AUTONOME


def niveau_pour(score):
    """The workshop level that suits a 0–3 score in one area."""
    if score <= 1:
        return Niveau.DEBUTANT
    if score == 2:
        return Niveau.INTERMEDIAIRE
    return Niveau.AVANCE


def clean_obstacles(valeurs):
    """Known obstacle keys, once each, in the questionnaire's order; unknown ones dropped."""
    choisis = set(valeurs or ())
    return [o.cle for o in OBSTACLES if o.cle in choisis]


def clean_scores(valeurs):
    """{area: 0–3} for the known areas whose value is a whole number from 0 to 3."""
    propres = {}
    for domaine in DOMAINES:
        valeur = (valeurs or {}).get(domaine.cle)
        if isinstance(valeur, bool):
            continue
        try:
            score = int(valeur)
        except (TypeError, ValueError):
            continue
        if 0 <= score <= SCORE_MAX and str(valeur).strip() == str(score):
            propres[domaine.cle] = score
    return propres


def complet(scores):
    return all(d.cle in scores for d in DOMAINES)


@dataclass(frozen=True)
class Suggestion:
    domaine: Domaine
    score: int
    niveau: str

    @property
    def thematiques(self):
        return self.domaine.thematiques

    @property
    def niveau_libelle(self):
        return Niveau(self.niveau).label


@dataclass(frozen=True)
class Resultat:
    obstacles: tuple  # Obstacle
    scores: dict
    sait: tuple  # Domaine the person already masters (score 2 or 3)
    suggestions: tuple  # Suggestion, weakest first
    niveau: str  # the overall level (Niveau key)
    autonomie: str  # the overall autonomie (La Coop key)

    @property
    def thematiques(self):
        """The suggested thématiques (La Coop keys), once each, weakest area first."""
        vues = []
        for suggestion in self.suggestions:
            vues.extend(t for t in suggestion.thematiques if t not in vues)
        if "email" in {o.cle for o in self.obstacles} and Thematique.EMAIL not in vues:
            vues.append(Thematique.EMAIL)
        return vues

    @property
    def niveaux(self):
        """The workshop levels that suit the person: theirs and the easier ones."""
        ordre = list(Niveau.values)
        return ordre[: ordre.index(self.niveau) + 1]

    @property
    def niveau_libelle(self):
        return Niveau(self.niveau).label

    @property
    def par_domaine(self):
        """(area, score or None) in the questionnaire's order."""
        return [(d, self.scores.get(d.cle)) for d in DOMAINES]

    @property
    def score_total(self):
        return sum(self.scores.values())

    @property
    def allophone(self):
        return any(o.cle == "langue" for o in self.obstacles)


def niveau_global(scores):
    """Débutant when the device itself is hard, or the mean score is under 1.5; avancé from
    2.5; intermédiaire between."""
    if not scores:
        return Niveau.DEBUTANT
    moyenne = sum(scores.values()) / len(scores)
    if scores.get("appareil", SCORE_MAX) <= 1 or moyenne < 1.5:
        return Niveau.DEBUTANT
    if moyenne < 2.5:
        return Niveau.INTERMEDIAIRE
    return Niveau.AVANCE


def autonomie_globale(scores):
    """La Coop's autonomie for the whole diagnostic: that of the rounded-down mean score."""
    if not scores:
        return Autonomie.ENTIEREMENT_ACCOMPAGNE
    return autonomie_pour(int(sum(scores.values()) / len(scores)))


def resultat(obstacles, scores):
    """The result of answers already cleaned (clean_obstacles, clean_scores): what the person
    can do, what to learn (areas under 3, weakest first, at most SUGGESTIONS_MAX, ties in the
    questionnaire's order), the overall level and autonomie."""
    obstacles = tuple(OBSTACLES_PAR_CLE[c] for c in clean_obstacles(obstacles))
    scores = clean_scores(scores)
    sait = tuple(d for d in DOMAINES if scores.get(d.cle, 0) >= 2)
    a_apprendre = sorted(
        (d for d in DOMAINES if d.cle in scores and scores[d.cle] < SCORE_MAX),
        key=lambda d: scores[d.cle],  # sorted() is stable: ties keep the questionnaire's order
    )
    suggestions = tuple(
        Suggestion(domaine=d, score=scores[d.cle], niveau=niveau_pour(scores[d.cle]))
        for d in a_apprendre[:SUGGESTIONS_MAX]
    )
    return Resultat(
        obstacles=obstacles,
        scores=scores,
        sait=sait,
        suggestions=suggestions,
        niveau=niveau_global(scores),
        autonomie=autonomie_globale(scores),
    )


def theme_convient(theme, resultat_):
    """A workshop theme suits a result when it shares a suggested thématique and its level is
    the person's or an easier one."""
    thematiques = set(theme.thematiques or ())
    return bool(thematiques & set(resultat_.thematiques)) and theme.niveau in resultat_.niveaux


def rang_theme(theme, resultat_):
    """Sort key: themes of the weakest area first."""
    thematiques = set(theme.thematiques or ())
    for rang, cle in enumerate(resultat_.thematiques):
        if cle in thematiques:
            return rang
    return len(resultat_.thematiques)
