"""The site's content as one archive, and back: `manage.py export_content OUT` and `import_content IN`.

An archive is a tar file (gzip-compressed when its name ends in .gz or .tgz) read and written as a stream:

    manifest.json          the format and its version, when and where it was made, how many records of each kind
    media/<storage name>   every photo and portrait with its renditions, under the names the records give
    content/000001.jsonl   the records, one JSON object per line, each kind after the kinds it points at

docs/export-format.md describes every kind and field. Exporting reads one consistent snapshot of the database
(a repeatable-read transaction) a few thousand rows at a time, and writes the records in chunks of at most
CHUNK_BYTES: memory stays flat whatever the number of articles. Importing loads an archive into an empty site with
the same ids, so that every page reads exactly as it did; everything is loaded in one transaction, and the media
files written are removed again if anything fails.
"""

import datetime
import io
import json
import posixpath
import tarfile
import tempfile
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, reset_queries, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from articles import renditions, search
from pagecache.fragments import EVERYTHING
from pagecache.journal import invalidate

from . import kinds

FORMAT = "newsroom-content"
VERSION = 1
CHUNK_RECORDS = 20_000
CHUNK_BYTES = 8 * 1024 * 1024
BATCH = 1000
# The key naming a record's kind: no model field can be called this (a field may be called "kind").
KIND = "@kind"
MEDIA_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif"})


class ArchiveError(Exception):
    """The archive cannot be written or loaded; the message says why."""


def _mode(name, writing):
    compressed = str(name).endswith((".gz", ".tgz"))
    return ("w|gz" if compressed else "w|") if writing else "r|*"


# Export.


