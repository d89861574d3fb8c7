"""A national territory in PostgreSQL, fast: 80 collectivités, 500,000 people, 5,000,000
chèques in 500,000 carnets, 200,000 sessions with 2,000,000 registrations, 2,000,000 activity
records, 10,000,000 SMS and 20,000,000 journal lines at --echelle 1.

Run from the repository root, into a migrated database of your own:

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE inclusion_national'
    DJANGO_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/inclusion_national \\
        .venv/bin/python manage.py migrate
    .venv/bin/python bench/national/seed.py --base inclusion_national [--echelle 0.1]

Every row is written by `INSERT … SELECT generate_series` inside PostgreSQL: nothing travels
through Python. The big tables are loaded without their secondary indexes and foreign keys,
which are put back afterwards (one sort per index, one join per key: what a bulk load should
do); the check constraints stay during the load, and the unique indexes and foreign keys are
checked again when they come back, so a row that breaks a rule fails the seed. Only INSERTs
run: the journal and redemption triggers (no UPDATE, no DELETE) are never crossed. The
tables it fills are emptied first (TRUNCATE, which those row triggers allow).

Codes are deterministic so the benches can find them again: a chèque's 16 data characters
are "C" + its id in 15 hexadecimal digits (all inside the Crockford alphabet), a carnet's
"K" + its id; code_hash is their SHA-256 like pass_numerique.codes.digest. Seeded users have
the password "national-2026" (one hash, computed once).

Prints the time per table and the total; writes bench/results/national_seed.json (only at
--echelle ≥ 0.1, so a test run does not overwrite the national figures).
"""

import argparse
import os
import sys
import time
from pathlib import Path

from django.db import DatabaseError, transaction

ROOT = Path(__file__).resolve().parents[2]

# National counts at --echelle 1.
NATIONAL = {
    "beneficiaires": 500_000,
    "carnets": 500_000,
    "sessions": 200_000,
    "inscriptions_par_session": 10,
    "activites": 2_000_000,
    "sms": 10_000_000,
    "journal": 20_000_000,
    "structures": 2_400,
    "communes": 5_000,
}
COLLECTIVITES = 80
# Rows at --echelle 1, to build the biggest indexes first.
NATIONAL_ROWS = {
    "inclusion_journal": 20_000_000,
    "inclusion_smsmessage": 10_000_000,
    "pass_numerique_cheque": 5_000_000,
    "ateliers_inscription": 2_000_000,
    "mediation_activite": 2_000_000,
    "mediation_participant": 2_000_000,
    "pass_numerique_encaissement": 1_200_000,
}
CHEQUES_PAR_CARNET = 10
PASSWORD = "national-2026"  # noqa: S105 (a bench fixture, never a real account)

# Tables this seed fills, children first (TRUNCATE order does not matter with CASCADE).
TABLES = [
    "inclusion_journal",
    "inclusion_smsmessage",
    "mediation_participant",
    "mediation_activite",
    "ateliers_inscription",
    "ateliers_session",
    "ateliers_theme",
    "pass_numerique_encaissement",
    "pass_numerique_cheque",
    "pass_numerique_carnet",
    "pass_numerique_enveloppe",
    "pass_numerique_programme",
    "inclusion_beneficiaire",
    "inclusion_membership",
    "inclusion_lieu",
    "inclusion_structure",
    "inclusion_quartier",
    "inclusion_commune",
]
# Loaded without secondary indexes and foreign keys (put back after the load).
BIG = {
    "inclusion_beneficiaire",
    "pass_numerique_carnet",
    "pass_numerique_cheque",
    "pass_numerique_encaissement",
    "ateliers_session",
    "ateliers_inscription",
    "mediation_activite",
    "mediation_participant",
    "inclusion_smsmessage",
    "inclusion_journal",
}


def counts(echelle):
    n = {k: max(1, round(v * echelle)) for k, v in NATIONAL.items()}
    n["inscriptions_par_session"] = NATIONAL["inscriptions_par_session"]
    n["structures"] = max(COLLECTIVITES, n["structures"])
    n["communes"] = max(COLLECTIVITES, n["communes"])
    n["beneficiaires"] = max(20, n["beneficiaires"])
    return n


def say(text):
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


def _detach(cursor, table):
    """Drop the secondary indexes, unique constraints and foreign keys of a table; return
    the statements that put them back (indexes first, then keys)."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN "
        "('p', 'u'))",
        [table],
    )
    indexes = cursor.fetchall()
    restore = [definition for _, definition in indexes]
    # Unique constraints before foreign keys (a key may point at a unique column).
    for name, definition, _kind in sorted(constraints, key=lambda c: c[2] != "u"):
        restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for name, _, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT IF EXISTS "{name}" CASCADE')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX IF EXISTS {name}")
    return restore


def _referencing(cursor, tables):
    """Foreign keys from other tables into the tables being emptied (dropped with CASCADE by
    _detach of their own table only if that table is in BIG): none expected outside TABLES."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f' "
        "AND confrelid::regclass::text = ANY(%s) AND NOT conrelid::regclass::text = ANY(%s)",
        [list(tables), list(tables)],
    )
    return cursor.fetchall()


