"""The input edge of the pipeline: list the sources under the input roots and read them.

This module (with `writer.py`) is the only place that touches the file system. Listing is
cheap and deterministic: every input becomes an `InputRef` with its record id, and the
refs are sorted by id, so the order of the output never depends on the order in which the
operating system lists a folder. Reading happens one document at a time.

Input folders come from crawls, so nothing here trusts them: symbolic links that lead out of
the input folder are refused and links to folders are not followed, only regular files are
opened (a FIFO would block a read forever), reads stop at the size limit whatever the file
system claims, and a file whose name cannot become a file name under `output/docs/` (not
UTF-8, too long, or colliding with another record's file) fails at listing with the reason.

The module is over 500 lines because listing and reading share their checks: the inode a
file is listed with is the one its opening must find, and the same link, name and id rules
decide what is listed and what may be read. What each format holds inside a file (WARC,
compressed files, JSONL lines) is read by `pipeline.sources`.
"""

from __future__ import annotations

import datetime
import errno
import hashlib
import io
import json
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pipeline import sources
from pipeline.errors import DocumentError, ErrorCode, PipelineError
from pipeline.jsonl_stream import jsonl_lines
from pipeline.jsonlimits import json_limit_problem

INPUT_SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".warc", ".gz", ".zst")
# The suffixes listed by name alone; the others (and no suffix) are decided by `pipeline.sources`.
_PLAIN_SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
SIDECAR_SUFFIX = ".meta.json"
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The last part of an id names docs/<part>.json and the writer's temporary ".<part>.json.<pid>.tmp";
# both must fit in the 255 bytes most file systems allow for one name.
MAX_ID_NAME_BYTES = 200
# A sidecar holds one date; more than this is not a sidecar (and must not be read whole).
_MAX_SIDECAR_BYTES = 65_536
# A JSONL line longer than this is refused at listing without being parsed (or held whole);
# it is the default of `load.max_bytes`, which no document may exceed anyway.
MAX_JSONL_LINE_BYTES = 50_000_000
# Known dates (sidecars, JSONL `date`) anchor relative dates: a year outside this window is
# no publication date, and date arithmetic near year 9999 overflows.
MIN_KNOWN_YEAR, MAX_KNOWN_YEAR = 1000, 2999
_FILE_TYPES = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISDIR, "a folder"),
)


@dataclass(frozen=True)
class InputRef:
    """Where one document comes from; `line` and `offset` are set for JSONL documents.

    `record` is set for a WARC record. `compression` is the file's (gzip or zstd): then
    `offset` and `length` count bytes of the decompressed content, unless `members` says
    they point at a compressed member of the file that holds the document on its own.
    """

    id: str
    path: str
    file: Path
    line: int | None = None
    offset: int = 0
    length: int = -1
    # The `NAME.meta.json` beside the file, decided at listing (never one that leaves the input folder).
    sidecar: Path | None = None
    # The inode numbers seen at listing: the file opened later must be the same file, not
    # one swapped in since (a link, a rename). None: not known, not checked.
    inode: int | None = None
    sidecar_inode: int | None = None
    record: int | None = None
    compression: sources.Compression | None = None
    members: bool = False


@dataclass(frozen=True)
class RawInput:
    """The bytes of one document and what the file system says about it."""

    ref: InputRef
    data: bytes
    sha256: str
    sidecar_date: str | None = None


@dataclass(frozen=True)
class ListedEntry:
    """A manifest entry decided while listing: a skipped file or an input that already failed."""

    id: str | None
    path: str
    status: str
    message: str
    sha256: str | None = None
    code: ErrorCode = ErrorCode.REFUSED_AT_LISTING  # of a failure


@dataclass
class Listing:
    """The result of listing the input roots: documents to process, and entries decided already."""

    refs: list[InputRef] = field(default_factory=list)
    entries: list[ListedEntry] = field(default_factory=list)


