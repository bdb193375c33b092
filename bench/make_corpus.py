"""Generate a corpus of report-shaped files for the parsing benchmark.

    python bench/make_corpus.py [OUT_DIR] [--mb 50] [--seed 1]

OUT_DIR defaults to bench/out/corpus (git-ignored). Sources: the seed reports
in seeds/ and the CMRC 2018 passages in ``<shared>/bench/cmrc2018/*.json``
(``data[].paragraphs[].context``), where ``<shared>`` is ``RSEARCH_SHARED``
or ``../shared`` next to the repository.

Passages are cut into sentences and recombined into files in the four layouts
of the seeds, so the parser does real work on every file:

* markdown: ``# title``, subtitle, ``## `` sections, caption runs in gaps,
  ``X/文 Y/图`` byline, a paragraph broken by a blank line;
* column: text wrapped at 11-15 characters, two-line headings (some directly
  followed by text), kicker/title/subtitle block at the end, ▶ ledes, byline
  and captions after it;
* plain: title, ``——`` subtitle, byline, spaced two-phrase headings, captions
  in gaps, a repeated paragraph;
* briefs: a main article plus ``## heading`` / ``本报讯`` briefs, each with
  its own two-line byline.

One file in twenty is written in GB18030 (the legacy path of the reader) and
every fiftieth file is a seed copied verbatim. Output is deterministic for a
given seed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰新海波宁辉晓"
_SENTENCE = re.compile(r"[^。！？]*[。！？]+[”’」）]*")
_CLAUSE = re.compile(r"[\u4e00-\u9fff]{4,9}")


def shared_dir() -> Path:
    return Path(os.environ.get("RSEARCH_SHARED") or REPO / ".." / "shared")


def load_passages() -> list[str]:
    passages = []
    for path in sorted((shared_dir() / "bench" / "cmrc2018").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for article in data["data"]:
            for paragraph in article["paragraphs"]:
                context = " ".join(paragraph["context"].split())
                if len(context) > 80:
                    passages.append(context)
    if not passages:
        raise SystemExit(f"no CMRC passages under {shared_dir() / 'bench' / 'cmrc2018'}")
    return passages


class Maker:
    def __init__(self, passages: list[str], rng: random.Random) -> None:
        self.rng = rng
        self.passages = passages
        self.sentences = [s for p in passages for s in _SENTENCE.findall(p) if 8 <= len(s) <= 200]
        self.phrases = [m for p in passages for m in _CLAUSE.findall(p)]

    # -- pieces --------------------------------------------------------------
    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))

    def phrase(self, lo: int = 4, hi: int = 9) -> str:
        while True:
            p = self.rng.choice(self.phrases)
            if lo <= len(p) <= hi:
                return p

    def headline(self) -> str:
        return f"{self.phrase()} {self.phrase()}"

    def caption(self) -> str:
        return self.phrase(6, 9) + self.phrase(4, 8)

    def paragraph(self) -> str:
        n = self.rng.choice((1, 2, 3, 3, 4, 5, 8))
        return "".join(self.rng.choice(self.sentences) for _ in range(n))

    def broken(self, paragraph: str) -> list[str]:
        """A paragraph, sometimes broken mid-sentence by a blank line."""
        if len(paragraph) > 40 and self.rng.random() < 0.15:
            cut = self.rng.randrange(10, len(paragraph) - 10)
            if paragraph[cut - 1] not in "。！？”":
                return [paragraph[:cut], "", paragraph[cut:]]
        return [paragraph]

    def byline(self) -> str:
        return self.rng.choice(
            (
                f"本报记者 {self.name()}",
                f"记者 {self.name()} 通讯员 {self.name()} {self.name()}",
                f"{self.name()}/文 {self.name()}/图",
                f"本报记者 {self.name()} 通讯员 {self.name()} 文/图",
            )
        )

    def captions(self, k: int) -> list[str]:
        out: list[str] = []
        for _ in range(k):
            out += ["", "", "", self.caption()]
        return out + [""]

    # -- layouts ------------------------------------------------------------------
    def markdown(self) -> str:
        lines = ["", "", self.caption(), "", f"# {self.headline()}", "", self.phrase(8, 9) + self.phrase(6, 9), ""]
        for s in range(self.rng.randint(2, 4)):
            lines += [f"## {s + 1} {self.headline()}", ""]
            for _ in range(self.rng.randint(3, 8)):
                lines += self.broken(self.paragraph()) + [""]
            if self.rng.random() < 0.5:
                lines += self.captions(self.rng.randint(1, 4))
        lines += [self.byline()] + self.captions(1)
        return "\n".join(lines)

    def column(self) -> str:
        width = self.rng.randint(11, 15)
        lines: list[str] = []
        for s in range(self.rng.randint(2, 4)):
            a, b = self.phrase(5, 7), self.phrase(6, 9)
            lines += [f"{a}，{b[:3]}", b[3:] + self.phrase(4, 5)]
            if s == 0 or self.rng.random() < 0.5:
                lines.append("")
            for _ in range(self.rng.randint(3, 8)):
                lines += self.wrap(self.paragraph(), width) + [""]
        lines += [self.phrase(6, 9) + "：", "", self.phrase(4, 5) + "、" + self.phrase(4, 5), self.phrase(8, 9) + self.phrase(4, 5), ""]
        for _ in range(2):
            lines += self.wrap("▶" + self.paragraph(), 24, indent=0)
        lines += ["", f"□东方今报·猛犸新闻记者 {self.name()}通讯员 {self.name()}/文图", ""]
        for _ in range(self.rng.randint(1, 3)):
            lines += [self.caption(), ""]
        return "\n".join(lines)

    def wrap(self, text: str, width: int, indent: int = 2) -> list[str]:
        out, pos, first = [], 0, True
        while pos < len(text):
            size = width - indent if first else width
            out.append(text[pos : pos + size])
            pos += size
            first = False
            if pos < len(text) and self.rng.random() < 0.03:
                out.append("")  # a column break: a blank line inside a sentence
        return out

    def plain(self) -> str:
        lines = ["", "", "", self.headline(), "", "——" + self.phrase(8, 9) + self.phrase(5, 8), "", self.byline(), ""]
        lines += [self.paragraph(), ""] + self.captions(1)
        repeated = self.paragraph()
        for _ in range(self.rng.randint(2, 5)):
            lines += [self.headline(), ""]
            for _ in range(self.rng.randint(3, 8)):
                lines += self.broken(self.paragraph()) + [""]
            if self.rng.random() < 0.3:
                lines += [repeated, ""]
            if self.rng.random() < 0.5:
                lines += self.captions(self.rng.randint(1, 2))
        lines += [self.byline()] + self.captions(1)
        return "\n".join(lines)

    def briefs(self) -> str:
        lines = ["", f"# {self.headline()} {self.headline()}", "", self.paragraph() + f"记者 {self.name()} 通讯员 {self.name()}", ""]
        for _ in range(self.rng.randint(2, 4)):
            lines += [f"## {self.headline()}", ""]
            for _ in range(self.rng.randint(2, 5)):
                lines += self.broken(self.paragraph()) + [""]
        for _ in range(self.rng.randint(1, 3)):
            lines += [f"## {self.headline()}", "", "本报讯 " + self.paragraph(), ""]
            for _ in range(self.rng.randint(1, 4)):
                lines += [self.paragraph(), ""]
            lines += [f"记者 {self.name()}  ", f"通讯员 {self.name()} {self.name()}", ""]
        return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default=str(REPO / "bench" / "out" / "corpus"))
    parser.add_argument("--mb", type=float, default=50.0, help="corpus size in MB (default 50)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    rng = random.Random(args.seed)
    maker = Maker(load_passages(), rng)
    seeds = sorted((REPO / "seeds").glob("*.txt"))
    layouts = (maker.markdown, maker.column, maker.plain, maker.briefs)
    target = int(args.mb * 1024 * 1024)
    total = n = 0
    while total < target:
        if n % 50 == 49:
            data = seeds[(n // 50) % len(seeds)].read_bytes()
        else:
            text = layouts[n % len(layouts)]()
            data = text.encode("gb18030" if n % 20 == 7 else "utf-8")
        path = out / f"{n:06d}_{layouts[n % len(layouts)].__name__}.txt"
        path.write_bytes(data)
        total += len(data)
        n += 1
    print(f"{n} files, {total / 1024 / 1024:.1f} MB in {out}")


if __name__ == "__main__":
    main()
