"""`kefu company add`, `kefu branch add`, `kefu user add --company/--branch` and
`kefu user grant|revoke` as an operator uses them (R11). Needs KEFU_BIN."""
import os
import subprocess
import tempfile

import pytest

KEFU = os.environ.get("KEFU_BIN", ".build/debug/kefu")


def run(args, db, check=True):
    env = dict(os.environ, DATABASE_URL=db, LOG_LEVEL="error")
    p = subprocess.run([KEFU, *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError(f"kefu {' '.join(args)} failed ({p.returncode}): {p.stdout}\n{p.stderr}")
    return p


def refused(args, db, *words):
    p = run(args, db, check=False)
    out = p.stdout + p.stderr
    assert p.returncode != 0, out
    for w in words:
        assert w in out, out
    return out


@pytest.fixture
def db():
    d = tempfile.mkdtemp()
    url = f"sqlite://{d}/companies.sqlite"
    run(["migrate", "--yes"], url)
    return url


def user(work_id, role="agent", *extra):
    return ["user", "add", "--work-id", work_id, "--name", "测试" + work_id, "--role", role, "--password", "secret123", *extra]


def test_company_and_branch_add(db):
    out = run(["company", "add", "--code", "XH", "--name", "星河物业", "--hotline", "400-820-5566"], db).stdout
    assert len(out.strip().splitlines()) == 1 and "XH" in out
    out = run(["branch", "add", "--company", "XH", "--code", "HZ", "--name", "杭州分公司", "--hotline", "0571-85205566"], db).stdout
    assert len(out.strip().splitlines()) == 1 and "XH/HZ" in out
    # the same code again, in the same company: refused; in another company: fine
    refused(["company", "add", "--code", "XH", "--name", "重复"], db, "XH", "已存在")
    refused(["branch", "add", "--company", "XH", "--code", "HZ", "--name", "重复", "--hotline", "1"], db, "HZ")
    run(["branch", "add", "--company", "HQ", "--code", "HZ", "--name", "杭州", "--hotline", "0571-1"], db)
    # bad codes, unknown company, missing hotline
    refused(["company", "add", "--code", "星河", "--name", "坏代码"], db, "代码")
    refused(["company", "add", "--code", "A B", "--name", "空格"], db, "代码")
    refused(["company", "add", "--code", "OK"], db, "名称")
    refused(["branch", "add", "--company", "NOPE", "--code", "B1", "--name", "x", "--hotline", "1"], db, "NOPE")
    refused(["branch", "add", "--company", "XH", "--code", "B2", "--name", "x"], db, "--hotline")
    refused(["branch", "add", "--company", "XH", "--code", "B/3", "--name", "x", "--hotline", "1"], db, "代码")


def test_user_add_places_people(db):
    # one company with one branch: no flags needed
    assert "1001" in run(user("1001"), db).stdout
    run(["company", "add", "--code", "XH", "--name", "星河物业"], db)
    run(["branch", "add", "--company", "XH", "--code", "HZ", "--name", "杭州分公司", "--hotline", "0571-1"], db)
    # several companies: the company must be named, and the error lists them
    refused(user("1002"), db, "HQ", "XH", "--company")
    run(user("1002", "agent", "--company", "HQ"), db)
    run(user("7001", "agent", "--company", "XH"), db)
    refused(user("7002", "agent", "--company", "NOPE"), db, "NOPE")
    refused(user("7003", "agent", "--company", "XH", "--branch", "MAIN"), db, "MAIN")
    # a second branch: the branch must be named
    run(["branch", "add", "--company", "XH", "--code", "NB", "--name", "宁波分公司", "--hotline", "0574-1"], db)
    refused(user("7004", "agent", "--company", "XH"), db, "HZ", "NB", "--branch")
    run(user("7004", "agent", "--company", "XH", "--branch", "NB"), db)
    # a department belongs to its company: the same name may exist in both
    run(user("5001", "liaison", "--company", "HQ", "--department", "技术部", "--create-department"), db)
    refused(user("7005", "liaison", "--company", "XH", "--branch", "HZ", "--department", "技术部"), db, "技术部")
    run(user("7005", "liaison", "--company", "XH", "--branch", "HZ", "--department", "技术部", "--create-department"), db)


def test_user_grant_and_revoke(db):
    run(user("9001", "admin"), db)
    run(["company", "add", "--code", "XH", "--name", "星河物业"], db)
    run(["branch", "add", "--company", "XH", "--code", "HZ", "--name", "杭州分公司", "--hotline", "0571-1"], db)
    run(user("7001", "agent", "--company", "XH"), db)
    out = run(["user", "grant", "--work-id", "9001", "--company", "XH"], db).stdout
    assert len(out.strip().splitlines()) == 1 and "9001" in out and "XH" in out
    refused(["user", "grant", "--work-id", "9001", "--company", "XH"], db, "9001", "XH")          # already granted
    refused(["user", "grant", "--work-id", "7001", "--company", "HQ"], db, "7001", "客户公司")    # client company's people
    refused(["user", "grant", "--work-id", "9001", "--company", "HQ"], db, "HQ")                  # own company
    refused(["user", "grant", "--work-id", "9999", "--company", "XH"], db, "9999")
    refused(["user", "grant", "--work-id", "9001", "--company", "NOPE"], db, "NOPE")
    refused(["user", "grant", "--company", "XH"], db, "--work-id")
    out = run(["user", "revoke", "--work-id", "9001", "--company", "XH"], db).stdout
    assert "9001" in out
    refused(["user", "revoke", "--work-id", "9001", "--company", "XH"], db, "9001")
