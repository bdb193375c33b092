"""What one file costs in memory does not grow with its size: a large text
file is read, recovered and analysed a piece at a time (the benchmark with
real sizes, 1 to 200 MB and a sparse 40 GB file: bench/bench_memory.py).

Here with pieces of 32 KB, so that a file of 32 pieces stays quick: its
worker's peak must be about that of a file of one piece, where reading it
whole (as before pieces) cost about 37 MB per MB of text.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from paths import SEED_FILES

PROBE = textwrap.dedent("""
    import resource, sys
    from pathlib import Path
    from rsearch.indexer import reader, pipeline
    reader.PIECE_BYTES = pipeline.PIECE_BYTES = 32 * 1024
    from rsearch.indexer.boundary import prepare
    from rsearch.indexer.pipeline import Piece
    path, small = Path(sys.argv[1]), Path(sys.argv[2])
    prepare((small, str(small), frozenset(), Piece()))  # warm: the segmenter and the dictionary
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    piece, pieces, chunks = Piece(), 0, 0
    while piece is not None:
        done = prepare((path, str(path), frozenset(), piece))
        assert done.error is None, done.error
        chunks += len(done.chunks)
        pieces += 1
        piece = done.following
    print(pieces, chunks, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) // 1024)
""")


def _growth(path, small) -> tuple[int, int, int]:
    out = subprocess.run([sys.executable, "-c", PROBE, str(path), str(small)], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr
    pieces, chunks, grown_mb = map(int, out.stdout.split())
    return pieces, chunks, grown_mb


def test_memory_does_not_grow_with_the_file(tmp_path):
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in SEED_FILES) + "\n\n"
    small = tmp_path / "small.txt"
    small.write_text(text[: 20_000], encoding="utf-8")
    large = tmp_path / "large.txt"
    with large.open("w", encoding="utf-8") as fh:
        while fh.tell() < 2**20:
            fh.write(text)
    pieces, chunks, grown = _growth(large, small)
    assert pieces >= 30 and chunks > 1000
    # One MB read whole grew the process by about 35 MB; a piece at a time, by
    # what one piece needs (a few MB), whatever the number of pieces.
    assert grown < 15, f"{grown} MB more for 1 MB of text in {pieces} pieces"
