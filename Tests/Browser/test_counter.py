"""营业厅排队 (R3.6) in the browser: an elderly customer takes a ticket at the kiosk and is
told the wait; the counter clerk (8001) calls it first from the desk; the hall display shows
and announces a call made meanwhile; the shift lead reads the hall's figures. No serious or
critical axe-core finding and no overflow at 1440 and 390 px."""
import requests
from selenium.webdriver.common.by import By

from test_core_loop import PASSWORD, wait_for, wait_text
from waits import wait_until
from test_special_customers import check_page


def token(base_url, work_id):
    r = requests.post(f"{base_url}/api/v1/session", json={"workId": work_id, "password": PASSWORD}, timeout=15)
    r.raise_for_status()
    return r.json()["token"]


def test_priority_ticket_is_called_first(driver, base_url, login, screenshot):
    login(driver, base_url, "8001", PASSWORD)
    driver.get(f"{base_url}/counter/kiosk")
    form = wait_for(driver, "#kiosk-form")
    check_page(driver, "the kiosk")
    form.find_element(By.CSS_SELECTOR, "input[name=priority][value=elderly]").click()
    form.find_element(By.ID, "kiosk-B").click()
    number = wait_for(driver, "#ticket-number").text
    assert number.startswith("B")
    assert "老年人优先" in driver.find_element(By.ID, "ticket-service").text
    assert "您前面还有" in driver.find_element(By.ID, "ticket-wait").text
    check_page(driver, "the ticket")
    screenshot(driver, "counter-ticket")

    # The demo's counter 1 serves 业务办理 and 缴费充值: the elderly customer is next.
    driver.get(f"{base_url}/counter")
    wait_for(driver, "#counter-next").click()
    wait_text(driver, "#notice", number)
    assert number in driver.find_element(By.CSS_SELECTOR, "#counter-current .ticket-number").text
    check_page(driver, "the counter desk")
    screenshot(driver, "counter-desk")
    driver.find_element(By.ID, "counter-served").click()
    wait_text(driver, "#notice", "已办结")


def test_the_display_announces_a_new_call(driver, base_url, login, screenshot):
    login(driver, base_url, "8001", PASSWORD)
    driver.get(f"{base_url}/counter/display")
    wait_for(driver, "#hall-calls")
    check_page(driver, "the hall display")
    driver.find_element(By.ID, "hall-voice").click()
    assert driver.find_element(By.ID, "hall-voice").get_attribute("aria-pressed") == "true"
    # Meanwhile a terminal takes a ticket and counter 5 calls it.
    headers = {"Authorization": f"Bearer {token(base_url, '8001')}"}
    issued = requests.post(f"{base_url}/api/v1/counter/tickets", json={"service": "C"}, headers=headers, timeout=15)
    assert issued.status_code == 201, issued.text
    called = None
    for _ in range(30):
        r = requests.post(f"{base_url}/api/v1/counter/call-next", json={"counter": "5"}, headers=headers, timeout=15)
        assert r.status_code in (200, 204), r.text
        if r.status_code == 204 or r.json()["id"] == issued.json()["id"]:
            called = r.json() if r.status_code == 200 else None
            break
    assert called, "counter 5 reached the new ticket"
    wait_until(driver, lambda d: called["number"] in d.find_element(By.ID, "hall-announce").get_attribute("textContent"), 15)
    assert "5号窗口" in driver.find_element(By.ID, "hall-announce").get_attribute("textContent")
    assert called["number"] in driver.find_element(By.CSS_SELECTOR, "#hall-calls tr.fresh").text
    screenshot(driver, "counter-display")


def test_lead_reads_the_halls_figures(driver, base_url, login, screenshot):
    login(driver, base_url, "3001", PASSWORD)
    driver.get(f"{base_url}/reports/orders")
    wait_for(driver, "a[href='/reports/counter']").click()
    wait_for(driver, "#counter-services")
    assert "业务办理" in driver.find_element(By.ID, "counter-services").text
    assert driver.find_elements(By.CSS_SELECTOR, "#counter-chart svg")
    check_page(driver, "the hall report")
    screenshot(driver, "counter-report")
