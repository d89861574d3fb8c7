"""bin/sauvegarde and bin/restauration on SQLite, end to end in a temporary var dir, and their
refusals. PostgreSQL end to end (the demo, a redemption after restore) is
.ci/sauvegarde-restauration; the atomic --remplacer is tested here on PostgreSQL."""

import hashlib
import json
import os
import re
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
SAUVEGARDE = ROOT / "bin" / "sauvegarde"
RESTAURATION = ROOT / "bin" / "restauration"


def _env(var_dir, **extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "DATABASE_REPLICA_URL",
            "INCLUSION_S3_BUCKET",
            "DJANGO_MEDIA_ROOT",
        }
    }
    env.update(DJANGO_DEBUG="1", INCLUSION_VAR_DIR=str(var_dir), **extra)
    return env


def _run(script, *args, var_dir, **extra):
    return subprocess.run(
        [str(script), *map(str, args)],
        env=_env(var_dir, **extra),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _tables(script):
    block = re.search(r"TABLES = \{(.*?)\n\}", script.read_text(), re.S).group(1)
    return dict(re.findall(r'"(\w+)": "(\w+)"', block))


@pytest.fixture
def world(tmp_path):
    """A var dir with a small SQLite base (two main tables, a migration row) and one media
    file, and a private folder for the backups."""
    var = tmp_path / "var"
    (var / "media" / "exports").mkdir(parents=True)
    (var / "media" / "documents").mkdir()
    (var / "media" / "documents" / "temoin.txt").write_text("fichier témoin")
    (var / "media" / "exports" / "export.csv").write_text("prénom;téléphone")
    with sqlite3.connect(var / "db.sqlite3") as conn:
        conn.executescript(
            """
            CREATE TABLE django_migrations (
                id INTEGER PRIMARY KEY, app TEXT, name TEXT, applied DATETIME
            );
            INSERT INTO django_migrations (app, name, applied)
                VALUES ('inclusion', '0001_initial', '2026-11-17 09:00');
            CREATE TABLE inclusion_journal (id INTEGER PRIMARY KEY, action TEXT);
            INSERT INTO inclusion_journal (action) VALUES ('a'), ('b'), ('c');
            CREATE TABLE pass_numerique_cheque (id INTEGER PRIMARY KEY);
            INSERT INTO pass_numerique_cheque DEFAULT VALUES;
            INSERT INTO pass_numerique_cheque DEFAULT VALUES;
            CREATE TABLE django_session (session_key TEXT PRIMARY KEY, session_data TEXT);
            INSERT INTO django_session VALUES ('cle', 'donnees');
            """
        )
    conn.close()
    backups = tmp_path / "sauvegardes"
    backups.mkdir(mode=0o700)
    backups.chmod(0o700)
    return var, backups


def test_the_scripts_count_the_models_tables():
    tables = {model._meta.db_table for model in apps.get_models()}
    saved, restored = _tables(SAUVEGARDE), _tables(RESTAURATION)
    assert saved == restored
    assert set(saved.values()) <= tables
    # The brief's main tables are all there.
    assert {
        "beneficiaires",
        "carnets",
        "cheques",
        "encaissements",
        "sessions",
        "inscriptions",
        "activites",
        "sms_envoyes",
        "journal",
    } <= set(saved)


def test_sqlite_backup_then_restore_into_a_new_base(world, tmp_path):
    var, backups = world
    folder = backups / "essai"

    done = _run(SAUVEGARDE, "--dossier", folder, var_dir=var)

    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in backups.iterdir()) == ["essai"]  # nothing partial left
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    manifest = json.loads((folder / "manifeste.json").read_text())
    assert manifest["lignes"] == {"journal": 3, "cheques": 2}
    assert manifest["base"]["moteur"] == "sqlite"
    assert manifest["base"]["migrations"] == {
        "appliquees": 1,
        "dernieres": {"inclusion": "0001_initial"},
    }
    assert manifest["medias"] == {"stockage": "fichiers", "fichier": "medias.tar.gz"}
    assert set(manifest["fichiers"]) == {"base.sqlite3", "medias.tar.gz"}
    for name, item in manifest["fichiers"].items():
        content = (folder / name).read_bytes()
        assert item == {"octets": len(content), "sha256": hashlib.sha256(content).hexdigest()}

    target = tmp_path / "restauree.sqlite3"
    medias = tmp_path / "medias-restaurees"
    done = _run(
        RESTAURATION, folder, "--base", f"sqlite:///{target}", "--medias", medias, var_dir=var
    )

    assert done.returncode == 0, done.stdout + done.stderr
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT action FROM inclusion_journal ORDER BY id").fetchall() == [
            ("a",),
            ("b",),
            ("c",),
        ]
    conn.close()
    assert (medias / "documents" / "temoin.txt").read_text() == "fichier témoin"
    # Exports (24 hours) and sessions (10 hours) are not kept for months in a backup.
    assert not (medias / "exports").exists()
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM django_session").fetchone()[0] == 0
    conn.close()
    # The fake base knows one migration of many: the restore says what to run.
    assert "migration(s) en attente" in done.stdout
    assert re.search(r"journal\s+3\s+3\n", done.stdout)
    # Reading the backup wrote nothing beside it.
    assert sorted(p.name for p in folder.iterdir()) == [
        "base.sqlite3",
        "manifeste.json",
        "medias.tar.gz",
    ]