def build_steps(n, password_hash):
    """(label, table, SQL) in order. %(name)s parameters come from `params`."""
    B = n["beneficiaires"]
    K = n["carnets"]
    S = n["structures"]
    C = n["communes"]
    U0 = n["u0"]
    I = n["sessions"] * n["inscriptions_par_session"]  # noqa: E741 (registrations)
    return [
        (
            "communes",
            "inclusion_commune",
            f"""INSERT INTO inclusion_commune (id, nom, code_insee, codes_postaux)
            SELECT g, 'Commune ' || g, lpad(g::text, 5, '0'), lpad((g * 7 % 99999)::text, 5, '0')
            FROM generate_series(1::bigint, {C}) g""",
        ),
        (
            "quartiers",
            "inclusion_quartier",
            f"""INSERT INTO inclusion_quartier (id, nom, prioritaire, code_qpv, commune_id)
            SELECT g, 'Quartier ' || g, g % 3 = 0, '', (g - 1) % {C} + 1
            FROM generate_series(1::bigint, {C * 2}) g""",
        ),
        # The first 80 structures are the collectivités (mission numérique, financeur);
        # structure s belongs to collectivité (s - 1) % 80 + 1.
        (
            "structures",
            "inclusion_structure",
            f"""INSERT INTO inclusion_structure (id, nom, pivot, type, adresse, telephone,
                courriel, contact_nom, active, cree_le, commune_id)
            SELECT g, CASE WHEN g <= {COLLECTIVITES} THEN 'Collectivité ' ELSE 'Structure ' END
                || g, lpad((10000000000000 + g)::text, 14, '0'),
                (ARRAY['ccas','centre_social','association','france_services','mediatheque',
                       'epn','france_travail','autre'])[g % 8 + 1],
                g || ' rue de la République', '', '', '', g % 50 <> 0,
                %(t0)s, (g - 1) % {C} + 1
            FROM generate_series(1::bigint, {S}) g""",
        ),
        # Two places per structure; the even ones are qualified for the pass (and active).
        (
            "lieux",
            "inclusion_lieu",
            f"""INSERT INTO inclusion_lieu (id, uuid, nom, pivot, code_postal, adresse,
                complement_adresse, latitude, longitude, typologie, telephone, courriels,
                site_web, horaires, presentation_resume, presentation_detail, source,
                itinerance, structure_parente, services, publics_specifiquement_adresses,
                prise_en_charge_specifique, frais_a_charge, dispositif_programmes_nationaux,
                formations_labels, autres_formations_labels, modalites_acces,
                modalites_accompagnement, fiche_acces_libre, accessible_pmr, prise_rdv,
                date_maj, qualifie_pass, qualifie_le, actif, commune_id, structure_id)
            SELECT g, gen_random_uuid(), 'Lieu ' || g, '', c.codes_postaux,
                g || ' place de la Mairie', '', 43 + (g % 700) / 100.0, -1 + (g % 800) / 100.0,
                '', '', '', '', 'Mo-Fr 09:00-12:00,14:00-18:00', 'Un lieu de médiation.', '',
                'national', '', '', 'Prendre en main un smartphone ou une tablette', '', '',
                'Gratuit', '', '', '', 'Se présenter', 'Seul', '', g % 4 = 0, '',
                %(t0)s::date, g % 2 = 0, CASE WHEN g % 2 = 0 THEN %(t0)s::date END,
                g % 40 <> 1, c.id, (g - 1) / 2 + 1
            FROM generate_series(1::bigint, {2 * S}) g
            JOIN inclusion_commune c ON c.id = ((g - 1) / 2) % {C} + 1""",
        ),
        # Three users a structure: user u is a member of structure (u - 1) / 3 + 1, as
        # prescripteur (u % 3 = 1), médiateur (u % 3 = 2) or coordinateur of a collectivité
        # (médiateur elsewhere).
        (
            "utilisateurs",
            "inclusion_user",
            f"""INSERT INTO inclusion_user (id, password, is_superuser, email, first_name,
                last_name, is_staff, is_active, date_joined, generation_sessions)
            SELECT {U0} + g, %(password)s, false, 'pro' || g || '@national.example', 'Pro',
                'N' || g,
                false, true, %(t0)s, 0
            FROM generate_series(1::bigint, {3 * S}) g""",
        ),
        (
            "adhesions",
            "inclusion_membership",
            f"""INSERT INTO inclusion_membership (id, role, active, cree_le, user_id,
                structure_id, referent)
            SELECT g, CASE g % 3 WHEN 1 THEN 'prescripteur' WHEN 2 THEN 'mediateur'
                ELSE CASE WHEN (g - 1) / 3 + 1 <= {COLLECTIVITES} THEN 'coordinateur'
                ELSE 'mediateur' END END, true, %(t0)s, {U0} + g, (g - 1) / 3 + 1, g % 3 = 1
            FROM generate_series(1::bigint, {3 * S}) g""",
        ),
        (
            "themes",
            "ateliers_theme",
            """INSERT INTO ateliers_theme (id, titre, titre_falc, description_falc,
                pictogramme, niveau, duree_minutes, thematiques, service, avec_cheque, actif)
            SELECT g, 'Atelier ' || g, 'Atelier ' || g, '', 'smartphone',
                (ARRAY['debutant','intermediaire','avance'])[g % 3 + 1], 120, 'email',
                'Prendre en main un smartphone ou une tablette', g % 2 = 0, true
            FROM generate_series(1::bigint, 40) g""",
        ),
        # One programme a year for three years per collectivité; programme of year y
        # (0 = two years ago) for collectivité c has id y * 80 + c.
        (
            "programmes",
            "pass_numerique_programme",
            f"""INSERT INTO pass_numerique_programme (id, nom, valeur_cheque,
                cheques_par_carnet, fin_validite, tolerance_jours, anonyme_autorise, statut,
                cree_le, financeur_id, communes_restreintes, lieux_restreints)
            SELECT y * {COLLECTIVITES} + c, 'Pass numérique ' || c || ' — '
                || (extract(year FROM %(t0)s::date)::int + y - 2), 10, {CHEQUES_PAR_CARNET},
                make_date(extract(year FROM %(t0)s::date)::int + y - 2, 12, 31), 31, true,
                CASE WHEN y = 2 THEN 'actif' ELSE 'clos' END, %(t0)s, c, false, false
            FROM generate_series(0, 2) y, generate_series(1::bigint, {COLLECTIVITES}) c""",
        ),
        # One envelope per programme and structure of its collectivité: (y, s) has id
        # y * S + s. Counts are set once the carnets exist.
        (
            "enveloppes",
            "pass_numerique_enveloppe",
            f"""INSERT INTO pass_numerique_enveloppe (id, nb_cheques, nb_cheques_emis,
                cree_le, structure_id, programme_id)
            SELECT y * {S} + s, 0, 0, %(t0)s, s, y * {COLLECTIVITES} + (s - 1) % {COLLECTIVITES} + 1
            FROM generate_series(0, 2) y, generate_series(1::bigint, {S}) s""",
        ),
        # People: registered over three years by a structure, 70 % with a mobile (most of
        # them consent to SMS), 10 % a landline, the rest no phone; 3 % anonymised already.
        (
            "beneficiaires",
            "inclusion_beneficiaire",
            f"""INSERT INTO inclusion_beneficiaire (id, uuid, prenom, nom, telephone,
                type_telephone, courriel, annee_naissance, tranche_age, genre, statut, notes,
                consentement_sms, consentement_sms_le, consentement_sms_mode, cree_le,
                derniere_activite, commune_id, quartier_id, structure_id, anonymise_le,
                conserver_motif)
            SELECT g, gen_random_uuid(),
                (ARRAY['Marie','Jean','Fatima','Pierre','Nadia','Louis','Aïcha','Paul',
                       'Monique','Karim','Josiane','Mamadou'])[g % 12 + 1],
                'Nom' || (g * 7919 % 100000),
                CASE WHEN k < 7 THEN '+336' || lpad((g % 100000000)::text, 8, '0')
                     WHEN k = 7 THEN '+331' || lpad((g % 100000000)::text, 8, '0') ELSE '' END,
                CASE WHEN k < 7 THEN 'mobile' WHEN k = 7 THEN 'fixe' ELSE 'aucun' END, '',
                1930 + g % 75,
                (ARRAY['dix_huit_vingt_quatre','vingt_cinq_trente_neuf',
                       'quarante_cinquante_neuf','soixante_soixante_neuf',
                       'soixante_dix_plus','non_communique'])[g % 6 + 1],
                (ARRAY['masculin','feminin','non_communique'])[g % 3 + 1],
                (ARRAY['sans_emploi','en_emploi','retraite','non_communique'])[g % 4 + 1], '',
                k < 6, CASE WHEN k < 6 THEN cree END, CASE WHEN k < 6 THEN 'oral' ELSE '' END,
                cree, LEAST(%(t0)s, cree + (g % 200) * interval '1 day'),
                (s - 1) % {C} + 1, NULL, s,
                CASE WHEN g % 33 = 0 AND cree < %(t0)s - interval '2 years' THEN %(t0)s END, ''
            FROM (SELECT g, (g * 37) % 10 AS k,
                    %(t0)s - interval '3 years' * (1 - g::float8 / {B}) AS cree,
                    (g * 7919) % {S} + 1 AS s
                  FROM generate_series(1::bigint, {B}) g) x""",
        ),
        # Carnets: issued over three years by the person's structure from the envelope of
        # the year's programme; 10 % anonymous. Cheques used per carnet skewed low (most
        # chèques never used); old programmes' carnets expired.
        (
            "carnets",
            "pass_numerique_carnet",
            f"""INSERT INTO pass_numerique_carnet (id, code_hash, statut, nb_cheques,
                nb_cheques_utilises, fin_validite, emis_le, remis_le, change_le,
                beneficiaire_id, emis_par_id, structure_id, enveloppe_id, programme_id)
            SELECT g, encode(sha256(convert_to('K' || lpad(upper(to_hex(g)), 15, '0'),
                    'UTF8')), 'hex'),
                CASE WHEN u = {CHEQUES_PAR_CARNET} THEN 'epuise'
                     WHEN y < 2 THEN 'expire'
                     WHEN g % 97 = 0 THEN 'bloque'
                     WHEN u > 0 THEN 'entame'
                     WHEN g % 5 = 0 THEN 'emis' ELSE 'remis' END,
                {CHEQUES_PAR_CARNET}, u,
                make_date(extract(year FROM %(t0)s::date)::int + y - 2, 12, 31),
                emis, CASE WHEN g % 5 <> 0 OR u > 0 THEN emis END, emis,
                CASE WHEN g % 10 = 0 THEN NULL ELSE b END,
                {U0} + 3 * (s - 1) + 1, s, y * {S} + s,
                y * {COLLECTIVITES} + (s - 1) % {COLLECTIVITES} + 1
            FROM (SELECT g, b, s, emis,
                    GREATEST(0, LEAST(2, 2 - (extract(year FROM %(t0)s::date)::int
                        - extract(year FROM emis)::int))) AS y,
                    floor(power((g * 2654435761 % 1000) / 1000.0, 3)
                        * ({CHEQUES_PAR_CARNET} + 1))::int AS u
                  FROM (SELECT g, (g * 104729) % {B} + 1 AS b,
                          %(t0)s - interval '3 years' * (1 - g::float8 / {K})
                              + interval '1 hour' AS emis
                        FROM generate_series(1::bigint, {K}) g) a
                  JOIN (SELECT id, structure_id AS s FROM inclusion_beneficiaire) p
                      ON p.id = a.b) x""",
        ),
        # Ten chèques a carnet, id = (carnet - 1) * 10 + rang: the first u are cashed, the
        # others valid (or expired with an old programme, blocked with the carnet).
        (
            "cheques",
            "pass_numerique_cheque",
            f"""INSERT INTO pass_numerique_cheque (id, rang, code_hash, valeur, statut,
                change_le, carnet_id, releve_id)
            SELECT (k.id - 1) * {CHEQUES_PAR_CARNET} + r,
                r, encode(sha256(convert_to('C' || lpad(upper(to_hex(
                    (k.id - 1) * {CHEQUES_PAR_CARNET} + r)), 15, '0'), 'UTF8')), 'hex'),
                10,
                CASE WHEN r <= k.nb_cheques_utilises THEN 'encaisse'
                     WHEN k.statut = 'expire' THEN 'expire'
                     WHEN k.statut = 'bloque' THEN 'annule' ELSE 'valide' END,
                k.change_le, k.id, NULL
            FROM pass_numerique_carnet k, generate_series(1::bigint, {CHEQUES_PAR_CARNET}) r""",
        ),
        # One redemption per cashed chèque, at a qualified place of the carnet's structure,
        # between issue and now.
        (
            "encaissements",
            "pass_numerique_encaissement",
            f"""INSERT INTO pass_numerique_encaissement (id, valeur, encaisse_le, prestation,
                reference, demande_id, cheque_id, encaisse_par_id, lieu_id, programme_id,
                sans_cheque_papier)
            SELECT ch.id, 10,
                LEAST(%(t0)s - interval '1 minute', k.emis_le + (ch.rang * 9 + ch.id % 7)
                    * interval '1 day'),
                (ARRAY['atelier','accompagnement','materiel'])[ch.id % 3 + 1], '',
                gen_random_uuid(), ch.id, {U0} + 3 * (k.structure_id - 1) + 2, 2 * k.structure_id,
                k.programme_id, false
            FROM pass_numerique_cheque ch JOIN pass_numerique_carnet k ON k.id = ch.carnet_id
            WHERE ch.statut = 'encaisse'""",
        ),
        (
            "enveloppes (comptes)",
            "pass_numerique_enveloppe",
            """UPDATE pass_numerique_enveloppe e SET nb_cheques_emis = t.n,
                nb_cheques = t.n + 100
            FROM (SELECT enveloppe_id, sum(nb_cheques) AS n FROM pass_numerique_carnet
                  GROUP BY enveloppe_id) t WHERE t.enveloppe_id = e.id""",
        ),
        # Sessions: 2.5 years past, half a year ahead, at every place; 5 % of past ones
        # cancelled.
        (
            "sessions",
            "ateliers_session",
            f"""INSERT INTO ateliers_session (id, debut, fin, capacite, public,
                notes_accessibilite, statut, nb_inscrits, dernier_rang_attente, cree_le,
                annulee_le, motif_annulation, ical_uid, cree_par_id, lieu_id, theme_id)
            SELECT g, d, d + interval '2 hours', 12, 'tout_public', '',
                CASE WHEN d >= %(t0)s THEN 'planifiee' WHEN g % 20 = 0 THEN 'annulee'
                     ELSE 'terminee' END,
                0, 0, d - interval '30 days',
                CASE WHEN d < %(t0)s AND g % 20 = 0 THEN d - interval '2 days' END,
                CASE WHEN d < %(t0)s AND g % 20 = 0 THEN 'Animateur absent' ELSE '' END,
                gen_random_uuid(), NULL, (g * 7919) % {2 * S} + 1, g % 40 + 1
            FROM (SELECT g, date_trunc('hour', %(t0)s - interval '30 months'
                    + interval '36 months' * (g::float8 / {n["sessions"]}))
                    + interval '1 hour' * (g % 3) AS d
                  FROM generate_series(1::bigint, {n["sessions"]}) g) x""",
        ),
        # Ten registrations a session, ten different people: past ones present / absent /
        # excused / cancelled, future ones registered, a few on the waiting list.
        (
            "inscriptions",
            "ateliers_inscription",
            f"""INSERT INTO ateliers_inscription (id, statut, rang_attente, surbooking, canal,
                inscrit_le, promu_le, annule_le, annule_par_la_personne, presence_le,
                beneficiaire_id, inscrit_par_id, session_id)
            SELECT (se.id - 1) * 10 + k + 1, st, CASE WHEN st = 'en_attente' THEN k END,
                false, (ARRAY['pro','pro','pro','kiosque','public'])[k % 5 + 1],
                se.cree_le + k * interval '1 day', NULL,
                CASE WHEN st = 'annule' THEN se.debut - interval '1 day' END, st = 'annule',
                CASE WHEN st IN ('present', 'absent') THEN se.debut END,
                ((se.id * 7919) + k * ({n["beneficiaires"]} / 10)) % {n["beneficiaires"]} + 1,
                NULL, se.id
            FROM ateliers_session se, generate_series(0, 9) k,
            LATERAL (SELECT CASE
                WHEN se.statut = 'annulee' THEN 'annule'
                WHEN se.debut < %(t0)s THEN
                    (ARRAY['present','present','present','present','present','present',
                           'present','absent','excuse','annule'])[(se.id + k) % 10 + 1]
                WHEN k = 9 THEN 'en_attente'
                WHEN k = 8 THEN 'annule' ELSE 'inscrit' END AS st) s""",
        ),
        (
            "sessions (places prises)",
            "ateliers_session",
            """UPDATE ateliers_session se SET nb_inscrits = t.n, dernier_rang_attente = t.r
            FROM (SELECT session_id, count(*) FILTER (WHERE statut IN ('inscrit', 'present'))
                    AS n, coalesce(max(rang_attente), 0) AS r
                  FROM ateliers_inscription GROUP BY session_id) t
            WHERE t.session_id = se.id""",
        ),
        # Activity records over three years by the médiateurs (user 3s - 1 of structure s):
        # 70 % individual, 30 % collective; one participant each.
        (
            "activites",
            "mediation_activite",
            f"""INSERT INTO mediation_activite (id, uuid, type, date, duree_minutes,
                type_lieu, thematiques, materiel, autonomie, niveau, titre_atelier,
                nom_demarche, reoriente, structure_redirection, notes, participants_anonymes,
                cree_le, modifie_le, supprime_le, commune_id, lieu_id, mediateur_id,
                session_id, structure_id)
            SELECT g, gen_random_uuid(), CASE WHEN g % 10 < 7 THEN 'individuel'
                    ELSE 'collectif' END,
                d::date, 30 + (g % 4) * 30,
                CASE WHEN g % 10 = 3 THEN 'a_distance' ELSE 'lieu_activite' END,
                jsonb_build_array((ARRAY['email','navigation_sur_internet','sante',
                    'prendre_en_main_du_materiel','securite_numerique'])[g % 5 + 1]),
                '[]'::jsonb,
                CASE WHEN g % 10 < 7 THEN 'partiellement_autonome' ELSE '' END,
                CASE WHEN g % 10 < 7 THEN '' ELSE 'debutant' END,
                CASE WHEN g % 10 < 7 THEN '' ELSE 'Atelier ' || (g % 40 + 1) END,
                '', false, '', '', CASE WHEN g % 10 < 7 THEN 0 ELSE 2 END,
                d, d, CASE WHEN g % 200 = 0 THEN d + interval '1 day' END,
                (s - 1) % {C} + 1,
                CASE WHEN g % 10 = 3 THEN NULL ELSE 2 * s - (g % 2) END,
                {U0} + 3 * (s - 1) + 2, NULL, s
            FROM (SELECT g, (g * 7919) % {S} + 1 AS s,
                    %(t0)s - interval '3 years' * (1 - g::float8 / {n["activites"]})
                        - interval '1 hour' AS d
                  FROM generate_series(1::bigint, {n["activites"]}) g) x""",
        ),
        (
            "participants",
            "mediation_participant",
            f"""INSERT INTO mediation_participant (id, genre, tranche_age, statut_social,
                activite_id, beneficiaire_id, commune_id)
            SELECT g, (ARRAY['masculin','feminin','non_communique'])[g % 3 + 1],
                'soixante_soixante_neuf', 'retraite', g,
                CASE WHEN g % 4 = 0 THEN NULL ELSE (g * 104729) % {B} + 1 END,
                (g % {C}) + 1
            FROM generate_series(1::bigint, {n["activites"]}) g""",
        ),
        # SMS over three years, mostly delivered; the reminders of the next day still to
        # send (a day's sweep: two a registration of tomorrow's sessions, about 4,000
        # nationally) and a few failures.
        (
            "sms",
            "inclusion_smsmessage",
            f"""INSERT INTO inclusion_smsmessage (id, telephone, corps, kind, about, encodage,
                segments, statut, provider_id, erreur_code, erreur, tentatives, pas_avant,
                inutile_apres, cle, a_masquer, cree_le, envoye_le, statut_le, beneficiaire_id,
                malgre_refus)
            SELECT g, '+336' || lpad((b % 100000000)::text, 8, '0'),
                'Rappel : votre atelier « Prendre en main son smartphone » a lieu demain à '
                    || '14 h à la médiathèque. Pour annuler, répondez ANNULER.',
                (ARRAY['rappel_atelier','rappel_atelier','rappel_atelier_jour',
                       'carnet_lien','inscription_confirmee'])[g % 5 + 1],
                CASE WHEN g % 5 = 3 THEN 'pass_numerique.carnet#' || ((g * 7919) % {K} + 1)
                     ELSE 'ateliers.inscription#' || ((g * 7919) % {I} + 1) END,
                'gsm', 1, st,
                CASE WHEN st IN ('delivre', 'envoye', 'non_delivre') THEN 'SM' || g END,
                CASE WHEN st = 'echec' THEN '30003' ELSE '' END, '',
                CASE WHEN st = 'echec' THEN 3 WHEN st = 'a_envoyer' THEN 0 ELSE 1 END,
                t, t + interval '1 day', NULL, '[]'::jsonb, t - interval '2 days',
                CASE WHEN st IN ('delivre', 'envoye', 'non_delivre') THEN t END,
                CASE WHEN st IN ('delivre', 'non_delivre') THEN t + interval '5 seconds' END,
                b, false
            FROM (SELECT g, (g * 104729) % {B} + 1 AS b,
                    CASE WHEN g > {n["sms"]} - {max(1, round(4000 * n["sms"] / NATIONAL["sms"]))}
                         THEN 'a_envoyer'
                         WHEN g % 100 = 0 THEN 'echec'
                         WHEN g % 50 = 1 THEN 'non_delivre'
                         WHEN g % 20 = 2 THEN 'expire'
                         WHEN g % 10 = 3 THEN 'envoye' ELSE 'delivre' END AS st,
                    CASE WHEN g > {n["sms"]} - {max(1, round(4000 * n["sms"] / NATIONAL["sms"]))}
                         THEN %(t0)s - interval '1 hour' + interval '1 day'
                             * ((g % 1000) / 1000.0)
                         ELSE %(t0)s - interval '3 years' * (1 - g::float8 / {n["sms"]})
                             - interval '1 day' END AS t
                  FROM generate_series(1::bigint, {n["sms"]}) g) x""",
        ),
        # The journal: twenty million lines over three years, in time order like the real
        # one (ids grow with time).
        (
            "journal",
            "inclusion_journal",
            f"""INSERT INTO inclusion_journal (id, quand, action, objet_type, objet_id,
                details, acteur_id, structure_id)
            SELECT g, %(t0)s - interval '3 years' * (1 - g::float8 / {n["journal"]})
                    - interval '1 minute',
                (ARRAY['carnet.emis','cheque.encaisse','beneficiaire.cree',
                       'beneficiaire.consulte','inscription.creee','presence.notee',
                       'activite.creee','sms.envoye'])[g % 8 + 1],
                (ARRAY['carnet','cheque','beneficiaire','beneficiaire','inscription',
                       'inscription','activite','sms'])[g % 8 + 1],
                ((g * 7919) % {B} + 1)::text, '{{}}'::jsonb,
                {U0} + (g % {3 * S}) + 1, (g % {S}) + 1
            FROM generate_series(1::bigint, {n["journal"]}) g""",
        ),
    ]