def list_inputs(roots: Sequence[Path], max_line_bytes: int = MAX_JSONL_LINE_BYTES, id_field: str = "id") -> Listing:
    """List every input under `roots` (folders or single files), sorted by record id.

    Args:
        roots: Input folders or files. A folder's files get ids relative to that folder.
        max_line_bytes: A JSONL line longer than this fails at listing, unparsed.
        id_field: The field of a JSONL line that holds its id.

    Returns:
        The documents to process (ids unique) and the entries already decided: files of
        an unsupported type and links to folders (`skipped`); unreadable JSONL files and
        folders, bad JSONL lines, links that leave the input folder, names that cannot name
        an output file, and duplicate ids (`failed`).

    Raises:
        PipelineError: A root does not exist, or a file named as a root cannot be read (E101).
    """
    listing = Listing()
    for root in roots:
        if not root.exists():
            raise PipelineError(ErrorCode.INPUT_MISSING, f"input {str(root)!r} does not exist")
        if not root.is_dir():
            _check_readable(Path(os.path.realpath(root)), str(root))
        if root.is_dir():
            files = sorted(_walk_files(root, listing))
            base = root
        else:
            # A file named as the input is read wherever its link leads (resolved now, once).
            files, base = [(root.name, Path(os.path.realpath(root)), False, None)], root.parent
        names = {rel for rel, _, _, _ in files}
        inside = os.path.realpath(base)
        for rel, file, is_link, inode in files:
            problem = _name_problem(rel)
            if problem is not None:
                listing.entries.append(ListedEntry(None, printable_path(rel), "failed", problem))
            elif is_link and _would_read(rel) and not _is_within(file, inside):
                # Following it would read (and copy into the output) a file the input folder does not hold.
                message = "symbolic link to a file outside the input folder; refused"
                listing.entries.append(ListedEntry(_id_of(rel), rel, "failed", message))
            else:
                options = _ListOptions(max_line_bytes, id_field, sniff=not (is_link and not _is_within(file, inside)))
                _list_file(file, rel, names, inside, listing, options, is_link, inode)
    listing.refs.sort(key=lambda ref: (ref.id, ref.path, ref.line or 0))
    listing.refs = _unique_refs(listing)
    return listing


@dataclass(frozen=True)
class _ListOptions:
    """How files are listed: the JSONL line limit and id field, and whether content may be sniffed."""

    max_line_bytes: int
    id_field: str
    # False for a link that leads out of the input folder: its content is never read.
    sniff: bool


def _check_readable(file: Path, shown: str) -> None:
    """Refuse a file named as an input that cannot be read: a usage error, not a failed document.

    Raises:
        PipelineError: It is not a regular file, or opening it fails (E101).
    """
    try:
        _open_regular(file, shown).close()
    except DocumentError as error:
        raise PipelineError(ErrorCode.INPUT_MISSING, f"input cannot be read: {error}") from error
    except OSError as error:
        raise PipelineError(
            ErrorCode.INPUT_MISSING, f"input {shown!r} cannot be read: {error.strerror or error}"
        ) from error


def read_input(ref: InputRef, max_bytes: int) -> RawInput:
    """Read the bytes of one document, and its sidecar date if it has one.

    Raises:
        DocumentError: The file cannot be read, is not a regular file, is too large, or its
            sidecar is invalid.
    """
    if ref.compression is not None or ref.record is not None:
        data = _read_packed(ref, max_bytes)
        return RawInput(ref=ref, data=data, sha256=hashlib.sha256(data).hexdigest())
    try:
        with _open_regular(ref.file, ref.path, ref.inode) as handle:
            size = os.fstat(handle.fileno()).st_size if ref.line is None else ref.length
            if size > max_bytes:
                raise DocumentError(
                    f"file is {size} bytes, over the limit of {max_bytes} (load.max_bytes)", ErrorCode.INPUT_TOO_LARGE
                )
            handle.seek(ref.offset)
            # One byte past the limit tells a file that grew (or lied about its size) from one that fits.
            data = handle.read(max_bytes + 1 if ref.line is None else ref.length)
    except OSError as error:
        raise DocumentError(f"cannot read {ref.path}: {error.strerror or error}", ErrorCode.UNREADABLE_INPUT) from error
    if len(data) > max_bytes:
        raise DocumentError(f"file is over the limit of {max_bytes} bytes (load.max_bytes)", ErrorCode.INPUT_TOO_LARGE)
    sidecar_date = _read_sidecar_date(ref.sidecar, ref.sidecar_inode) if ref.sidecar is not None else None
    return RawInput(ref=ref, data=data, sha256=hashlib.sha256(data).hexdigest(), sidecar_date=sidecar_date)