def export(stream, name="", progress=None):
    """Write the archive to a binary `stream`; returns the manifest (with how many records of each kind)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if (
            connection.vendor == "postgresql" and outermost
        ):  # inside a caller's transaction, its snapshot holds
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        registered = kinds.registered()
        counts = {kind.name: kind.get_model()._base_manager.count() for kind in registered}
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created": timezone.now().isoformat(),
            "site": settings.NEWSROOM["SITE_NAME"],
            "site_url": settings.NEWSROOM["SITE_URL"],
            "database": connection.vendor,
            "kinds": [kind.name for kind in registered],
            "counts": counts,
        }
        if progress:
            progress.total = sum(counts.values())
        with tarfile.open(fileobj=stream, mode=_mode(name, writing=True), format=tarfile.PAX_FORMAT) as tar:
            _add_bytes(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode())
            manifest["media_files"], manifest["media_missing"] = _export_media(tar, registered)
            chunks = _Chunks(tar)
            usernames = dict(
                get_user_model()._base_manager.values_list("pk", get_user_model().USERNAME_FIELD)
            )
            done = 0
            for kind in registered:
                for record in _records(kind, usernames):
                    chunks.add(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
                    done += 1
                    if done % 10_000 == 0:
                        reset_queries()  # DEBUG keeps the text of the last 9,000 queries
                    if progress and done % 500 == 0:
                        progress.update(done)
            chunks.close()
            if progress:
                progress.update(done)
    return manifest


def _add_bytes(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
    tar.addfile(info, io.BytesIO(data))


class _Chunks:
    """Records into content/NNNNNN.jsonl members of at most CHUNK_RECORDS lines and about CHUNK_BYTES."""

    def __init__(self, tar):
        self.tar, self.number, self.lines, self.size = tar, 0, [], 0

    def add(self, line):
        self.lines.append(line)
        self.size += len(line) + 1
        if len(self.lines) >= CHUNK_RECORDS or self.size >= CHUNK_BYTES:
            self.flush()

    def flush(self):
        if self.lines:
            self.number += 1
            data = ("\n".join(self.lines) + "\n").encode()
            _add_bytes(self.tar, f"content/{self.number:06d}.jsonl", data)
            self.lines, self.size = [], 0

    def close(self):
        self.flush()


def _file_names(kind):
    """Each file the rows of a kind need, once (the database removes the repeats: photos may share files)."""
    manager = kind.get_model()._base_manager
    for field in kind.file_fields():
        names = manager.exclude(**{field.attname: ""}).exclude(**{f"{field.attname}__isnull": True})
        yield from (
            names.order_by(field.attname).values_list(field.attname, flat=True).distinct().iterator(2000)
        )
    if kind.extra_files:
        rows = manager.order_by().values(*kind.extra_columns).distinct().iterator(2000)
        for row in rows:
            yield from kind.extra_files(row)


def _export_media(tar, registered):
    written, missing = 0, 0
    for kind in registered:
        for name in _file_names(kind):
            try:
                size = default_storage.size(name)
                handle = default_storage.open(name, "rb")
            except (OSError, FileNotFoundError):
                missing += 1
                continue
            with handle:
                info = tarfile.TarInfo(f"media/{name}")
                info.size, info.mtime, info.mode = size, int(time.time()), 0o644
                tar.addfile(info, handle)
            written += 1
    return written, missing


def _records(kind, usernames):
    if kind.name == kinds.GROUP:
        yield from _group_records()
        return
    if kind.name == kinds.USER:
        yield from _user_records()
        return
    fields = kind.fields()
    encoders = [_encoder(field, usernames) for field in fields]
    rows = kind.get_model()._base_manager.order_by("pk").values_list(*(field.attname for field in fields))
    for values in rows.iterator(chunk_size=2000):
        record = {KIND: kind.name}
        for field, encode, value in zip(fields, encoders, values, strict=True):
            record[field.name] = None if value is None else encode(value)
        yield record


def _is_user_key(field):
    return field.is_relation and field.related_model is get_user_model()


def _encoder(field, usernames):
    if _is_user_key(field):
        return usernames.__getitem__
    if isinstance(field, models.DateTimeField | models.DateField | models.TimeField):
        return lambda value: value.isoformat()
    if isinstance(field, models.UUIDField | models.DecimalField):
        return str
    return lambda value: value


def _group_records():
    for group in Group.objects.order_by("pk").prefetch_related("permissions__content_type"):
        permissions = sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all())
        yield {KIND: kinds.GROUP, "id": group.pk, "name": group.name, "permissions": permissions}


USER_FIELDS = ("first_name", "last_name", "email", "is_active", "is_staff", "is_superuser")


def _user_records():
    User = get_user_model()
    memberships = {}
    for user_id, name in User.groups.through.objects.values_list("user_id", "group__name"):
        memberships.setdefault(user_id, []).append(name)
    for user in User._base_manager.order_by("pk").iterator(chunk_size=2000):
        record = {KIND: kinds.USER, "username": user.get_username()}
        record.update({name: getattr(user, name, "") for name in USER_FIELDS})
        record["date_joined"] = user.date_joined.isoformat() if getattr(user, "date_joined", None) else None
        record["groups"] = sorted(memberships.get(user.pk, []))
        yield record


# Import.


def load(stream, name="", progress=None):
    """Load an archive into this empty site; returns its manifest with what was loaded.

    Raises ArchiveError (nothing loaded, no file left behind) for an archive that is not one, is incomplete, holds
    kinds this site cannot hold, or for a site that already has content.
    """
    try:
        tar = tarfile.open(fileobj=stream, mode=_mode(name, writing=False))
    except (tarfile.TarError, OSError, EOFError) as error:
        raise ArchiveError(_("This is not a content archive: %(error)s") % {"error": error}) from error
    written = tempfile.TemporaryFile(mode="w+")  # the media files stored so far, to remove on failure
    try:
        with tar, transaction.atomic():
            manifest = _manifest(tar)
            _check_empty()
            loader = _Loader(manifest, progress)
            while (member := tar.next()) is not None:
                if member.name.startswith("media/"):
                    _store_media(tar, member, written)
                elif member.name.startswith("content/") and member.name.endswith(".jsonl"):
                    if member.size > 4 * CHUNK_BYTES:
                        raise ArchiveError(
                            _("%(name)s is larger than any chunk this site writes.") % {"name": member.name}
                        )
                    loader.read(tar.extractfile(member).read(), member.name)
                else:
                    raise ArchiveError(_("Unexpected entry in the archive: %(name)s") % {"name": member.name})
            loader.finish()
    except BaseException as error:
        written.seek(0)
        for line in written:
            default_storage.delete(line.rstrip("\n"))
        if isinstance(error, tarfile.TarError | EOFError | UnicodeDecodeError | json.JSONDecodeError):
            raise ArchiveError(
                _("The archive is damaged or incomplete: %(error)s. Nothing was loaded.") % {"error": error}
            ) from error
        raise
    finally:
        written.close()
    manifest["loaded"] = loader.counts
    return manifest


def _manifest(tar):
    first = tar.next()
    if first is None or first.name != "manifest.json":
        raise ArchiveError(_("This is not a content archive: it does not start with manifest.json."))
    try:
        manifest = json.loads(tar.extractfile(first).read())
    except ValueError as error:
        raise ArchiveError(
            _("The archive's manifest.json is not JSON: %(error)s") % {"error": error}
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(
            _("This is not a content archive of this CMS (format %(format)s).")
            % {"format": manifest.get("format") if isinstance(manifest, dict) else "?"}
        )
    if not isinstance(manifest.get("version"), int) or manifest["version"] > VERSION:
        raise ArchiveError(
            _("The archive is in version %(version)s of the format; this site reads up to version %(known)s.")
            % {"version": manifest.get("version"), "known": VERSION}
        )
    unknown = [name for name in manifest.get("kinds", []) if kinds.get(name) is None]
    if unknown:
        raise ArchiveError(
            _(
                "The archive holds kinds of content this site has no place for: %(kinds)s. Install the apps that "
                "hold them first; nothing was loaded."
            )
            % {"kinds": ", ".join(unknown)}
        )
    return manifest


def _check_empty():
    found = []
    for kind in kinds.registered():
        if kind.name in (kinds.USER, kinds.GROUP):
            continue  # accounts are merged by username; the roles' groups come with every new site
        count = kind.get_model()._base_manager.count()
        if count:
            found.append(f"{kind.name} {count}")
    if found:
        raise ArchiveError(
            _(
                "This site already has content (%(found)s): import_content loads into an empty site only, so "
                "that nothing here is overwritten or mixed up. Create a new database, run migrate, and import "
                "there."
            )
            % {"found": ", ".join(found)}
        )


def _store_media(tar, member, written):
    name = posixpath.normpath(member.name[len("media/") :])
    extension = posixpath.splitext(name)[1].lower()
    if (
        not member.isfile()
        or name.startswith(("/", "..", "."))
        or "/../" in f"/{name}/"
        or extension not in MEDIA_EXTENSIONS
    ):
        raise ArchiveError(
            _("The archive holds a media entry this site refuses: %(name)s") % {"name": member.name}
        )
    limit = 2 * settings.NEWSROOM["MAX_UPLOAD_BYTES"]
    if member.size > limit:
        raise ArchiveError(
            _("The media file %(name)s is larger than any photo here may be.") % {"name": name}
        )
    data = tar.extractfile(member).read()
    try:
        with Image.open(io.BytesIO(data)) as image:  # the header only: an image of an accepted format
            if image.format not in renditions.ACCEPTED_FORMATS:
                raise ArchiveError(_("%(name)s is not a photo.") % {"name": name})
    except (OSError, Image.DecompressionBombError) as error:
        raise ArchiveError(_("%(name)s is not a photo.") % {"name": name}) from error
    if default_storage.exists(name):
        if default_storage.size(name) == len(data):
            return
        raise ArchiveError(
            _("%(name)s already exists in the media folder with other content: import into an empty one.")
            % {"name": name}
        )
    saved = default_storage.save(name, ContentFile(data))
    written.write(saved + "\n")
    if saved != name:
        raise ArchiveError(
            _("The media storage renamed %(name)s; import into an empty one.") % {"name": name}
        )


class _Loader:
    """Records into the database, a batch of one kind at a time, with their ids."""

    def __init__(self, manifest, progress):
        self.manifest = manifest
        self.progress = progress
        self.counts = {}
        self.kind, self.batch = None, []
        self.usernames = {}  # username -> id here
        self.done = 0
        if progress:
            progress.total = sum(manifest.get("counts", {}).values())
        self.models = set()

    def read(self, data, member):
        for number, line in enumerate(data.decode("utf-8").split("\n"), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                self.add(record)
            except ArchiveError:
                raise
            except Exception as error:
                raise ArchiveError(
                    _("%(member)s, line %(line)s: %(error)s. Nothing was loaded.")
                    % {"member": member, "line": number, "error": error}
                ) from error

    def add(self, record):
        kind = kinds.get(record.get(KIND)) if isinstance(record, dict) else None
        if kind is None or kind.name not in self.manifest.get("kinds", []):
            raise ArchiveError(_("a record of an unknown kind"))
        if self.kind is not kind:
            self.flush()
            self.kind = kind
        self.batch.append(record)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self):
        if not self.batch:
            return
        kind, batch = self.kind, self.batch
        self.batch = []
        if kind.name == kinds.GROUP:
            self.load_groups(batch)
        elif kind.name == kinds.USER:
            self.load_users(batch)
        else:
            model = kind.get_model()
            instances = [self.instance(kind, record) for record in batch]
            with _stamps_kept(model):
                model._base_manager.bulk_create(instances)
            self.models.add(model)
        # With DEBUG on (a development site) Django keeps the text of the last 9,000 queries: long inserts.
        reset_queries()
        self.counts[kind.name] = self.counts.get(kind.name, 0) + len(batch)
        self.done += len(batch)
        if self.progress:
            self.progress.update(self.done)

    def instance(self, kind, record):
        values = {}
        for field in kind.fields():
            if field.name not in record:
                continue
            raw = record[field.name]
            if raw is None:
                values[field.attname] = None
            elif _is_user_key(field):
                if raw not in self.usernames:
                    raise ArchiveError(_("no account “%(name)s” in the archive") % {"name": raw})
                values[field.attname] = self.usernames[raw]
            elif field.is_relation:
                values[field.attname] = raw
            else:
                values[field.attname] = field.to_python(raw)
        instance = kind.get_model()(**values)
        if kind.clean:
            kind.clean(instance)
        return instance

    def load_groups(self, batch):
        for record in batch:
            group, _created = Group.objects.get_or_create(name=record["name"])
            for label in record.get("permissions", []):
                app_label, _dot, codename = label.partition(".")
                permission = Permission.objects.filter(
                    content_type__app_label=app_label, codename=codename
                ).first()
                if permission is not None:
                    group.permissions.add(permission)

    def load_users(self, batch):
        User = get_user_model()
        for record in batch:
            username = record["username"]
            user = User._base_manager.filter(**{User.USERNAME_FIELD: username}).first()
            if user is None:
                user = User(**{User.USERNAME_FIELD: username})
                for name in USER_FIELDS:
                    if name in record and hasattr(user, name):
                        setattr(user, name, record[name])
                if record.get("date_joined"):
                    user.date_joined = datetime.datetime.fromisoformat(record["date_joined"])
                # Passwords never travel: staff set a new one (docs/export-format.md).
                user.set_unusable_password()
                user.save()
                user.groups.set(Group.objects.filter(name__in=record.get("groups", [])))
            self.usernames[username] = user.pk

    def finish(self):
        self.flush()
        expected = self.manifest.get("counts", {})
        short = {name: (self.counts.get(name, 0), count) for name, count in expected.items()}
        short = {name: pair for name, pair in short.items() if pair[0] != pair[1]}
        if short:
            raise ArchiveError(
                _("The archive is incomplete (records found / expected: %(kinds)s). Nothing was loaded.")
                % {"kinds": ", ".join(f"{name} {found}/{wanted}" for name, (found, wanted) in short.items())}
            )
        # Rows went in with their ids: move each table's id sequence past them (PostgreSQL).
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.models))
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        Article = kinds.get("article").get_model()
        search.reindex_many(Article._base_manager.all())
        invalidate([EVERYTHING], reason="content archive imported")  # a whole site loaded without signals


class _stamps_kept:
    """Rows keep the times they carry: auto_now fields would stamp every row with the time of the import."""

    def __init__(self, model):
        self.fields = [
            field
            for field in model._meta.concrete_fields
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        ]

    def __enter__(self):
        self.saved = [(field, field.auto_now, field.auto_now_add) for field in self.fields]
        for field in self.fields:
            field.auto_now = field.auto_now_add = False

    def __exit__(self, *exc_info):
        for field, auto_now, auto_now_add in self.saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add