PARALLEL = ("sms", "journal")  # independent of every other table: loaded beside the rest


def _session(cursor):
    for setting, value in [
        ("synchronous_commit", "off"),
        ("maintenance_work_mem", "'1GB'"),
        ("work_mem", "'64MB'"),
        ("max_parallel_maintenance_workers", "2"),
    ]:
        cursor.execute(f"SET {setting} = {value}")


def _pending_path(connection):
    name = connection.settings_dict["NAME"]
    return ROOT / "var" / f"seed_national_{name}.json"


def _restore_pending(connection, log):
    """A previous run that stopped between detaching and restoring left its statements:
    put the indexes and keys back first (those already there are skipped)."""
    import json

    path = _pending_path(connection)
    if not path.exists():
        return
    log(f"reprise : index et clés d'une exécution interrompue ({path.name})")
    for statement in json.loads(path.read_text(encoding="utf-8")):
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute(statement)
        except DatabaseError:
            pass  # already there
    path.unlink()


def _run(label, sql, params, figures, log):
    from django.db import connection

    t = time.perf_counter()
    # Modulo signs are SQL here, not placeholders.
    sql = sql.replace("%", "%%").replace("%%(t0)s", "%(t0)s")
    sql = sql.replace("%%(password)s", "%(password)s")
    with connection.cursor() as cursor:
        _session(cursor)
        cursor.execute(sql, params)
        rows = cursor.rowcount
    figures[label] = {"lignes": rows, "secondes": round(time.perf_counter() - t, 2)}
    log(f"{label:<28} {rows:>12,} lignes {figures[label]['secondes']:>8.1f} s")


