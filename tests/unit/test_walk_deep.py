"""Folders nested deeper than Python's recursion limit are walked (os.walk
recursed once per level: a RecursionError traceback and nothing indexed)."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from paths import SEED_FILES
from rsearch.indexer.pipeline import iter_files
from rsearch.indexer.walk import walk

DEPTH = 1_100


@pytest.fixture
def deep(tmp_path):
    """A folder DEPTH levels down, removed after (shutil.rmtree, and pytest's
    own clean-up of old temporary folders, recurse too)."""
    levels = [tmp_path]
    for _ in range(DEPTH):  # os.makedirs recurses too
        levels.append(levels[-1] / "d")
        levels[-1].mkdir()
    yield levels[-1]
    for level in reversed(levels[1:]):
        for f in level.iterdir():
            if f.is_file():
                f.unlink()
        level.rmdir()


def test_a_folder_deeper_than_the_recursion_limit_is_walked(tmp_path, deep):
    assert DEPTH > sys.getrecursionlimit()
    shutil.copy(SEED_FILES[0], deep / "deep.txt")
    shutil.copy(SEED_FILES[1], tmp_path / "top.txt")
    found = walk([tmp_path])
    assert not found.errors
    assert sorted(p.name for p, _ in found.files) == ["deep.txt", "top.txt"]
    assert len(found.dirs) == 1
    assert sorted(p.name for p in iter_files([tmp_path])) == ["deep.txt", "top.txt"]


def test_a_folder_too_deep_to_open_is_one_error(tmp_path):
    """Deeper than the file system's path limit (PATH_MAX): one error line
    for that folder; the files above it are read."""
    here = os.getcwd()
    try:
        os.chdir(tmp_path)
        for _ in range(30):  # 30 x 200 characters: past PATH_MAX (4096) on Linux
            os.mkdir("x" * 200)
            os.chdir("x" * 200)
    finally:
        os.chdir(here)
    try:
        _test_too_deep(tmp_path)
    finally:
        os.chdir(tmp_path)  # remove it the way it was made: relative paths stay short
        for _ in range(30):
            os.chdir("x" * 200)
        for _ in range(30):
            os.chdir("..")
            os.rmdir("x" * 200)
        os.chdir(here)


def _test_too_deep(tmp_path):
    shutil.copy(SEED_FILES[0], tmp_path / "top.txt")
    found = walk([tmp_path])
    assert [p.name for p, _ in found.files] == ["top.txt"]
    assert len(found.errors) == 1 and "cannot list folder" in found.errors[0]["error"]
