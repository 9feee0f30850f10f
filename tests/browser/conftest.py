"""Browser journeys: Playwright driving Debian's Chromium against a live server."""

from __future__ import annotations

import os

import pytest

from revise.catalog.services import course_import
from tests.conftest import SAMPLE_COURSE

# Playwright's sync API runs an event loop in this thread; Django's ORM must still be
# usable from the test body and the live server.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
# Keep Chromium off the network: this machine reaches nothing but loopback.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_FLAGS],
    }


@pytest.fixture
def sample_site(live_server, transactional_db) -> str:
    """The live server's address, with the sample course imported."""
    course_import(path=SAMPLE_COURSE)
    return live_server.url
