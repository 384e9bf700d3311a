"""Helpers of the outside tests: they talk to a running Kefu over HTTP the way an
outside tester would, and fail on any 5xx or on the process going away.

Run against a demo server (CI starts `kefu demo --port 18080`):

    KEFU_BASE_URL=http://127.0.0.1:18080 python3 -m pytest -v Tests/Outside

Demo accounts (password demo1234), one per role.
"""

import http.client
import os
import re
import time
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests

BASE_URL = os.environ.get("KEFU_BASE_URL", "http://127.0.0.1:8080").rstrip("/")
PASSWORD = "demo1234"
ROLES = {
    "agent": "1001",
    "vip_agent": "1101",
    "outbound_agent": "1201",
    "team_lead": "2001",
    "shift_lead": "3001",
    "qc_inspector": "4001",
    "knowledge_editor": "4101",
    "complaint_handler": "4201",
    "liaison": "5001",
    "planner": "6001",
    "counter_clerk": "8001",
    "technician": "8101",
    "admin": "9001",
}
TIMEOUT = 30


class ServerDied(AssertionError):
    pass


def health_ok():
    """True when the process still answers /health (a crash ends the only process)."""
    for _ in range(3):
        try:
            if requests.get(BASE_URL + "/health", timeout=10).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.5)
    return False


def assert_alive(after):
    if not health_ok():
        raise ServerDied(f"the server stopped answering /health after: {after}")


def raw_request(method, target, headers=None, body=None):
    """Sends `target` exactly as given (no `..` folding, no re-encoding), returns (status, body).
    A dropped connection is status 0: the caller checks whether the process is still there."""
    parts = urlsplit(BASE_URL)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=TIMEOUT)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        all_headers = dict(headers or {})
        if body is not None:
            all_headers.setdefault("Content-Type", "application/json")
            all_headers["Content-Length"] = str(len(body))
        for k, v in all_headers.items():
            conn.putheader(k, v)
        conn.endheaders(body)
        res = conn.getresponse()
        data = res.read()
        return res.status, data
    except (http.client.HTTPException, OSError):
        return 0, b""
    finally:
        conn.close()


def api_token(work_id):
    r = requests.post(BASE_URL + "/api/v1/session", json={"workId": work_id, "password": PASSWORD}, timeout=TIMEOUT)
    assert r.status_code == 200, f"API sign-in of {work_id} answered {r.status_code}: {r.text[:300]}"
    return r.json()["token"]


# --- HTML -----------------------------------------------------------------------------

class PageParser(HTMLParser):
    """Links and forms of one page: enough of the DOM to click and submit like a person."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.forms = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                          "enctype": a.get("enctype", ""), "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            self._form["fields"].append({"tag": "input", "name": a["name"], "type": a.get("type", "text").lower(),
                                         "value": a.get("value", ""), "checked": "checked" in a,
                                         "min": a.get("min"), "max": a.get("max"), "step": a.get("step"),
                                         "pattern": a.get("pattern"), "maxlength": a.get("maxlength")})
        elif tag == "select" and a.get("name"):
            self._select = {"tag": "select", "name": a["name"], "type": "select", "options": [], "value": None,
                            "multiple": "multiple" in a}
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value"))
            if "selected" in a:
                self._select["value"] = a.get("value")
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"tag": "textarea", "name": a["name"], "type": "textarea", "value": ""}
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data
        if self._select is not None and self._select["options"] and self._select["options"][-1] is None:
            # <option>text</option> without a value attribute submits its text
            self._select["options"][-1] = data.strip()

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse_page(html):
    p = PageParser()
    p.feed(html)
    return p


def same_origin_path(page_url, href):
    """The path?query of a link that stays on this server, or None."""
    if href.startswith(("javascript:", "mailto:", "tel:", "#", "data:")):
        return None
    full = urljoin(page_url, href)
    parts = urlsplit(full)
    base = urlsplit(BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    return parts.path + (("?" + parts.query) if parts.query else "")


def shape(path):
    """A path with ids replaced, so /work-orders/<uuid> pages count once."""
    path = path.split("?", 1)[0]
    path = re.sub(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", "{uuid}", path)
    path = re.sub(r"GD[0-9]{8}-[0-9]+", "{number}", path)
    path = re.sub(r"/[0-9]+(?=/|$)", "/{n}", path)
    return path


SKIP_PATH = re.compile(r"^/logout\b|/socket\b|\.(css|js|png|svg|ico)$")


def login_session(work_id):
    """A browser-like session signed in through the login form (CSRF token from the page)."""
    s = requests.Session()
    r = s.get(BASE_URL + "/login", timeout=TIMEOUT)
    assert r.status_code == 200, f"/login answered {r.status_code}"
    token = next((f["value"] for form in parse_page(r.text).forms for f in form["fields"] if f["name"] == "_csrf"), "")
    r = s.post(BASE_URL + "/login", data={"_csrf": token, "workId": work_id, "password": PASSWORD, "next": "/"},
               timeout=TIMEOUT)
    assert r.status_code < 500, f"login of {work_id} answered {r.status_code}"
    assert not urlsplit(r.url).path.startswith("/login"), f"login of {work_id} did not sign in (ended on {r.url})"
    return s


def crawl(session, start=("/",), max_pages=150, deadline=None):
    """Opens every same-origin page reachable from `start` (bounded); yields (path, response)."""
    seen_shapes = {}
    queue = list(start)
    seen = set(queue)
    opened = 0
    while queue and opened < max_pages and (deadline is None or time.monotonic() < deadline):
        path = queue.pop(0)
        r = session.get(BASE_URL + path, timeout=TIMEOUT, allow_redirects=True)
        opened += 1
        yield path, r
        if "text/html" not in r.headers.get("content-type", ""):
            continue
        for href in parse_page(r.text).links:
            p = same_origin_path(r.url, href)
            if p is None or p in seen or SKIP_PATH.search(p.split("?", 1)[0]):
                continue
            key = shape(p)
            # a list with 50 order links, or 20 pages of a table, is one kind of page
            if seen_shapes.get(key, 0) >= 2:
                continue
            seen_shapes[key] = seen_shapes.get(key, 0) + 1
            seen.add(p)
            queue.append(p)
