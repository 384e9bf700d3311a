"""Signs in as each demo role through the login form, opens every page reachable from the
navigation and links, and submits every form it finds once with empty values and once with
typical ones, the way a new user clicks through. Fails on any 5xx or on the process going
away (issue 10: 系统管理 → 时限策略 → 保存 once ended the process for everyone).

Bounded: pages and submissions per role are capped and the whole run stays under 5 minutes.
Never follows logout, so each role's session lasts the whole walk."""

import os
import re
import time
from urllib.parse import urljoin, urlsplit

import pytest

from kefu_http import (BASE_URL, ROLES, TIMEOUT, ServerDied, assert_alive, crawl, health_ok, login_session,
                       parse_page, same_origin_path, shape)

PER_ROLE_SECONDS = 22
VERBOSE = bool(os.environ.get("KEFU_CRAWL_VERBOSE"))
MAX_PAGES = 120
MAX_SUBMISSIONS = 120
# Forms whose typical submission would stop the walk for the other roles.
NEVER_SUBMIT = re.compile(r"^/logout\b")


def typical_value(field):
    """What a person would type into this field."""
    name, kind = field["name"].lower(), field["type"]
    if field["value"] and kind not in ("checkbox", "radio", "file"):
        return field["value"]  # pre-filled (an edit form, a JSON editor): saved as shown
    if kind == "select":
        options = [o for o in field["options"] if o not in (None, "")]
        return options[0] if options else ""
    if kind == "number" or kind == "range":
        low = field.get("min")
        try:
            return str(max(1, int(float(low)))) if low not in (None, "") else "1"
        except ValueError:
            return "1"
    if kind == "date" or name.endswith("day") or name in ("date", "from", "to", "start", "end"):
        return "2026-12-07"
    if kind == "datetime-local" or name.endswith("at") or "deadline" in name:
        return "2026-12-07T10:00"
    if kind == "time":
        return "09:00"
    if kind == "month" or "month" in name:
        return "2026-12"
    if kind == "tel" or "phone" in name or name in ("caller", "number"):
        return "13800138000"
    if kind == "email":
        return "test@example.com"
    if kind == "password":
        return "demo1234"
    if kind in ("checkbox", "radio"):
        return field["value"] or "on"
    if "workid" in name or name in ("agent", "agentid", "owner"):
        return "1001"
    if name in ("seconds", "minutes", "hours", "calls", "aht", "count", "version"):
        return "60"
    if "url" in name:
        return "https://example.com/"
    return "测试"


def form_data(form, typical):
    data, files = [], {}
    radios_done = set()
    for f in form["fields"]:
        kind = f["type"]
        if kind in ("submit", "button", "image", "reset"):
            continue
        if kind == "hidden":
            data.append((f["name"], f["value"]))
            continue
        if kind == "file":
            if typical:
                files[f["name"]] = ("测试.csv", "date,time,calls\n2026-12-01,09:00,10\n".encode())
            continue
        if not typical:
            if kind not in ("checkbox", "radio"):
                data.append((f["name"], ""))
            continue
        if kind == "radio":
            if f["name"] in radios_done:
                continue
            radios_done.add(f["name"])
        data.append((f["name"], typical_value(f)))
    return data, files


def form_key(action_path, form):
    names = sorted({f["name"] for f in form["fields"] if f["type"] != "hidden"})
    return shape(action_path) + "|" + ",".join(names)


def page_forms(session, path):
    """The page's forms, read afresh (each carries this moment's CSRF and one-time tokens)."""
    r = session.get(BASE_URL + path, timeout=TIMEOUT)
    if "text/html" not in r.headers.get("content-type", ""):
        return r, []
    return r, parse_page(r.text).forms


def walk_role(role, work_id, failures):
    deadline = time.monotonic() + PER_ROLE_SECONDS
    session = login_session(work_id)
    submitted = set()
    submissions = 0
    pages = []
    for path, r in crawl(session, max_pages=MAX_PAGES, deadline=deadline):
        pages.append(path)
        if r.status_code >= 500:
            failures.append(f"{role}: GET {path} → {r.status_code}")
        if "text/html" not in r.headers.get("content-type", ""):
            continue
        forms = parse_page(r.text).forms
        for index, form in enumerate(forms):
            if submissions >= MAX_SUBMISSIONS or time.monotonic() > deadline:
                break
            action = same_origin_path(r.url, form["action"] or r.url)
            if action is None or NEVER_SUBMIT.search(action):
                continue
            key = form_key(action, form)
            if key in submitted:
                continue
            submitted.add(key)
            for typical in (False, True):
                # fresh tokens for each submission, from the same page
                page, fresh = page_forms(session, path)
                if index >= len(fresh):
                    break
                current = fresh[index]
                data, files = form_data(current, typical)
                target = BASE_URL + (same_origin_path(page.url, current["action"] or page.url) or action)
                method = current["method"] if current["method"] in ("get", "post") else "get"
                try:
                    if method == "post":
                        res = session.post(target, data=data, files=files or None, timeout=TIMEOUT)
                    else:
                        res = session.get(target, params=data, timeout=TIMEOUT)
                except Exception as e:  # a dropped connection: is the process gone?
                    if not health_ok():
                        raise ServerDied(f"{role}: {method.upper()} {target} {data} ended the process ({e})")
                    failures.append(f"{role}: {method.upper()} {target} {data} → {e}")
                    continue
                submissions += 1
                if VERBOSE:
                    print(f"  {role} {method.upper()} {urlsplit(target).path} ({'typical' if typical else 'empty'}) → {res.status_code}")
                if res.status_code >= 500:
                    shown = [(k, v) for k, v in data if not k.startswith("_")]
                    failures.append(f"{role}: {method.upper()} {urlsplit(target).path} "
                                    f"({'typical' if typical else 'empty'}) {shown} → {res.status_code}")
        assert_alive(f"{role} on {path}")
    return pages, submissions


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_and_form_of_a_role_answers_without_server_error(base_url, role):
    failures = []
    pages, submissions = walk_role(role, ROLES[role], failures)
    print(f"{role}: {len(pages)} pages, {submissions} form submissions")
    assert len(pages) >= 2, f"{role} reached only {pages}"
    assert not failures, f"{role}: {len(failures)} server errors in {len(pages)} pages and {submissions} " \
                         f"submissions:\n" + "\n".join(failures)


def test_anonymous_pages_and_forms(base_url):
    """The login page, the customer chat and a wrong password: the public face."""
    import requests
    failures = []
    s = requests.Session()
    for path in ("/", "/login", "/chat", "/login?next=/%5Cevil.example", "/login?next=https://evil.example/"):
        r = s.get(BASE_URL + path, timeout=TIMEOUT)
        if r.status_code >= 500:
            failures.append(f"GET {path} → {r.status_code}")
        if "text/html" in r.headers.get("content-type", ""):
            for form in parse_page(r.text).forms:
                action = same_origin_path(r.url, form["action"] or r.url)
                if action is None or NEVER_SUBMIT.search(action):
                    continue
                for typical in (False, True):
                    data, files = form_data(form, typical)
                    res = s.post(BASE_URL + action, data=data, files=files or None, timeout=TIMEOUT)
                    if res.status_code >= 500:
                        failures.append(f"POST {action} {data} → {res.status_code}")
        assert_alive(f"anonymous {path}")
    assert not failures, "\n".join(failures)
