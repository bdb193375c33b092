"""Which files a run reads, and what it leaves out and why.

``walk(paths)`` expands the command-line paths into the files to read, each
with the name stored with its chunks (``source_key``), and accounts for
everything else it met:

* ``skipped``: files it does not read, with the reason (a type the indexer
  has no reader for, no extension, a FIFO/socket/device, a broken or looping
  symbolic link, a symbolic link to a directory, which is not followed).
  Special files are classified from ``lstat``/``stat`` and never opened, so a
  FIFO cannot hang the run.
* ``errors``: paths that hold data it could not get at (a missing path, a
  folder it cannot list, a file name that is not UTF-8): the run fails
  (exit 1) and nothing under them is pruned or replaced.
* ``unreadable_dirs``: the keys of folders it could not list; the index's
  chunks under them are kept, since their files may well still exist.

A path given twice (or a file inside a folder also given) is read once.
Hidden files and folders (``.git``) are left out without a word. Folders are
walked with a stack, not recursion (``os.walk`` recurses once per level and
fails at about a thousand): any depth the file system allows is walked.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from rsearch.indexer.pipeline import SUFFIXES

_KINDS = [
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
]


def shown(path: str | os.PathLike) -> str:
    """A path as text that can be printed and sent as JSON: bytes that are
    not UTF-8 (kept by Python as lone surrogates) are shown as ``\\xff``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def source_key(path: str | os.PathLike) -> str:
    """The name stored with a file's chunks: its absolute path *under the
    folder indexed*. The folders on the way are resolved (a folder reached
    through a symbolic link has one name), the file's own name is not: a
    symbolic link to a file elsewhere is stored under the link's name, so
    removing the link prunes its chunks like removing a file."""
    path = Path(os.path.abspath(path))
    return str(Path(os.path.realpath(path.parent)) / path.name)


def _key_of_dir(path: str | os.PathLike) -> str:
    return os.path.realpath(path)


@dataclass
class Walk:
    files: list[tuple[Path, str]] = field(default_factory=list)  # (path, source key)
    skipped: list[dict] = field(default_factory=list)  # {"path", "reason"}
    errors: list[dict] = field(default_factory=list)  # {"path", "error"}
    dirs: list[str] = field(default_factory=list)  # keys of the folders walked
    unreadable_dirs: list[str] = field(default_factory=list)


def _special(mode: int) -> str | None:
    for test, name in _KINDS:
        if test(mode):
            return name
    return None


def _not_utf8(name: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in name)


class _Walker:
    def __init__(self) -> None:
        self.out = Walk()
        self.seen: set[str] = set()

    def add_file(self, path: Path, *, explicit: bool) -> None:
        """One file name met: read it, skip it (with the reason) or fail it."""
        if _not_utf8(os.fspath(path)):
            self.out.errors.append({"path": shown(path), "error": (
                "file name is not valid UTF-8: rename it (e.g. with convmv) to index it")})
            return
        try:
            link = os.lstat(path)
        except FileNotFoundError:
            self.out.errors.append({"path": str(path), "error": "no such file or directory"})
            return
        except OSError as exc:
            self.out.errors.append({"path": str(path), "error": f"cannot read ({exc.strerror or exc})"})
            return
        mode = link.st_mode
        if stat.S_ISLNK(mode):
            try:
                mode = os.stat(path).st_mode
            except OSError as exc:
                reason = ("symbolic link loop" if exc.errno == errno.ELOOP
                          else "broken symbolic link (its target is missing)" if exc.errno == errno.ENOENT
                          else f"symbolic link not followed ({exc.strerror or exc})")
                self.out.skipped.append({"path": str(path), "reason": reason})
                return
            if stat.S_ISDIR(mode):
                self.out.skipped.append({"path": str(path), "reason": "symbolic link to a folder (not followed)"})
                return
        kind = _special(mode)
        if kind:
            self.out.skipped.append({"path": str(path), "reason": f"not a regular file: {kind}"})
            return
        if not explicit:
            suffix = path.suffix.lower()
            if suffix not in SUFFIXES:
                reason = (f"no reader for {suffix} files" if suffix
                          else "no extension (name the file on the command line to read it as text)")
                self.out.skipped.append({"path": str(path), "reason": reason})
                return
        key = source_key(path)
        if key in self.seen:
            return
        self.seen.add(key)
        self.out.files.append((path, key))

    def add_dir(self, root: Path) -> None:
        key = _key_of_dir(root)
        if key in self.out.dirs:
            return
        self.out.dirs.append(key)

        def failed(exc: OSError) -> None:
            where = exc.filename if exc.filename is not None else root
            self.out.errors.append({"path": shown(where), "error": (
                f"cannot list folder ({exc.strerror or exc}): its files were not read and "
                "their chunks are kept")})
            self.out.unreadable_dirs.append(_key_of_dir(where))

        found: list[Path] = []
        for here, dirs, files in walk_tree(root, onerror=failed):
            for d in list(dirs):
                full = Path(here, d)
                if d.startswith("."):
                    dirs.remove(d)
                elif _not_utf8(d):
                    dirs.remove(d)
                    self.out.errors.append({"path": shown(full), "error": (
                        "folder name is not valid UTF-8: its files were not read; rename it to index them")})
                    self.out.unreadable_dirs.append(_key_of_dir(full))
                elif os.path.islink(full):
                    dirs.remove(d)
                    found.append(full)  # classified (and skipped) by add_file
            dirs.sort()
            found += [Path(here, f) for f in files if not f.startswith(".")]
        for path in sorted(found, key=os.fsencode):
            self.add_file(path, explicit=False)


def walk_tree(root, onerror=None):
    """``os.walk(root)`` (top-down: prune ``dirs`` in place), without recursion."""
    stack = [os.fspath(root)]
    while stack:
        here = stack.pop()
        try:
            with os.scandir(here) as entries:
                dirs, files = [], []
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    (dirs if is_dir else files).append(entry.name)
        except OSError as exc:
            if onerror is not None:
                onerror(exc)
            continue
        yield here, dirs, files
        below = (os.path.join(here, d) for d in reversed(dirs))
        stack.extend(d for d in below if not os.path.islink(d))  # as os.walk: links not followed


def walk(paths: list[str | os.PathLike]) -> Walk:
    """Expand command-line paths (files and folders) into a Walk."""
    walker = _Walker()
    for raw in paths:
        path = Path(raw)
        if _not_utf8(os.fspath(path)):
            walker.out.errors.append({"path": shown(path), "error": (
                "path is not valid UTF-8: rename it (e.g. with convmv) to index it")})
        elif os.path.isdir(path):
            walker.add_dir(path)
        elif os.path.lexists(path):
            walker.add_file(path, explicit=True)
        else:
            walker.out.errors.append({"path": shown(path), "error": "no such file or directory"})
    return walker.out
