"""Every resource killed at, and refused at, each AWS write of its create, update and delete,
through the real CLI against moto: nothing lost, leaked or made twice.

`make test` runs one write of each row: the first, the middle or the last, taking turns down
the rows (the same ones every run);
`make test-faults` (HEALTHCARE_FAULTS=full) runs every write. Each test prints its table
row; HEALTHCARE_FAULT_REPORT=FILE appends every case to FILE as JSON lines.
"""

import dataclasses
import json
import os

import pytest

from matrix import Matrix, choose, table
from subjects import SUBJECTS

FULL = os.environ.get("HEALTHCARE_FAULTS") == "full"
CASES = [
    (subject, fault, operation)
    for subject in SUBJECTS
    for fault, operation in [("kill", "create"), ("crash", "create"), ("fail", "create"),
                             ("kill", "delete"), ("fail", "delete"), ("kill", "update"),
                             ("fail", "update")]
    if operation != "update" or SUBJECTS[subject].grow
]
_census = {}


@pytest.fixture
def matrix(request, tmp_path):
    name = request.node.callspec.params["subject"]
    subject = SUBJECTS[name]
    if subject.own_account:
        m = Matrix(subject, request.getfixturevalue("own_moto"), request.getfixturevalue("own_proxy"),
                   tmp_path)
    else:
        m = Matrix(subject, request.getfixturevalue("moto"), request.getfixturevalue("proxy"), tmp_path,
                   request.getfixturevalue("network"))
    if name not in _census:
        _census[name] = (m.census(), m.made, getattr(m, "grown", None), m.compliant)
    m.writes, m.made, m.grown, m.compliant = _census[name]
    return m


@pytest.mark.parametrize("subject,fault,operation", CASES)
def test_nothing_is_lost_leaked_or_doubled(matrix, subject, fault, operation):
    total = matrix.writes[operation]
    assert total > 0, f"the census of {subject} saw no write in its {operation}"
    turn = CASES.index((subject, fault, operation))
    report = os.environ.get("HEALTHCARE_FAULT_REPORT")
    outcomes = []
    for n in choose(total, FULL, turn):
        outcomes.append(matrix.run(fault, operation, n))
        if report:  # each case as it ends, so that a run cut short keeps what it did
            with open(report, "a") as f:
                f.write(json.dumps({**dataclasses.asdict(outcomes[-1]), "writes": total}) + "\n")
    print(f"\n{subject} {operation}: {total} writes\n{table(outcomes)}")
    bad = [o for o in outcomes if o.problems]
    assert not bad, "\n\n".join(
        f"{o.fault} at write {o.index}/{total} ({o.write}) of the {o.operation} ({o.recovery}):\n"
        + "\n".join(o.problems) for o in bad)
