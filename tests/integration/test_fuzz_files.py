"""Fuzzed and hostile files through the real ``rsearch index``: one bad file
never stops a run.

Mutants of real .docx, .pdf, .html and .txt files (bits flipped, cut short,
zip members swapped or replaced, XML cut in the middle) and hand-made
hostile ones (an XML bomb and a decompression bomb in a .docx, an encrypted
PDF) sit among good files. The run must print no traceback, name every
file it could not read in one line, and index every good file and every
mutant it could read. The counts are printed (they show in CI's output).
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from paths import REPORTS, SEED_FILES

SEED = 20  # the mutants are the same on every run
PER_FORMAT = 12
ORIGINALS = {
    ".docx": REPORTS / "fmt_feature.docx",
    ".pdf": REPORTS / "fmt_work_report.pdf",
    ".html": REPORTS / "fmt_notice.html",
    ".txt": REPORTS / "02_feature_tongxun.txt",
}


def flip_bits(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        at = rng.randrange(len(out))
        out[at] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def _rezip(data: bytes, change) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        members = {info.filename: zin.read(info) for info in zin.infolist()}
    change(members)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, body in members.items():
            zout.writestr(name, body)
    return out.getvalue()


def swap_members(data: bytes, rng: random.Random) -> bytes:
    def change(members):
        a, b = rng.sample(sorted(members), 2)
        members[a], members[b] = members[b], members[a]
    return _rezip(data, change)


def cut_xml(data: bytes, rng: random.Random) -> bytes:
    def change(members):
        body = members["word/document.xml"]
        members["word/document.xml"] = body[: rng.randrange(1, len(body))]
    return _rezip(data, change)


def drop_member(data: bytes, rng: random.Random) -> bytes:
    def change(members):
        del members[rng.choice(sorted(members))]
    return _rezip(data, change)


MUTATIONS = {
    ".docx": [flip_bits, truncate, swap_members, cut_xml, drop_member],
    ".pdf": [flip_bits, truncate],
    ".html": [flip_bits, truncate],
    ".txt": [flip_bits, truncate],
}


def billion_laughs(original: bytes) -> bytes:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))

    def change(members):
        body = members["word/document.xml"].decode("utf-8")
        body = body.split("?>", 1)[-1].replace("<w:t>", "<w:t>&l9;", 1)
        members["word/document.xml"] = f'<?xml version="1.0"?><!DOCTYPE d [{entities}]>{body}'.encode()
    return _rezip(original, change)


def decompression_bomb(original: bytes) -> bytes:
    def change(members):
        body = members["word/document.xml"]
        at = body.index(b"<w:body>") + len(b"<w:body>")
        para = "<w:p><w:r><w:t>党史学习教育</w:t></w:r></w:p>".encode() * 1000
        members["word/document.xml"] = body[:at] + para * (40 * 2**20 // len(para)) + body[at:]
    return _rezip(original, change)


def encrypted_pdf(path: Path) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.drawString(100, 700, "an encrypted report")
    c.save()


def write_corpus(folder: Path) -> tuple[list[Path], list[Path]]:
    rng = random.Random(SEED)
    good = []
    for seed in SEED_FILES[:6]:
        good.append(folder / f"good_{seed.name}")
        shutil.copy(seed, good[-1])
    for name in ("fmt_work_report.docx", "fmt_two_column.pdf", "fmt_traditional.html"):
        good.append(folder / f"good_{name}")
        shutil.copy(REPORTS / name, good[-1])
    mutants = []
    for suffix, original in ORIGINALS.items():
        data = original.read_bytes()
        for n in range(PER_FORMAT):
            mutate = MUTATIONS[suffix][n % len(MUTATIONS[suffix])]
            path = folder / f"mut_{suffix[1:]}_{n:02d}_{mutate.__name__}{suffix}"
            path.write_bytes(mutate(data, rng))
            mutants.append(path)
    docx = ORIGINALS[".docx"].read_bytes()
    for name, data in (("bomb_laughs.docx", billion_laughs(docx)), ("bomb_inflates.docx", decompression_bomb(docx))):
        (folder / name).write_bytes(data)
        mutants.append(folder / name)
    encrypted_pdf(folder / "encrypted.pdf")
    mutants.append(folder / "encrypted.pdf")
    return good, mutants


def test_fuzzed_files_never_stop_a_run(tmp_path, es, es_url, index_name, capsys):
    folder = tmp_path / "fuzz"
    folder.mkdir()
    good, mutants = write_corpus(folder)
    env = {**os.environ, "RSEARCH_ES_URL": es_url, "RSEARCH_INDEX": index_name,
           "RSEARCH_MAX_MARKUP_MB": "20", "RSEARCH_FILE_SECONDS": "120"}
    run = subprocess.run([sys.executable, "-m", "rsearch.cli", "index", str(folder), "--json"],
                         capture_output=True, text=True, env=env, timeout=900)
    assert "Traceback" not in run.stderr + run.stdout, run.stderr[-3000:]
    assert run.returncode in (0, 1), run.stderr[-3000:]
    summary = json.loads(run.stdout)
    errors = {Path(e["path"]).name: e["error"] for e in summary["errors"]}
    assert summary["failed"] == 0
    assert all(e and "\n" not in e for e in errors.values())
    assert run.returncode == (1 if errors else 0)

    es.indices.refresh(index=index_name)
    held = es.search(index=index_name, size=0, aggs={"files": {"terms": {"field": "source_path", "size": 1000}}})
    indexed = {Path(b["key"]).name for b in held["aggregations"]["files"]["buckets"]}
    assert {p.name for p in good} <= indexed, "a good file was not indexed"
    assert not {p.name for p in good} & set(errors)
    for mutant in mutants:
        assert (mutant.name in indexed) != (mutant.name in errors), mutant.name
    for name in ("bomb_laughs.docx", "bomb_inflates.docx", "encrypted.pdf"):
        assert name in errors
    assert "RSEARCH_MAX_MARKUP_MB" in errors["bomb_inflates.docx"]
    assert "password" in errors["encrypted.pdf"]

    by_format: dict[str, list[int]] = {}
    for mutant in mutants:
        counts = by_format.setdefault(mutant.suffix, [0, 0])
        counts[mutant.name in errors] += 1
    with capsys.disabled():
        print(f"\nfuzz: {len(mutants)} mutated or hostile files ("
              + ", ".join(f"{s} {a + b}: {a} read, {b} unreadable" for s, (a, b) in sorted(by_format.items()))
              + f"); {len(good)} good files all indexed; 0 tracebacks; exit {run.returncode}")
