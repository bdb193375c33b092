"""The integration tests' default corpus, indexed once per session.

``alias`` is the seeds, one report in traditional script and every readable
format file of tests/reports; ``chunks`` is every chunk of it. A module that
needs other material defines its own ``alias`` (pytest prefers the module's).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import opencc
import pytest

from indexed import all_chunks, new_alias
from paths import READABLE_FORMATS, REPORTS, SEED_FILES

TRADITIONAL_REPORT = ("台北市举办党史学习教育座谈会\n\n"
                      "本报记者 林志明\n\n"
                      "台北市近日举办党史学习教育座谈会，与会人员围绕“我为群众办实事”交流心得体会。"
                      "大家表示，要把学习成果转化为推动工作的实际行动。\n")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("reports")
    for seed in SEED_FILES:
        shutil.copy(seed, d / seed.name)
    (d / "traditional.txt").write_text(opencc.OpenCC("s2t").convert(TRADITIONAL_REPORT), encoding="utf-8")
    for name in READABLE_FORMATS:
        shutil.copy(REPORTS / name, d / name)
    return d


@pytest.fixture(scope="session")
def alias(es, corpus):
    yield from new_alias(es, [corpus], "corpus")


@pytest.fixture(scope="session")
def chunks(es, alias) -> dict[str, dict]:
    return all_chunks(es, alias)
