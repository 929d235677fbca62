"""The independent audit of tests/e2e/test_prowler.py: Prowler run against moto
(``prowler``), which findings concern what a stack made and whose (``ownership``), and the
careless control stack (``careless``). Prowler's own pins are in ``prowler.lock``, installed by
scripts/prowler.sh.
"""
