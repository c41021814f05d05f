"""Browser fixtures: the Debian Chromium driven by Playwright against a live server on a copy of the
demo organisation. Playwright's own browser download does not work offline, so the system Chromium
is installed with apt when it is missing."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _ensure_chromium() -> Path:
    if not CHROMIUM.exists() and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"],
            check=False,
            capture_output=True,
            env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        )
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium could not be installed; browser tests need /usr/bin/chromium")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_url(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The web app serving a prepared demo (charter approved, as `peoplealign up` leaves it)."""
    import uvicorn

    from peoplealign.demo.site import prepare_demo_site
    from peoplealign.web.app import create_app

    copy = tmp_path_factory.mktemp("live") / "demo.db"
    shutil.copyfile(demo_db_file, copy)
    db_url = f"sqlite:///{copy}"
    prepare_demo_site(db_url, employees=600, seed=7, progress=lambda _: None)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(db_url), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the web app did not start within 30 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Module-scoped: Playwright's sync API keeps an event loop current while it runs, which would
    break later tests in the same worker that start their own loop."""
    from playwright.sync_api import sync_playwright

    executable = _ensure_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def sign_in(browser: Any, live_url: str) -> Callable[..., Any]:
    """Opens a page signed in as a demo persona the way a person does it: the home page sends a
    signed-out visitor to the sign-in form."""
    from peoplealign.demo.names import EMAIL_DOMAIN
    from peoplealign.demo.users import DEMO_PASSWORD

    def open_as(role: str, width: int = 1280) -> Any:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{live_url}/")
        assert "/login" in page.url, "signed-out visitors are sent to the sign-in page"
        page.get_by_label("Email").fill(f"{role}@{EMAIL_DOMAIN}")
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name=re.compile("sign in", re.I)).click()
        page.wait_for_url(re.compile(r"/$"))
        return page

    return open_as


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
