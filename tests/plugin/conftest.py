"""Fixtures for the gRPC suites: a configured provider talking to moto through the proxy."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from client import Provider  # noqa: E402


@pytest.fixture
def provider(plugin, proxy, moto):
    """A started, configured provider whose AWS traffic goes through the fault proxy."""
    p = Provider(plugin())
    p.configure(endpoint=proxy.url)
    proxy.clear_log()
    return p
