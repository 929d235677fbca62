#!/usr/bin/env python3
"""Prints the fault matrix's table from the JSON lines `make test-faults` wrote:
report.py FILE."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matrix import Outcome, table  # noqa: E402


def main(path):
    rows = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    fields = set(Outcome.__dataclass_fields__)
    outcomes = [Outcome(**{k: v for k, v in r.items() if k in fields}) for r in rows]
    print(table(outcomes))
    print(f"\n{len(outcomes)} cases, {sum(bool(o.problems) for o in outcomes)} failed, "
          f"{sum(o.leaked for o in outcomes)} objects leaked")
    return 1 if any(o.problems for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