def test_restore_exits_3_when_counts_differ_from_the_manifest(world, tmp_path):
    var, backups = world
    folder = backups / "essai"
    assert _run(SAUVEGARDE, "--dossier", folder, var_dir=var).returncode == 0
    manifest = json.loads((folder / "manifeste.json").read_text())
    manifest["lignes"]["journal"] = 4
    (folder / "manifeste.json").write_text(json.dumps(manifest))

    done = _run(RESTAURATION, folder, "--base", f"sqlite:///{tmp_path / 'r.sqlite3'}", var_dir=var)

    assert done.returncode == 3
    assert "n'ont pas le nombre de lignes du manifeste (journal)" in done.stderr


def test_a_changed_file_is_refused_before_anything_is_restored(world, tmp_path):
    var, backups = world
    folder = backups / "essai"
    assert _run(SAUVEGARDE, "--dossier", folder, var_dir=var).returncode == 0
    with open(folder / "base.sqlite3", "ab") as handle:
        handle.write(b"\0")
    target = tmp_path / "r.sqlite3"

    done = _run(RESTAURATION, folder, "--base", f"sqlite:///{target}", var_dir=var)

    assert done.returncode == 1
    assert "ne correspond pas à son manifeste" in done.stderr
    assert "base.sqlite3 : sha256" in done.stderr
    assert not target.exists()


def test_a_missing_file_is_refused(world, tmp_path):
    var, backups = world
    folder = backups / "essai"
    assert _run(SAUVEGARDE, "--dossier", folder, var_dir=var).returncode == 0
    (folder / "medias.tar.gz").unlink()

    done = _run(RESTAURATION, folder, "--base", f"sqlite:///{tmp_path / 'r.sqlite3'}", var_dir=var)

    assert done.returncode == 1
    assert "medias.tar.gz : fichier absent" in done.stderr


def test_refuses_a_world_readable_folder(world, tmp_path):
    var, _ = world
    public = tmp_path / "public"
    public.mkdir()
    public.chmod(0o755)

    done = _run(SAUVEGARDE, "--dossier", public / "essai", var_dir=var)

    assert done.returncode == 1
    assert "accessible à tous les utilisateurs de la machine (droits 755)" in done.stderr
    assert list(public.iterdir()) == []


def test_refuses_an_existing_folder(world):
    var, backups = world
    (backups / "essai").mkdir()

    done = _run(SAUVEGARDE, "--dossier", backups / "essai", var_dir=var)

    assert done.returncode == 1
    assert "existe déjà : rien n'a été écrasé" in done.stderr


def test_a_failed_backup_leaves_nothing(world, tmp_path):
    var, backups = world

    done = _run(
        SAUVEGARDE,
        "--dossier",
        backups / "essai",
        var_dir=var,
        DATABASE_URL=f"sqlite:///{tmp_path / 'absente.sqlite3'}",
    )

    assert done.returncode == 1
    assert "la base SQLite" in done.stderr and "n'existe pas" in done.stderr
    assert list(backups.iterdir()) == []


def test_media_in_a_bucket_are_not_copied(world):
    var, backups = world

    done = _run(
        SAUVEGARDE, "--dossier", backups / "essai", var_dir=var, INCLUSION_S3_BUCKET="medias-ville"
    )

    assert done.returncode == 0, done.stderr
    assert "bucket S3 « medias-ville »" in done.stdout
    manifest = json.loads((backups / "essai" / "manifeste.json").read_text())
    assert manifest["medias"]["stockage"] == "s3"
    assert manifest["medias"]["bucket"] == "medias-ville"
    assert "medias.tar.gz" not in manifest["fichiers"]


