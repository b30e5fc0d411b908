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
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pipeline.errors import DocumentError, ErrorCode, PipelineError

INPUT_SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
SIDECAR_SUFFIX = ".meta.json"
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A JSONL line id becomes part of a path under output/docs/: keep it to one safe segment.
_SAFE_LINE_ID = re.compile(r"^[^/\\\x00-\x1f]{1,200}$")
# The last part of an id names docs/<part>.json and the writer's temporary ".<part>.json.<pid>.tmp";
# both must fit in the 255 bytes most file systems allow for one name.
MAX_ID_NAME_BYTES = 200
# A sidecar holds one date; more than this is not a sidecar (and must not be read whole).
_MAX_SIDECAR_BYTES = 65_536
_FILE_TYPES = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISDIR, "a folder"),
)


@dataclass(frozen=True)
class InputRef:
    """Where one document comes from; `line` and `offset` are set for JSONL documents."""

    id: str
    path: str
    file: Path
    line: int | None = None
    offset: int = 0
    length: int = -1
    # The `NAME.meta.json` beside the file, decided at listing (never one that leaves the input folder).
    sidecar: Path | None = None


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


def list_inputs(roots: Sequence[Path]) -> Listing:
    """List every input under `roots` (folders or single files), sorted by record id.

    Args:
        roots: Input folders or files. A folder's files get ids relative to that folder.

    Returns:
        The documents to process (ids unique) and the entries already decided: files of
        an unsupported type and links to folders (`skipped`); unreadable JSONL files and
        folders, bad JSONL lines, links that leave the input folder, names that cannot name
        an output file, and duplicate ids (`failed`).

    Raises:
        PipelineError: A root does not exist.
    """
    listing = Listing()
    for root in roots:
        if not root.exists():
            raise PipelineError(ErrorCode.INPUT_MISSING, f"input {str(root)!r} does not exist")
        if root.is_dir():
            files = sorted(_walk_files(root, listing))
            base = root
        else:
            # A file named as the input is read wherever its link leads.
            files, base = [(root.name, root, False)], root.parent
        names = {rel for rel, _, _ in files}
        inside = os.path.realpath(base)
        for rel, file, is_link in files:
            problem = _name_problem(rel)
            if problem is not None:
                listing.entries.append(ListedEntry(None, printable_path(rel), "failed", problem))
            elif is_link and _would_read(rel) and not _is_within(file, inside):
                # Following it would read (and copy into the output) a file the input folder does not hold.
                message = "symbolic link to a file outside the input folder; refused"
                listing.entries.append(ListedEntry(_id_of(rel), rel, "failed", message))
            else:
                _list_file(file, rel, names, inside, listing)
    listing.refs.sort(key=lambda ref: (ref.id, ref.path, ref.line or 0))
    listing.refs = _unique_refs(listing)
    return listing


def read_input(ref: InputRef, max_bytes: int) -> RawInput:
    """Read the bytes of one document, and its sidecar date if it has one.

    Raises:
        DocumentError: The file cannot be read, is not a regular file, is too large, or its
            sidecar is invalid.
    """
    try:
        with _open_regular(ref.file, ref.path) as handle:
            size = os.fstat(handle.fileno()).st_size if ref.line is None else ref.length
            if size > max_bytes:
                message = f"file is {size} bytes, over the limit of {max_bytes} (load.max_bytes)"
                raise DocumentError(message, ErrorCode.INPUT_TOO_LARGE)
            handle.seek(ref.offset)
            # One byte past the limit tells a file that grew (or lied about its size) from one that fits.
            data = handle.read(max_bytes + 1 if ref.line is None else ref.length)
    except OSError as error:
        raise DocumentError(f"cannot read {ref.path}: {error.strerror or error}", ErrorCode.UNREADABLE_INPUT) from error
    if len(data) > max_bytes:
        raise DocumentError(f"file is over the limit of {max_bytes} bytes (load.max_bytes)", ErrorCode.INPUT_TOO_LARGE)
    sidecar_date = _read_sidecar_date(ref.sidecar) if ref.sidecar is not None else None
    return RawInput(ref=ref, data=data, sha256=hashlib.sha256(data).hexdigest(), sidecar_date=sidecar_date)


def printable_path(rel: str) -> str:
    """A relative path fit for the manifest: bytes that are not UTF-8 are shown as `\\xNN`."""
    return os.fsencode(rel).decode("utf-8", "backslashreplace")


