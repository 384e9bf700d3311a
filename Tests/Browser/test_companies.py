"""Two companies in the demo (issue 11, R11.2): the client company's people see only
their company's orders; a granted admin of the operating company switches between the
companies with the switcher in the top bar.

The demo (`kefu demo`, Sources/KefuServer/Demo/DemoCompanies.swift) has the operating
company HQ and the client company 星河物业 (XH) with agent 7001, admin 7002 and shift
lead 7003; HQ's admin 9001 and agent 1002 are granted XH. Which order numbers belong to
which company is asked from the API (as XH's agent 7001 and HQ's agent 1001, who was
granted nothing), so the test does not copy the demo's subjects.
"""
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from waits import wait_until

PASSWORD = "demo1234"
CLIENT_CODE = "XH"
CLIENT_NAME = "星河物业"
CLIENT_AGENT = "7001"
HQ_AGENT = "1001"          # HQ only: no grant
GRANTED_ADMIN = "9001"     # HQ, granted XH


def api_token(base_url, work_id):
    r = requests.post(f"{base_url}/api/v1/session", json={"workId": work_id, "password": PASSWORD}, timeout=15)
    assert r.status_code == 200, f"API sign-in as {work_id}: {r.status_code} {r.text[:200]}"
    return r.json()["token"]


def order_numbers(base_url, work_id):
    """Every order number `work_id` may list, page by page."""
    headers = {"Authorization": f"Bearer {api_token(base_url, work_id)}"}
    numbers, offset = set(), 0
    while True:
        r = requests.get(f"{base_url}/api/v1/work-orders", params={"limit": 200, "offset": offset}, headers=headers, timeout=30)
        assert r.status_code == 200, f"order list as {work_id}: {r.status_code} {r.text[:200]}"
        page = r.json()
        numbers |= {o["number"] for o in page["items"]}
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return numbers


def wait_for(driver, css, timeout=15):
    return WebDriverWait(driver, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))




def listed_numbers(driver, base_url):
    """The order numbers on the first page of /work-orders."""
    driver.get(base_url + "/work-orders")
    wait_for(driver, "table.orders")
    return [row.get_attribute("data-number") for row in driver.find_elements(By.CSS_SELECTOR, "table.orders tbody tr[data-number]")]


def switch_to(driver, value, notice):
    """Chooses `value` in the top bar's company switcher and waits for the notice."""
    form = wait_for(driver, "form#company-switch")
    Select(form.find_element(By.NAME, "company")).select_by_value(value)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_until(driver, lambda d: notice in d.find_element(By.ID, "notice").text)


def test_client_agent_sees_only_their_company(driver, base_url, login):
    client = order_numbers(base_url, CLIENT_AGENT)
    hq = order_numbers(base_url, HQ_AGENT)
    assert client, "the client company has orders in the demo"
    assert hq, "HQ has orders in the demo"
    assert not client & hq, f"the API lists orders to both companies: {sorted(client & hq)[:5]}"

    login(driver, base_url, CLIENT_AGENT, PASSWORD)
    shown = listed_numbers(driver, base_url)
    assert shown, "the client agent's order list is empty"
    assert not set(shown) & hq, f"HQ's orders on the client agent's list: {sorted(set(shown) & hq)[:5]}"
    assert set(shown) <= client, f"orders the client agent's API does not list: {sorted(set(shown) - client)[:5]}"
    page = driver.find_element(By.TAG_NAME, "body").text
    assert f"共 {len(client)} 张" in page, "the page counts the client company's orders only"
    # One company: no switcher and no 公司 column.
    assert not driver.find_elements(By.CSS_SELECTOR, "form#company-switch")
    assert "公司" not in [th.text for th in driver.find_elements(By.CSS_SELECTOR, "table.orders thead th")]
    # An HQ order by number is not found for them, in the page and in the API.
    number = sorted(hq)[0]
    driver.get(f"{base_url}/work-orders/{number}")
    wait_for(driver, "body")
    assert not driver.find_elements(By.ID, "order-status"), "an HQ order page opened for the client agent"
    r = requests.get(f"{base_url}/api/v1/work-orders/{number}", headers={"Authorization": f"Bearer {api_token(base_url, CLIENT_AGENT)}"}, timeout=15)
    assert r.status_code == 404


def test_granted_admin_switches_company(driver, base_url, login):
    client = order_numbers(base_url, CLIENT_AGENT)
    hq = order_numbers(base_url, HQ_AGENT)

    login(driver, base_url, GRANTED_ADMIN, PASSWORD)
    form = wait_for(driver, "form#company-switch")
    values = [o.get_attribute("value") for o in Select(form.find_element(By.NAME, "company")).options]
    assert CLIENT_CODE in values and "HQ" in values and "all" in values, values

    switch_to(driver, CLIENT_CODE, f"已切换到{CLIENT_NAME}")
    shown = listed_numbers(driver, base_url)
    assert shown and set(shown) <= client, f"not the client company's: {sorted(set(shown) - client)[:5]}"
    chosen = Select(driver.find_element(By.CSS_SELECTOR, "form#company-switch select[name=company]")).first_selected_option
    assert chosen.get_attribute("value") == CLIENT_CODE

    switch_to(driver, "HQ", "已切换到")
    shown = listed_numbers(driver, base_url)
    assert shown and not set(shown) & client, f"client orders while HQ is chosen: {sorted(set(shown) & client)[:5]}"

    # All companies: a 公司 column names each row's company.
    switch_to(driver, "all", "已切换到全部公司")
    driver.get(base_url + "/work-orders")
    headers = [th.text for th in wait_for(driver, "table.orders").find_elements(By.CSS_SELECTOR, "thead th")]
    assert "公司" in headers, headers
    driver.get(f"{base_url}/work-orders?company={CLIENT_CODE}")
    rows = driver.find_elements(By.CSS_SELECTOR, "table.orders tbody tr[data-number]")
    assert rows and {r.get_attribute("data-number") for r in rows} <= client


def test_client_admin_manages_only_their_people(driver, base_url, login):
    """The client company's admin sees its own people on the admin page, none of HQ's."""
    login(driver, base_url, "7002", PASSWORD)
    driver.get(base_url + "/admin")
    wait_for(driver, "h1")
    text = driver.find_element(By.TAG_NAME, "body").text
    for own in ("林晓", "何平"):
        assert own in text, f"the client admin does not see {own}"
    for hq_person in ("李娜", "赵敏", "徐强"):   # HQ's 1001, 3001, 5001 in DemoData.users
        assert hq_person not in text, f"HQ's {hq_person} on the client admin's page"