@pytest.fixture
def backup(world):
    var, backups = world
    assert _run(SAUVEGARDE, "--dossier", backups / "essai", var_dir=var).returncode == 0
    return var, backups / "essai"


def test_refuses_a_base_that_has_tables(backup, tmp_path):
    var, folder = backup
    target = tmp_path / "pleine.sqlite3"
    with sqlite3.connect(target) as conn:
        conn.execute("CREATE TABLE t (id INTEGER)")
    conn.close()

    done = _run(RESTAURATION, folder, "--base", f"sqlite:///{target}", var_dir=var)

    assert done.returncode == 1
    assert "contient déjà 1 table(s)" in done.stderr
    assert "--remplacer" in done.stderr


def test_refuses_the_application_base(backup):
    var, folder = backup

    done = _run(RESTAURATION, folder, "--base", f"sqlite:///{var / 'db.sqlite3'}", var_dir=var)

    assert done.returncode == 1
    assert "cette base est celle de l'application (DATABASE_URL)" in done.stderr


def test_refuses_another_engine(backup):
    var, folder = backup

    done = _run(RESTAURATION, folder, "--base", "postgres://u@127.0.0.1:5432/neuve", var_dir=var)

    assert done.returncode == 1
    assert "ne se restaure pas dans une base postgresql" in done.stderr


def test_refuses_a_non_empty_media_folder(backup, tmp_path):
    var, folder = backup
    medias = tmp_path / "medias"
    medias.mkdir()
    (medias / "autre.txt").write_text("x")

    done = _run(
        RESTAURATION,
        folder,
        "--base",
        f"sqlite:///{tmp_path / 'r.sqlite3'}",
        "--medias",
        medias,
        var_dir=var,
    )

    assert done.returncode == 1
    assert "n'est pas vide" in done.stderr
    assert [p.name for p in medias.iterdir()] == ["autre.txt"]


@pytest.mark.postgresql
@pytest.mark.django_db
def test_replace_on_postgresql_is_one_transaction(tmp_path):
    """A base that has tables is refused; with --remplacer it is emptied (a table the dump
    does not know goes too) and refilled with the dump's rows."""
    from django.db import connection

    psycopg = pytest.importorskip("psycopg")
    settings = connection.settings_dict
    base = f"{connection.settings_dict['NAME']}_sauvegarde"
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    server = f"postgres://{auth}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    admin = psycopg.connect(f"{server}/postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{base}"')
    admin.execute(f'CREATE DATABASE "{base}"')
    try:
        with psycopg.connect(f"{server}/{base}", autocommit=True) as conn:
            conn.execute(
                "CREATE TABLE inclusion_journal (id serial PRIMARY KEY, action text);"
                "INSERT INTO inclusion_journal (action) VALUES ('a'), ('b');"
                "CREATE TABLE django_migrations"
                " (id serial, app text, name text, applied timestamptz);"
            )
        var = tmp_path / "var"
        var.mkdir()
        backups = tmp_path / "sauvegardes"
        backups.mkdir(mode=0o700)
        backups.chmod(0o700)
        done = _run(
            SAUVEGARDE, "--dossier", backups / "pg", var_dir=var, DATABASE_URL=f"{server}/{base}"
        )
        assert done.returncode == 0, done.stderr
        with psycopg.connect(f"{server}/{base}", autocommit=True) as conn:
            conn.execute("INSERT INTO inclusion_journal (action) VALUES ('après')")
            conn.execute("CREATE TABLE en_trop (id int)")

        refused = _run(RESTAURATION, backups / "pg", "--base", f"{server}/{base}", var_dir=var)
        assert refused.returncode == 1
        assert "contient déjà" in refused.stderr

        done = _run(
            RESTAURATION, backups / "pg", "--base", f"{server}/{base}", "--remplacer", var_dir=var
        )
        assert done.returncode == 0, done.stdout + done.stderr
        with psycopg.connect(f"{server}/{base}") as conn:
            assert conn.execute("SELECT count(*) FROM inclusion_journal").fetchone()[0] == 2
            assert conn.execute("SELECT to_regclass('en_trop')").fetchone()[0] is None
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{base}" WITH (FORCE)')
        admin.close()