_DECOMPRESSED = sources.DecompressedFiles()


def _read_packed(ref: InputRef, max_bytes: int) -> bytes:
    """The bytes of a document that is a WARC record or inside a compressed file (see `InputRef`)."""
    try:
        handle = _open_regular(ref.file, ref.path, ref.inode)
    except OSError as error:
        raise DocumentError(f"cannot read {ref.path}: {error.strerror or error}", ErrorCode.UNREADABLE_INPUT) from error
    try:
        with handle:
            if ref.compression is not None and ref.length < 0:  # one compressed document
                data = sources.read_limited(sources.open_decompressed(handle, ref.compression), max_bytes)
            elif ref.compression is not None and not ref.members:
                info = os.fstat(handle.fileno())
                identity = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
                content = _DECOMPRESSED.content(handle, ref.compression, identity)
                data = content[ref.offset : ref.offset + ref.length]
            else:
                if ref.length > max_bytes:
                    raise DocumentError(
                        f"record is {ref.length} bytes, over the limit of {max_bytes} (load.max_bytes)",
                        ErrorCode.INPUT_TOO_LARGE,
                    )
                handle.seek(ref.offset)
                data = handle.read(ref.length)
                if ref.compression is not None:
                    data = sources.decompress(data, ref.compression, max_bytes)
    except sources.DECOMPRESSION_ERRORS as error:
        raise DocumentError(f"cannot decompress {ref.path}: {error}", ErrorCode.UNREADABLE_INPUT) from error
    except ValueError as error:
        raise DocumentError(f"{ref.path}: {error}") from error
    if len(data) > max_bytes:
        raise DocumentError(
            f"document is over the limit of {max_bytes} bytes (load.max_bytes)", ErrorCode.INPUT_TOO_LARGE
        )
    return data


def printable_path(rel: str) -> str:
    """A relative path fit for the manifest: bytes that are not UTF-8 are shown as `\\xNN`."""
    return os.fsencode(rel).decode("utf-8", "backslashreplace")