def _in_thread(work):
    """Run work() on this thread's own connection, closed afterwards."""
    from django.db import connection

    try:
        work()
    finally:
        connection.close()


def _since(t):
    return round(time.perf_counter() - t, 2)


def _on_two_connections(parallel, works):
    """Run the works in order, on two connections at once when parallel."""
    from concurrent.futures import ThreadPoolExecutor

    if not parallel:
        for work in works:
            work()
        return
    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(_in_thread, work) for work in works]:
            future.result()


def seed(connection, echelle, *, now=None, log=say, parallel=False):
    """Fill the database of `connection` (a Django connection on PostgreSQL). Returns
    {"comptes": …, "tables": {label: {"lignes": n, "secondes": s}}, "total_secondes": s}.
    parallel: load the SMS and the journal on two more connections, and build the indexes
    and validate the foreign keys on two connections."""
    import datetime
    import json
    from concurrent.futures import ThreadPoolExecutor

    from django.contrib.auth.hashers import make_password

    if connection.vendor != "postgresql":
        raise SystemExit("Le jeu national ne se construit que sur PostgreSQL.")
    now = now or datetime.datetime.now(datetime.UTC)
    n = counts(echelle)
    params = {"t0": now, "password": make_password(PASSWORD)}
    figures = {}
    started = time.perf_counter()
    _restore_pending(connection, log)
    t = time.perf_counter()
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        _session(cursor)
        cursor.execute("SELECT setseed(0.19)")
        others = _referencing(cursor, TABLES)
        if others:
            log(f"{len(others)} clés étrangères d'autres tables : ces tables sont vidées aussi")
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        # Users are not truncated (Wagtail pages point at them): the seed's own go, and the
        # new ones take ids after the others.
        cursor.execute("DELETE FROM inclusion_user WHERE email LIKE '%%@national.example'")
        # Deferred key checks now: a table with pending trigger events cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT coalesce(max(id), 0) FROM inclusion_user")
        n["u0"] = cursor.fetchone()[0]
        restore = {table: _detach(cursor, table) for table in sorted(BIG)}
        path = _pending_path(connection)
        path.parent.mkdir(exist_ok=True)
        pending = [s for table in sorted(BIG) for s in restore[table]]
        path.write_text(json.dumps(pending), encoding="utf-8")
    figures["vider et détacher les index"] = {
        "lignes": 0,
        "secondes": round(time.perf_counter() - t, 2),
    }
    steps = build_steps(n, params["password"])
    main_steps = [(label, sql) for label, _table, sql in steps if label not in PARALLEL]
    side_steps = [(label, sql) for label, _table, sql in steps if label in PARALLEL]

    def load(selection):
        return lambda: [_run(label, sql, params, figures, log) for label, sql in selection]

    if parallel:
        with ThreadPoolExecutor(max_workers=len(side_steps)) as pool:
            futures = [pool.submit(_in_thread, load([step])) for step in side_steps]
            load(main_steps)()
            for future in futures:
                future.result()
    else:
        load(main_steps + side_steps)()

    # Indexes back (the big sorts), one statement at a time on two connections, the biggest
    # tables' first (two CREATE INDEX on one table may run together: both take SHARE).
    order = sorted(BIG, key=lambda name: -NATIONAL_ROWS.get(name, 0))
    indexes = [(t, s) for t in order for s in restore[t] if not s.startswith("ALTER TABLE")]
    spent = {}

    def build(table, statement):
        t = time.perf_counter()
        with connection.cursor() as cursor:
            _session(cursor)
            cursor.execute(statement)
        spent[table] = spent.get(table, 0) + time.perf_counter() - t

    t = time.perf_counter()
    _on_two_connections(parallel, [lambda i=i: build(*i) for i in indexes])
    for table in order:
        label = f"index de {table}"
        count = sum(1 for name, _ in indexes if name == table)
        figures[label] = {"lignes": count, "secondes": round(spent.get(table, 0), 2)}
        log(f"{label:<44} {count:>3} {figures[label]['secondes']:>8.1f} s (cumul)")
    figures["index (durée réelle)"] = {"lignes": len(indexes), "secondes": _since(t)}
    log(f"{'index (durée réelle)':<44} {len(indexes):>3} {_since(t):>8.1f} s")

    # Unique constraints, then the foreign keys added NOT VALID (no scan, a short lock) and
    # validated on two connections (VALIDATE locks neither table against the other).
    t = time.perf_counter()
    keys = [s for table in order for s in restore[table] if s.startswith("ALTER TABLE")]
    foreign = [s for s in keys if " FOREIGN KEY " in s]
    with connection.cursor() as cursor:
        _session(cursor)
        for statement in [k for k in keys if k not in foreign]:
            cursor.execute(statement)
        for statement in foreign:
            cursor.execute(f"{statement} NOT VALID")

    def validate(statement):
        table, name = statement.split()[2], statement.split('"')[1]
        with connection.cursor() as cursor:
            _session(cursor)
            cursor.execute(f'ALTER TABLE {table} VALIDATE CONSTRAINT "{name}"')

    _on_two_connections(parallel, [lambda s=s: validate(s) for s in foreign])
    figures["contraintes et clés"] = {"lignes": len(keys), "secondes": _since(t)}
    log(f"{'contraintes et clés':<44} {len(keys):>3} {_since(t):>8.1f} s")
    _pending_path(connection).unlink(missing_ok=True)
    with connection.cursor() as cursor:
        for table in [*TABLES, "inclusion_user"]:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
            )
        t = time.perf_counter()
        cursor.execute("ANALYZE")
        figures["ANALYZE"] = {"lignes": 0, "secondes": round(time.perf_counter() - t, 2)}
    log(f"{'ANALYZE':<44}     {figures['ANALYZE']['secondes']:>8.1f} s")
    total = round(time.perf_counter() - started, 1)
    log(f"total {total:.1f} s")
    return {"comptes": n, "tables": figures, "total_secondes": total}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="nom de la base ou URL (sinon DATABASE_URL)")
    parser.add_argument("--echelle", type=float, default=1.0, help="1 = national")
    parser.add_argument(
        "--sequentiel", action="store_true", help="une seule connexion (sinon trois)"
    )
    args = parser.parse_args()
    if args.base:
        url = args.base
        if "://" not in url:
            url = f"postgres://postgres@127.0.0.1:5432/{url}"
        os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusion.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    load_before = os.getloadavg()
    result = seed(connection, args.echelle, parallel=not args.sequentiel)
    if args.echelle >= 0.1:
        sys.path.insert(0, str(ROOT / "bench"))
        from common import write_results

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
        write_results(
            ROOT / "bench" / "results" / "national_seed.json",
            {"echelle": args.echelle, "load_average_avant": load_before},
            taille_base_octets=size,
            **result,
        )


if __name__ == "__main__":
    main()