def _open_regular(file: Path, rel: str) -> io.BufferedReader:
    """Open `file` for reading only if it is a regular file.

    The open does not block (a FIFO without a writer would wait forever), and the type is
    checked on the open descriptor, so a file swapped after listing is caught too.

    Raises:
        DocumentError: The path is a FIFO, socket, device or folder.
        OSError: The file cannot be opened.
    """
    descriptor = os.open(file, os.O_RDONLY | os.O_NONBLOCK)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _FILE_TYPES if test(mode)), "a special file")
            raise DocumentError(f"{rel} is {kind}, not a regular file", ErrorCode.UNREADABLE_INPUT)
        os.set_blocking(descriptor, True)
        return open(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _sha256_of(ref: InputRef) -> str | None:
    """The sha256 of the input's bytes, or None when they cannot be read."""
    try:
        with _open_regular(ref.file, ref.path) as handle:
            if ref.line is not None:
                handle.seek(ref.offset)
                return hashlib.sha256(handle.read(ref.length)).hexdigest()
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except (OSError, DocumentError):
        return None


def _walk_files(root: Path, listing: Listing) -> Iterator[tuple[str, Path, bool]]:
    """Yield each file under `root` as (path relative to it, path, whether it is a symbolic link).

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
                yield rel, Path(entry.path), is_link


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
    suffix = PurePosixPath(rel.lower()).suffix
    return rel[: -len(suffix)] if suffix in INPUT_SUFFIXES else None


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


def _list_file(file: Path, rel: str, names: set[str], inside: str, listing: Listing) -> None:
    lower = rel.lower()
    if lower.endswith(SIDECAR_SUFFIX):
        stem = rel[: -len(SIDECAR_SUFFIX)]
        if not any(stem + suffix in names for suffix in INPUT_SUFFIXES):
            listing.entries.append(ListedEntry(None, rel, "skipped", "sidecar without an input file beside it"))
        return
    suffix = PurePosixPath(lower).suffix
    if suffix not in INPUT_SUFFIXES:
        reason = f"not a supported input type ({suffix or 'no extension'}; supported: {', '.join(INPUT_SUFFIXES)})"
        listing.entries.append(ListedEntry(None, rel, "skipped", reason))
        return
    doc_id = rel[: -len(suffix)]
    if suffix == ".jsonl":
        _list_jsonl(file, rel, doc_id, listing)
    else:
        listing.refs.append(InputRef(id=doc_id, path=rel, file=file, sidecar=_sidecar(file, inside)))


def _sidecar(file: Path, inside: str) -> Path | None:
    """The `NAME.meta.json` beside `file`, if there is one and it stays inside the input folder."""
    suffix = PurePosixPath(file.name).suffix
    sidecar = file.with_name(file.name[: -len(suffix)] + SIDECAR_SUFFIX)
    try:
        mode = os.lstat(sidecar).st_mode
    except OSError:  # none, or e.g. a name too long for the file system: then there is no such file
        return None
    return sidecar if not stat.S_ISLNK(mode) or _is_within(sidecar, inside) else None


def _list_jsonl(file: Path, rel: str, file_id: str, listing: Listing) -> None:
    try:
        handle = _open_regular(file, rel)
    except (OSError, DocumentError) as error:
        reason = str(error) if isinstance(error, DocumentError) else f"cannot read {rel}: {error.strerror or error}"
        listing.entries.append(ListedEntry(file_id, rel, "failed", reason))
        return
    with handle:
        offset = 0
        for number, line in enumerate(handle, start=1):
            start, offset = offset, offset + len(line)
            if not line.strip():
                continue
            where = f"{rel}:{number}"
            line_id, problem = _jsonl_line_id(line)
            if problem is not None:
                listing.entries.append(
                    ListedEntry(f"{file_id}:{number}", where, "failed", problem, hashlib.sha256(line).hexdigest())
                )
                continue
            listing.refs.append(
                InputRef(id=f"{file_id}/{line_id}", path=where, file=file, line=number, offset=start, length=len(line))
            )


def _jsonl_line_id(line: bytes) -> tuple[str, str | None]:
    try:
        item = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return "", f"not a JSON object: {error}"
    if not isinstance(item, dict):
        return "", "not a JSON object"
    raw_id = item.get("id")
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        raw_id = str(raw_id)
    if not isinstance(raw_id, str) or not raw_id.strip():
        return "", "missing 'id' (a non-empty string)"
    if not _SAFE_LINE_ID.match(raw_id) or raw_id in (".", ".."):
        return "", f"id {raw_id!r} cannot name a file: no '/', '\\', control characters, '.' or '..'"
    return raw_id, None


def _read_sidecar_date(sidecar: Path) -> str | None:
    try:
        with _open_regular(sidecar, sidecar.name) as handle:
            meta = json.loads(handle.read(_MAX_SIDECAR_BYTES))
    except (OSError, ValueError) as error:
        raise DocumentError(f"sidecar {sidecar.name} is not readable JSON: {error}", ErrorCode.BAD_SIDECAR) from error
    date = meta.get("date") if isinstance(meta, dict) else None
    if date is None:
        return None
    if not isinstance(date, str) or not _ISO_DAY.match(date):
        message = f'sidecar {sidecar.name}: "date" must be a string YYYY-MM-DD, not {date!r}'
        raise DocumentError(message, ErrorCode.BAD_SIDECAR)
    return date
