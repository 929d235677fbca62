"""Fixtures for the end-to-end suites: the real pulumi CLI against moto."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pulumi_cli import TOOLS, Stack  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def pulumi_cli():
    if not (TOOLS / "pulumi").exists():
        pytest.fail("the pulumi CLI is not in .tools/bin: run `make tools` (make test does)")


@pytest.fixture
def new_stack(tmp_path, proxy):
    """Factory: new_stack(program, name='app', **kw) -> Stack talking to moto through the proxy."""
    stacks = []

    def make(program, name="app", **kw):
        stacks.append(Stack(tmp_path / name, program, proxy.url, **kw))
        return stacks[-1]

    yield make
    for stack in stacks:
        stack.run("destroy", "--yes", "--continue-on-error", check=False)
