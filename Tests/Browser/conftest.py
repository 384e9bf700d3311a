"""Selenium 4 fixtures for Kefu browser tests (Debian chromium + chromedriver).

Run (server must already be running, e.g. `kefu demo --port 18080`):

    KEFU_BASE_URL=http://127.0.0.1:18080 python3 -m pytest -v Tests/Browser

Fixtures:
    base_url    -- env KEFU_BASE_URL (default http://127.0.0.1:8080), no trailing slash
    driver      -- a fresh headless Chromium per test; quit afterwards. A
                   screenshot is saved automatically when the test fails.
    login       -- callable login(driver, base_url, work_id, password)
    screenshot  -- callable screenshot(driver, name) -> path of the PNG in
                   Tests/Browser/screenshots/ (gitignored)

Demo accounts loaded by `kefu demo` (all with password demo1234):
    agent 1001, shift lead 3001, liaison 5001, admin 9001
"""

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM_BINARY = os.environ.get("KEFU_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("KEFU_CHROMEDRIVER", "/usr/bin/chromedriver")
SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"
DEFAULT_TIMEOUT = float(os.environ.get("KEFU_BROWSER_TIMEOUT", "15"))

DEMO_PASSWORD = "demo1234"
DEMO_USERS = {
    "agent": "1001",
    "shift_lead": "3001",
    "liaison": "5001",
    "admin": "9001",
}

# Never let Selenium Manager try to download a browser or driver (no internet).
os.environ.setdefault("SE_OFFLINE", "true")


def make_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM_BINARY
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1366,900",
        "--lang=zh-CN",
    ):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    service = Service(executable_path=CHROMEDRIVER)
    drv = webdriver.Chrome(service=service, options=options)
    drv.set_page_load_timeout(30)
    return drv


def save_screenshot(driver, name):
    """Save a PNG of the current page to Tests/Browser/screenshots/<name>.png."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^\w.-]+", "_", str(name)).strip("_") or "screenshot"
    if not safe.endswith(".png"):
        safe += ".png"
    path = SCREENSHOT_DIR / safe
    driver.save_screenshot(str(path))
    return path


def _path_is_login(url):
    return urlparse(url).path.rstrip("/").endswith("/login")


def do_login(driver, base_url, work_id, password, timeout=DEFAULT_TIMEOUT):
    """Open {base_url}/login, submit form#login-form, wait to leave /login."""
    driver.get(f"{base_url.rstrip('/')}/login")
    wait = WebDriverWait(driver, timeout)
    form = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "form#login-form")))
    work_id_input = form.find_element(By.CSS_SELECTOR, "input[name=workId]")
    password_input = form.find_element(By.CSS_SELECTOR, "input[name=password]")
    work_id_input.clear()
    work_id_input.send_keys(str(work_id))
    password_input.clear()
    password_input.send_keys(password)
    form.submit()
    try:
        wait.until(lambda d: not _path_is_login(d.current_url))
    except TimeoutException:
        save_screenshot(driver, f"login-failed-{work_id}")
        body = driver.find_element(By.TAG_NAME, "body").text[:500]
        raise AssertionError(
            f"login as {work_id} did not leave /login within {timeout}s "
            f"(url={driver.current_url!r}); page text: {body!r}"
        ) from None
    return driver.current_url


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


@pytest.fixture(scope="session")
def base_url():
    return os.environ.get("KEFU_BASE_URL", "http://127.0.0.1:8080").rstrip("/")


@pytest.fixture
def driver(request):
    drv = make_driver()
    yield drv
    try:
        rep = getattr(request.node, "rep_call", None)
        if rep is not None and rep.failed:
            path = save_screenshot(drv, f"FAILED-{request.node.name}")
            print(f"\nscreenshot of failure: {path}")
    except Exception as exc:  # never hide the real failure
        print(f"\ncould not save failure screenshot: {exc}")
    finally:
        drv.quit()


@pytest.fixture
def login():
    return do_login


@pytest.fixture
def screenshot():
    return save_screenshot


@pytest.fixture(scope="session")
def demo_users():
    """Role -> work id of the demo accounts; all use demo_password."""
    return dict(DEMO_USERS)


@pytest.fixture(scope="session")
def demo_password():
    return DEMO_PASSWORD
