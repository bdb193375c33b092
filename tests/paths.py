"""Where the tests' material lives (one definition for every test module)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"  # the user's reports
SEED_FILES = sorted(SEEDS.glob("*.txt"))
REPORTS = REPO / "tests" / "reports"  # our own report files in many styles
# The PDF, Word and HTML files there that have a text layer (tests/reports/make_formats.py).
READABLE_FORMATS = ["fmt_brief_header.pdf", "fmt_two_column.pdf", "fmt_work_report.pdf", "fmt_work_report.docx",
                    "fmt_feature.docx", "fmt_notice.html", "fmt_traditional.html"]
BAD_INPUTS = REPO / "tests" / "bad_inputs"  # files the indexer must name and skip, or read
DOCS = REPO / "docs"
