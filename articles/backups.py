"""Backups of the whole site: the database and the uploaded files, in one dated archive.

    portal-20261202-031500Z.tar.gz
        manifest.json      when, which database, how many articles, comments, subscribers
        database.pgdump    PostgreSQL: `pg_dump --format=custom`
        database.sqlite3   SQLite: copied with SQLite's online backup, safe while the site writes
        media/...          MEDIA_ROOT

Restoring puts the database and the files back; it refuses a database that already holds
articles unless forced, so a slip of the finger does not overwrite the live site.
"""

import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection


class BackupError(Exception):
    pass


@dataclass
class Restored:
    manifest: dict
    counts: dict


def site_counts() -> dict:
    """Rows of every model of the project's own apps ("articles.article": 8, …), to check a restore by.

    Found through the app registry, so this base app names no other app.
    """
    from django.apps import apps

    project = [config for config in apps.get_app_configs() if Path(config.path).parent == settings.BASE_DIR]
    return {
        model._meta.label_lower: model._default_manager.count() for config in project for model in config.get_models()
    }


def _pg_command(program: str) -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    args = [program, "--no-owner", "--no-privileges", "--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(args: list[str], env: dict) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()}")


def _dump_database(target_dir: Path) -> Path:
    if connection.vendor == "postgresql":
        path = target_dir / "database.pgdump"
        args, env = _pg_command("pg_dump")
        _run([*args, "--format=custom", "--file", str(path)], env)
        return path
    if connection.vendor == "sqlite":
        path = target_dir / "database.sqlite3"
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=20)
        copy = sqlite3.connect(path)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return path
    raise BackupError(f"no backup for the {connection.vendor} database")


def backup_create(*, output_dir: Path) -> Path:
    """Write a dated archive of the database and the uploads into `output_dir`; its path."""
    output_dir.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC)
    archive = output_dir / f"portal-{created:%Y%m%d-%H%M%S}Z.tar.gz"
    manifest = {"created": created.isoformat(), "database": connection.vendor, "counts": site_counts()}
    with tempfile.TemporaryDirectory(dir=output_dir) as work:
        dump = _dump_database(Path(work))
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            info = tarfile.TarInfo("manifest.json")
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info.size, info.mtime = len(data), int(created.timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                tar.add(media, arcname="media")
        partial.rename(archive)  # a half-written archive never carries the final name
    return archive


def _holds_articles() -> bool:
    if "articles_article" not in connection.introspection.table_names():
        return False
    from articles.models import Article

    return Article.objects.exists()


def backup_restore(*, archive: Path, force: bool = False) -> Restored:
    """Put the archive's database and uploads in place of the configured ones."""
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    if _holds_articles() and not force:
        raise BackupError("the database already holds articles; restore with --force to replace them")
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive, "r:gz") as tar:
        tar.extractall(work, filter="data")
        work = Path(work)
        manifest = json.loads((work / "manifest.json").read_text())
        if manifest["database"] != connection.vendor:
            raise BackupError(
                f"the archive holds a {manifest['database']} database, this site uses {connection.vendor}"
            )
        if connection.vendor == "postgresql":
            connection.close()
            args, env = _pg_command("pg_restore")
            _run([*args, "--clean", "--if-exists", "--single-transaction", str(work / "database.pgdump")], env)
        else:
            connection.close()
            source = sqlite3.connect(work / "database.sqlite3")
            target = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=20)
            try:
                with target:
                    source.backup(target)
            finally:
                target.close()
                source.close()
        media = work / "media"
        if media.is_dir():
            root = Path(settings.MEDIA_ROOT)
            for path in sorted(media.rglob("*")):
                destination = root / path.relative_to(media)
                if path.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                else:
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    path.replace(destination)
    return Restored(manifest=manifest, counts=site_counts())
