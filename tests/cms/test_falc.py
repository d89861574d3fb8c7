import pytest

from cms.falc import analyse, analyse_page, interpretation, texte_du_stream
from cms.models import PageFALC


def codes(resultat):
    return {a.code for a in resultat.alertes}


def test_short_plain_sentences_raise_no_warning():
    resultat = analyse("Vous venez à l'atelier.\nVous apportez votre téléphone.")
    assert resultat.alertes == []
    assert resultat.phrases == 2 and resultat.mots == 8


def test_sentence_over_12_words():
    courte = "Vous venez à l'atelier avec votre téléphone et votre pass numérique demain."
    assert len(courte.split()) == 12
    assert "phrase_longue" not in codes(analyse(courte))
    longue = "Vous venez à l'atelier avec votre téléphone et votre pass numérique demain matin."
    resultat = analyse(longue)
    assert "phrase_longue" in codes(resultat)
    assert "(13 mots)" in resultat.alertes[0].exemples[0]


def test_long_words_by_letters_or_syllables():
    resultat = analyse("Les démarches administratives. Un ordinateur. Électroménager.")
    alerte = next(a for a in resultat.alertes if a.code == "mot_long")
    assert "administratives" in alerte.exemples  # 15 letters
    assert "Électroménager" in alerte.exemples  # 14 letters, 5 syllables
    assert "ordinateur" not in alerte.exemples  # 10 letters, 4 syllables


def test_acronyms_but_not_roman_numerals():
    resultat = analyse("La CAF vous aide. Au XXIe siècle, Louis XIV. Le chapitre IV.")
    alerte = next(a for a in resultat.alertes if a.code == "sigle")
    assert alerte.exemples == ["CAF"]
    assert "sigle" not in codes(analyse("Vous êtes à Paris."))


def test_numbers_written_in_letters_but_not_articles():
    resultat = analyse(
        "Vous avez deux chèques. Il reste dix-huit places. Un atelier dure une heure."
    )
    alerte = next(a for a in resultat.alertes if a.code == "nombre_en_lettres")
    assert alerte.exemples == ["deux", "dix-huit"]
    assert "nombre_en_lettres" not in codes(analyse("Un téléphone neuf. Vous avez 2 chèques."))


@pytest.mark.parametrize(
    "texte", ["La moitié, soit 50 %.", "Cinquante pour cent.", "Un pourcentage."]
)
def test_percentages(texte):
    assert "pourcentage" in codes(analyse(texte))


def test_italics_in_rich_text():
    assert "italique" in codes(analyse("Un mot.", html="<p>Un <em>mot</em>.</p>"))
    assert "italique" in codes(analyse("Un mot.", html="<p>Un <i>mot</i>.</p>"))
    assert "italique" not in codes(analyse("Un mot.", html="<p>Un <b>mot</b>.</p>"))


def test_kandel_moles_score_matches_a_hand_computation():
    # 6 words, 2 sentences, 6 one-syllable words:
    # 207 - 1.015 * (6 / 2) - 73.6 * (6 / 6) = 130.355
    assert analyse("Le chat dort. Il fait beau.").score == pytest.approx(130.355)
    # 8 words, 2 sentences, 15 syllables as pyphen splits them
    # (vous ve-nez à l'a-te-lier / vous ap-por-tez vo-tre té-lé-phone):
    # 207 - 1.015 * 4 - 73.6 * 15 / 8 = 64.94
    resultat = analyse("Vous venez à l'atelier. Vous apportez votre téléphone.")
    assert resultat.score == pytest.approx(207 - 1.015 * 8 / 2 - 73.6 * 15 / 8)
    assert resultat.interpretation == "assez facile à lire, visez 70 ou plus"


def test_a_line_without_final_punctuation_is_a_sentence():
    assert analyse("Le chat dort\nIl fait beau").score == pytest.approx(130.355)


def test_interpretation_in_plain_french():
    assert interpretation(95) == "très facile à lire"
    assert interpretation(75) == "facile à lire"
    assert interpretation(20).startswith("très difficile")


def test_empty_text():
    resultat = analyse("")
    assert resultat.score is None and resultat.alertes == []
    assert resultat.resume == "Pas encore de texte à vérifier."


@pytest.mark.django_db
def test_text_of_every_block_of_a_page(site_public):
    page = PageFALC(
        title="Venir",
        slug="venir",
        corps=[
            {"type": "titre", "value": {"texte": "Le jour de l'atelier", "niveau": "h2"}},
            {
                "type": "idee",
                "value": {"pictogramme": "clock", "texte": "<p>Venez à <em>10 heures</em>.</p>"},
            },
            {"type": "etapes", "value": {"etapes": ["Vous entrez.", "Vous dites bonjour."]}},
            {"type": "mot_explique", "value": {"mot": "CCAS", "explication": "Un service."}},
            {
                "type": "important",
                "value": {
                    "pictogramme": "exclamation-triangle",
                    "titre": "Important",
                    "texte": "<p>Apportez trois chèques.</p>",
                },
            },
        ],
    )
    site_public.add_child(instance=page)
    texte, html = texte_du_stream(page.corps)
    for morceau in ("Le jour de l'atelier", "Venez à 10 heures.", "Vous dites bonjour.", "CCAS"):
        assert morceau in texte
    assert "clock" not in texte and "h2" not in texte
    resultat = analyse_page(page)
    assert {"italique", "sigle", "nombre_en_lettres"} <= codes(resultat)
    assert resultat.score is not None
