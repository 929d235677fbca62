#!/usr/bin/env python3
"""Prints the `compliance` stack output (JSON on stdin) as a checklist."""

import json
import sys

for resource, report in json.load(sys.stdin).items():
    verdict = "compliant" if report["compliant"] else "NOT compliant"
    print(f"{resource}: {verdict}")
    for control in report["controls"]:
        mark = "x" if control["satisfied"] else " "
        print(f"  [{mark}] {control['rule']} ({control['safeguard']}): {control['detail']}")
