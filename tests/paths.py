"""Where the tests' material lives (one definition for every test module)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"  # the user's reports
SEED_FILES = sorted(SEEDS.glob("*.txt"))
REPORTS = REPO / "tests" / "reports"  # our own report files in many styles
