"""上门 (R8.1, R8.2) in the browser: the agent books a slot from a fault order; the
technician (8101) opens the visit on a phone-sized screen, the customer signs on the canvas
and the visit is completed, with the signature kept as an image. No serious or critical
axe-core finding and no overflow at 1440 and 390 px."""
import datetime

import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from test_core_loop import PASSWORD, unique_phone, wait_for, wait_text
from test_special_customers import check_page
from waits import center_today, wait_until


def token(base_url, work_id):
    r = requests.post(f"{base_url}/api/v1/session", json={"workId": work_id, "password": PASSWORD}, timeout=15)
    r.raise_for_status()
    return r.json()["token"]


def fault_order(base_url, headers):
    body = {"type": "fault", "channel": "phone", "subject": "光猫红灯（上门浏览器）", "description": "光猫 LOS 灯红",
            "customer": {"name": "上门测试客户", "phone": unique_phone()},
            "address": {"city": "杭州市", "district": "西湖区", "street": "文三路", "building": "8", "door": "101"}}
    r = requests.post(f"{base_url}/api/v1/work-orders", json=body, headers=headers, timeout=15)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_agent_books_a_visit_from_the_order(driver, base_url, login, screenshot):
    headers = {"Authorization": f"Bearer {token(base_url, '1001')}"}
    order = fault_order(base_url, headers)
    login(driver, base_url, "1001", PASSWORD)
    driver.get(f"{base_url}/work-orders/{order}")
    wait_for(driver, "#book-visit").click()
    form = wait_for(driver, "#visit-book-form")
    check_page(driver, "the booking page")
    form.find_element(By.CSS_SELECTOR, "input[name=slot]").click()
    form.find_element(By.NAME, "bring").send_keys("光猫、网线")
    form.find_element(By.ID, "visit-book").click()
    wait_text(driver, "#notice", "已预约")
    assert "/visits/" in driver.find_element(By.ID, "order-visits").get_attribute("innerHTML")
    screenshot(driver, "visit-booked")


def test_technician_completes_a_visit_with_the_customers_signature(driver, base_url, login, screenshot):
    headers = {"Authorization": f"Bearer {token(base_url, '1001')}"}
    order = fault_order(base_url, headers)
    # Tomorrow (center time): whatever the hour the test runs, 8101 has free windows then.
    day = (center_today() + datetime.timedelta(days=1)).isoformat()
    slots = requests.get(f"{base_url}/api/v1/visits/slots", params={"workOrderId": order, "date": day}, headers=headers, timeout=15)
    assert slots.status_code == 200, slots.text
    start = next(s["start"] for s in slots.json() if "8101" in s["technicians"])
    booked = requests.post(f"{base_url}/api/v1/visits", headers=headers, timeout=15,
                           json={"workOrderId": order, "slotStart": start, "technicianWorkId": "8101", "bring": "光功率计"})
    assert booked.status_code == 201, booked.text
    visit = booked.json()["id"]

    driver.set_window_size(390, 900)
    login(driver, base_url, "8101", PASSWORD)
    driver.get(f"{base_url}/visits/today?day={day}")
    wait_for(driver, f"a[href='/visits/{visit}']").click()
    wait_for(driver, "#visit-actions")
    assert driver.find_element(By.ID, "visit-phone").get_attribute("href").startswith("tel:")
    check_page(driver, "the technician's visit")
    driver.set_window_size(390, 900)
    driver.find_element(By.CSS_SELECTOR, "#visit-complete summary").click()
    form = wait_for(driver, "#visit-complete-form")
    form.find_element(By.NAME, "result").send_keys("更换光猫，网络恢复")
    pad = driver.find_element(By.ID, "signature-pad")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", pad)
    ActionChains(driver).move_to_element_with_offset(pad, -80, 0).click_and_hold() \
        .move_by_offset(40, -20).move_by_offset(40, 30).move_by_offset(40, -30).move_by_offset(30, 20).release().perform()
    screenshot(driver, "visit-signature")
    form.find_element(By.ID, "visit-complete-send").click()
    wait_text(driver, "#notice", "完成已登记")
    driver.get(f"{base_url}/visits/{visit}")
    assert wait_for(driver, "#visit-status").get_attribute("data-status") == "completed"
    image = wait_for(driver, "#visit-signature")
    wait_until(driver, lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image))
    check_page(driver, "the completed visit")
    screenshot(driver, "visit-completed")
