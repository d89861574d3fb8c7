"""Issue 17: the "< 5" rule of the public share link (mediation.pilotage.secret), on sections
built by hand: what is masked first (1 to 4 people), what is masked with it so that no shown
total gives it back, rates made of small counts, and what is never touched."""

from mediation.pilotage import affichage, presentation, secret
from mediation.pilotage.sections import MASQUE, Chiffre, Ligne, Section, Tableau


def section(chiffres=(), tableaux=()):
    return Section(cle="s", titre="S", chiffres=tuple(chiffres), tableaux=tuple(tableaux))


def table(lignes, **options):
    options.setdefault("personnes", True)
    return Tableau(
        cle="t",
        titre="T",
        phrase="P",
        colonnes=("Libellé", *(f"c{i}" for i in range(len(lignes[0].valeurs)))),
        lignes=tuple(lignes),
        **options,
    )


def rows(*values, avant=()):
    return [
        Ligne(f"r{i}", v if isinstance(v, tuple) else (v,), mise_en_avant=i in avant)
        for i, v in enumerate(values)
    ]


def column(published, index=0):
    (t,) = published.tableaux
    return [ligne.valeurs[index] for ligne in t.lignes]


def test_counts_of_one_to_four_people_are_masked_zero_and_five_are_not():
    s = secret.publish_section(
        section(
            [
                Chiffre("zéro", 0, personnes=True),
                Chiffre("un", 1, personnes=True),
                Chiffre("quatre", 4, personnes=True),
                Chiffre("cinq", 5, personnes=True),
            ]
        )
    )
    assert [c.valeur for c in s.chiffres] == [0, MASQUE, MASQUE, 5]


def test_figures_that_do_not_count_people_are_kept():
    s = secret.publish_section(
        section([Chiffre("Sessions tenues", 3), Chiffre("Montant payé", 2, unite="€")])
    )
    assert [c.valeur for c in s.chiffres] == [3, 2]


def test_the_previous_period_is_masked_on_its_own_and_no_change_is_written():
    (c,) = secret.publish_section(section([Chiffre("P", 12, precedent=3, personnes=True)])).chiffres
    assert (c.valeur, c.precedent) == (12, MASQUE)
    assert affichage.evolution(c.valeur, c.precedent) == ""
    assert affichage.valeur(c.precedent) == "< 5"


def test_a_rate_is_masked_when_a_count_it_is_made_of_is_small():
    s = secret.publish_section(
        section(
            [
                # 1 present out of 1 noted: 100 %, one person.
                Chiffre("Taux de présence", 1.0, unite="%", effectifs=(1, 0)),
                # 19 of 20: the one absent person is the complement.
                Chiffre("Taux 19/20", 0.95, unite="%", effectifs=(19, 1)),
                Chiffre(
                    "Taux 10/20", 0.5, 0.5, unite="%", effectifs=(10, 10), effectifs_avant=(2, 2)
                ),
            ]
        )
    )
    assert [(c.valeur, c.precedent) for c in s.chiffres] == [
        (MASQUE, None),
        (MASQUE, None),
        (0.5, MASQUE),
    ]


def test_a_lone_masked_cell_takes_the_smallest_other_non_zero_cell_with_it():
    # Total 32 shown elsewhere: 3 alone masked would be 32 - 7 - 22 = 3.
    published = secret.publish_section(section(tableaux=[table(rows(7, 3, 0, 22))]))
    assert column(published) == [MASQUE, MASQUE, 0, 22]


def test_two_masked_cells_need_no_partner():
    published = secret.publish_section(section(tableaux=[table(rows(2, 3, 9, 22))]))
    assert column(published) == [MASQUE, MASQUE, 9, 22]


def test_a_lone_masked_cell_without_any_partner_stays_alone_its_total_is_small_too():
    published = secret.publish_section(section(tableaux=[table(rows(0, 3, 0))]))
    assert column(published) == [0, MASQUE, 0]


def test_each_column_of_people_is_handled_and_other_columns_are_not():
    # Sessions, places offered (not people), registered, present.
    t = table(rows((2, 10, 9, 3), (1, 4, 4, 4), (6, 30, 25, 20)), colonnes_personnes=(2, 3))
    (published,) = secret.publish_section(section(tableaux=[t])).tableaux
    assert [ligne.valeurs for ligne in published.lignes] == [
        (2, 10, MASQUE, MASQUE),  # 9: the partner of the registered column's 4
        (1, 4, MASQUE, MASQUE),
        (6, 30, 25, 20),
    ]


def test_a_subtotal_of_the_highlighted_rows_cannot_give_a_cell_back():
    # Priority neighbourhoods (highlighted) 20 and 7, others 3 and 0: "Dont QPV" (27) and the
    # total (30) are shown, so the others' sum is 3. The lone 3 has no partner among the
    # others: one is taken among the highlighted rows, and the subtotal is masked with it.
    t = table(rows(20, 7, 3, 0, avant=(0, 1)), sous_total="Dont en QPV")
    published = secret.publish_section(
        section(
            [
                Chiffre("Personnes", 30, personnes=True),
                Chiffre("Dont en QPV", 27, precedent=25, personnes=True),
            ],
            [t],
        )
    )
    assert column(published) == [20, MASQUE, MASQUE, 0]
    assert [c.valeur for c in published.chiffres] == [30, MASQUE]


def test_a_subtotal_stays_when_each_group_masks_its_own_pair():
    t = table(rows(20, 2, 9, 3, 8, avant=(0, 1, 2)), sous_total="Dont en QPV")
    published = secret.publish_section(section([Chiffre("Dont en QPV", 31, personnes=True)], [t]))
    assert column(published) == [20, MASQUE, MASQUE, MASQUE, MASQUE]
    assert [c.valeur for c in published.chiffres] == [31]


def test_tables_not_for_the_public_are_left_out_and_others_untouched():
    delais = table(rows(1.5, 2.0), personnes=False, public=False, unite="jours")
    cheques = table(rows(1, 2), personnes=False)
    published = secret.publish_section(section(tableaux=[delais, cheques]))
    assert published.tableaux == (cheques,)


def test_a_masked_cell_reads_less_than_five_in_the_table_and_its_chart():
    t = table(rows(7, 3, 22))
    (vue,) = presentation.present(secret.publish([section(tableaux=[t])]))
    (tableau,) = vue.tableaux
    assert [ligne.cellules[0][0] for ligne in tableau.lignes] == ["< 5", "< 5", "22"]
    assert tableau.svg.count("&lt; 5") == 2
    assert ">7<" not in tableau.svg and ">3<" not in tableau.svg