def _open_regular(file: Path, rel: str, inode: int | None = None) -> io.BufferedReader:
    """Open `file` for reading only if it is a regular file, and the one listed.

    The open does not block (a FIFO without a writer would wait forever) and does not
    follow a symbolic link (listing resolved the links it accepts, so a link here was
    swapped in since). The type and identity are checked on the open descriptor, so a file
    swapped after listing is caught too.

    Args:
        file: The path to open.
        rel: The path as the manifest shows it, for messages.
        inode: The inode number listing saw; another file under the path is refused.

    Raises:
        DocumentError: The path is a FIFO, socket, device, folder or symbolic link, or
            another file than the one listed.
        OSError: The file cannot be opened.
    """
    try:
        descriptor = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        # ELOOP: a link where listing saw none (or a loop of links, which stat reports as such).
        if error.errno == errno.ELOOP and _leads_somewhere(file):
            raise DocumentError(
                f"{rel} is a symbolic link that was not there when inputs were listed; refused"
            ) from None
        raise
    try:
        status = os.fstat(descriptor)
        mode = status.st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _FILE_TYPES if test(mode)), "a special file")
            raise DocumentError(f"{rel} is {kind}, not a regular file", ErrorCode.UNREADABLE_INPUT)
        if inode is not None and status.st_ino != inode:
            raise DocumentError(
                f"{rel} was replaced by another file after inputs were listed; refused", ErrorCode.UNREADABLE_INPUT
            )
        os.set_blocking(descriptor, True)
        return open(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _leads_somewhere(file: Path) -> bool:
    try:
        os.stat(file)
    except OSError:
        return False
    return True


def _sha256_of(ref: InputRef) -> str | None:
    """The sha256 of the input's bytes, or None when they cannot be read."""
    if ref.compression is not None or ref.record is not None:
        try:
            return hashlib.sha256(_read_packed(ref, sources.MAX_ARCHIVE_BYTES)).hexdigest()
        except DocumentError:
            return None
    try:
        with _open_regular(ref.file, ref.path, ref.inode) as handle:
            if ref.line is not None:
                handle.seek(ref.offset)
                return hashlib.sha256(handle.read(ref.length)).hexdigest()
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except (OSError, DocumentError):
        return None


def _walk_files(root: Path, listing: Listing) -> Iterator[tuple[str, Path, bool, int | None]]:
    """Yield each file under `root` as (path relative to it, path, whether it is a symbolic link, inode).

    Links to folders and unreadable folders become entries. Links to folders are not
    followed: a link loop must not hang the listing, and a link must not bring in a folder
    from outside the input. A folder's entries say what they are, so listing costs no call
    to the file system per plain file (listing was nearly a third of a no-change re-run).
    """
    folders = [""]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(root / folder) as scan:
                found = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            rel = printable_path(folder or ".")
            listing.entries.append(
                ListedEntry(None, rel, "failed", f"cannot list folder {rel}: {error.strerror or error}")
            )
            continue
        for entry in found:
            rel = f"{folder}/{entry.name}" if folder else entry.name
            try:
                is_link, is_folder = entry.is_symlink(), entry.is_dir()
            except OSError:  # vanished since the folder was read: reading it will say so
                is_link, is_folder = False, False
            if is_folder and is_link:
                reason = "symbolic link to a folder; links to folders are not followed"
                listing.entries.append(ListedEntry(None, printable_path(rel), "skipped", reason))
            elif is_folder:
                folders.append(rel)
            else:
                yield rel, Path(entry.path), is_link, _entry_inode(entry, is_link)


def _entry_inode(entry: os.DirEntry[str], is_link: bool) -> int | None:
    """A plain file's inode number as `stat` gives it (the folder entry's own number can differ
    on overlay file systems); None for a link, whose target is looked at when it is listed."""
    if is_link:
        return None
    try:
        return entry.stat(follow_symlinks=False).st_ino
    except OSError:
        return None


def _resolved(link: Path) -> Path:
    """Where a symbolic link leads, resolved once at listing so that reading follows no link."""
    return Path(os.path.realpath(link))


def _inode(entry_path: Path) -> int | None:
    """The inode number of a (resolved) path, or None when it cannot be read now (reading will say why)."""
    try:
        return os.stat(entry_path).st_ino
    except OSError:
        return None


def _is_within(file: Path, inside: str) -> bool:
    """Tell whether `file`, links resolved, lies under the real path `inside`."""
    target = os.path.realpath(file)
    return target == inside or target.startswith(inside.rstrip(os.sep) + os.sep)


def _would_read(rel: str) -> bool:
    """Tell whether the file is read at all: an input or a sidecar (other files are only listed)."""
    lower = rel.lower()
    return lower.endswith(SIDECAR_SUFFIX) or PurePosixPath(lower).suffix in INPUT_SUFFIXES


def _name_problem(rel: str) -> str | None:
    """Why a relative path cannot give a record id, or None when it can."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return "file name is not valid UTF-8; rename the file"
    return None


def _id_problem(record_id: str) -> str | None:
    """Why an id cannot name its file under output/docs/, or None when it can."""
    name_bytes = len(record_id.rsplit("/", 1)[-1].encode("utf-8"))
    if name_bytes > MAX_ID_NAME_BYTES:
        return f"id is too long to name a file: its last part is {name_bytes} bytes, at most {MAX_ID_NAME_BYTES} fit"
    return None


def _id_of(rel: str) -> str | None:
    name = sources.name_of(rel)
    return name.id if name.kind is not None or name.compression is not None else None


def _unique_refs(listing: Listing) -> list[InputRef]:
    """Keep the first ref of every id; fail duplicates and ids whose docs/ file cannot be written."""
    ids = {ref.id for ref in listing.refs}
    unique: list[InputRef] = []
    for ref in listing.refs:
        problem = _id_problem(ref.id)
        if problem is None and unique and unique[-1].id == ref.id:
            problem = f"duplicate id {ref.id!r}: {unique[-1].path} has it too"
        if problem is None:
            problem = _docs_collision(ref.id, ids)
        if problem is not None:
            listing.entries.append(ListedEntry(ref.id, ref.path, "failed", problem, _sha256_of(ref)))
            continue
        unique.append(ref)
    return unique


def _docs_collision(record_id: str, ids: set[str]) -> str | None:
    """Why `record_id`'s docs/ file would need a folder where another id's file is, or None."""
    parts = record_id.split("/")
    for end in range(1, len(parts)):
        folder = "/".join(parts[:end])
        if folder.endswith(".json") and folder[: -len(".json")] in ids:
            return f"id {record_id!r} would need docs/{folder}/ as a folder, but it is the file of id {folder[:-5]!r}"
    return None


def _list_file(
    file: Path,
    rel: str,
    names: set[str],
    inside: str,
    listing: Listing,
    options: _ListOptions,
    is_link: bool,
    inode: int | None,
) -> None:
    lower = rel.lower()
    if lower.endswith(SIDECAR_SUFFIX):
        stem = rel[: -len(SIDECAR_SUFFIX)]
        if not any(stem + suffix in names for suffix in INPUT_SUFFIXES):
            listing.entries.append(ListedEntry(None, rel, "skipped", "sidecar without an input file beside it"))
        return
    suffix = PurePosixPath(lower).suffix
    # A link is read where it leads now: reading later opens that path and follows no link.
    target = _resolved(file) if is_link else file
    if suffix not in _PLAIN_SUFFIXES:
        # WARC, compressed and unnamed formats: the content decides (pipeline.sources).
        kind = _list_by_content(target, rel, listing, options) if options.sniff else None
        if kind is None:
            reason = f"not a supported input type ({suffix or 'no extension'}; supported: .txt, .html, .htm, .jsonl, .warc, any of them as .gz or .zst, and HTML under any name)"
            listing.entries.append(ListedEntry(None, rel, "skipped", reason))
        return
    doc_id = rel[: -len(suffix)]
    if suffix == ".jsonl":
        _list_jsonl(target, rel, doc_id, listing, options)
    else:
        sidecar = _sidecar(file, inside)
        listing.refs.append(
            InputRef(
                id=doc_id,
                path=rel,
                file=target,
                sidecar=sidecar,
                inode=_inode(target) if is_link or inode is None else inode,
                sidecar_inode=None if sidecar is None else _inode(sidecar),
            )
        )


def _sidecar(file: Path, inside: str) -> Path | None:
    """The `NAME.meta.json` beside `file`, if there is one and it stays inside the input folder."""
    suffix = PurePosixPath(file.name).suffix
    sidecar = file.with_name(file.name[: -len(suffix)] + SIDECAR_SUFFIX)
    try:
        mode = os.lstat(sidecar).st_mode
    except OSError:  # none, or e.g. a name too long for the file system: then there is no such file
        return None
    if not stat.S_ISLNK(mode):
        return sidecar
    return _resolved(sidecar) if _is_within(sidecar, inside) else None


def _list_by_content(file: Path, rel: str, listing: Listing, options: _ListOptions) -> sources.SourceKind | None:
    """List a file whose name does not settle its format (see `pipeline.sources`).

    Returns:
        The format found (its documents or its failure are on `listing`), or None when the
        file is not a supported input.
    """
    name = sources.name_of(rel)
    try:
        with _open_regular(file, rel) as handle:
            status = os.fstat(handle.fileno())
            compression = sources.compression_by_magic(handle.read(len(sources.ZSTD_MAGIC))) or name.compression
            handle.seek(0)
            kind = name.kind or sources.sniff(sources.open_decompressed(handle, compression).read(sources.SNIFF_BYTES))
            if kind is None:
                return None
            handle.seek(0)
            if kind == "warc":
                members, whole, _ = sources.warc_members(handle, compression, status.st_size)
                if not members:
                    listing.entries.append(ListedEntry(None, rel, "skipped", "WARC file without HTML response records"))
                    return kind
            elif kind == "jsonl":
                stream = sources.open_decompressed(handle, compression)
                members = list(sources.jsonl_members(stream, options.id_field, options.max_line_bytes))
                whole = False
            else:
                listing.refs.append(
                    InputRef(id=name.id, path=rel, file=file, compression=compression, inode=status.st_ino)
                )
                return kind
    except DocumentError as error:
        listing.entries.append(ListedEntry(name.id, rel, "failed", str(error)))
        return name.kind or "text"
    except (*sources.DECOMPRESSION_ERRORS, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        listing.entries.append(ListedEntry(name.id, rel, "failed", f"cannot read {rel}: {reason}"))
        return name.kind or "text"
    for member in members:
        if member.problem is not None:
            listing.entries.append(
                ListedEntry(f"{name.id}:{member.line}", f"{rel}{member.where}", "failed", member.problem, member.sha256)
            )
            continue
        listing.refs.append(
            InputRef(
                id=f"{name.id}/{member.key}",
                path=f"{rel}{member.where}",
                file=file,
                line=member.line,
                offset=member.offset,
                length=member.length,
                inode=status.st_ino,
                record=member.record,
                compression=compression,
                members=whole and compression is not None,
            )
        )
    return kind


def _list_jsonl(file: Path, rel: str, file_id: str, listing: Listing, options: _ListOptions) -> None:
    try:
        handle = _open_regular(file, rel)
    except (OSError, DocumentError) as error:
        reason = str(error) if isinstance(error, DocumentError) else f"cannot read {rel}: {error.strerror or error}"
        listing.entries.append(ListedEntry(file_id, rel, "failed", reason))
        return
    with handle:
        inode = os.fstat(handle.fileno()).st_ino
        max_line_bytes = options.max_line_bytes
        for line in jsonl_lines(handle, max_line_bytes):
            where = f"{rel}:{line.number}"
            if line.data is None:
                too_long = f"line is {line.length} bytes, over the limit of {max_line_bytes}; not parsed"
                listing.entries.append(ListedEntry(f"{file_id}:{line.number}", where, "failed", too_long, line.sha256))
                continue
            if not line.data.strip():
                continue
            line_id, problem = sources.jsonl_line_id(line.data, line.number, options.id_field)
            if problem is not None:
                sha256 = hashlib.sha256(line.data).hexdigest()
                listing.entries.append(ListedEntry(f"{file_id}:{line.number}", where, "failed", problem, sha256))
                continue
            listing.refs.append(
                InputRef(
                    id=f"{file_id}/{line_id}",
                    path=where,
                    file=file,
                    line=line.number,
                    offset=line.offset,
                    length=line.length,
                    inode=inode,
                )
            )


def _read_sidecar_date(sidecar: Path, inode: int | None = None) -> str | None:
    try:
        with _open_regular(sidecar, sidecar.name, inode) as handle:
            data = handle.read(_MAX_SIDECAR_BYTES)
        too_big = json_limit_problem(data)
        if too_big is not None:
            raise DocumentError(f"sidecar {sidecar.name}: {too_big}", ErrorCode.BAD_SIDECAR)
        meta = json.loads(data)
    except (OSError, ValueError) as error:
        raise DocumentError(f"sidecar {sidecar.name} is not readable JSON: {error}", ErrorCode.BAD_SIDECAR) from error
    date = meta.get("date") if isinstance(meta, dict) else None
    if date is None:
        return None
    if not isinstance(date, str) or not _ISO_DAY.match(date):
        raise DocumentError(
            f'sidecar {sidecar.name}: "date" must be a string YYYY-MM-DD, not {date!r}', ErrorCode.BAD_SIDECAR
        )
    problem = known_date_problem(date)
    if problem is not None:
        raise DocumentError(f'sidecar {sidecar.name}: "date" {problem}', ErrorCode.BAD_SIDECAR)
    return date


def known_date_problem(day: str) -> str | None:
    """Why a YYYY-MM-DD a document is said to carry cannot anchor its dates, or None when it can.

    It must be a day of the calendar (not 2020-02-30) in a year a page can be from: dates
    are computed relative to it, and near year 9999 that arithmetic overflows.
    """
    try:
        parsed = datetime.date.fromisoformat(day)
    except ValueError:
        return f"{day!r} is not a day of the calendar"
    if not MIN_KNOWN_YEAR <= parsed.year <= MAX_KNOWN_YEAR:
        return f"{day!r} is outside the years {MIN_KNOWN_YEAR}-{MAX_KNOWN_YEAR}"
    return None
