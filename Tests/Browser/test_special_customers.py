"""The special-customers list in the browser (R5.3): a shift lead lists a customer, schedules
a follow-up visit and registers a service on the customer page; the list shows them; no
serious or critical axe-core finding on either page at 1440 and 390 px."""
import datetime

from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from test_core_loop import PASSWORD, create_order, unique_phone, wait_for, wait_text
from test_customer_tiers import axe_findings
from waits import center_today


def set_date(driver, element, value):
    # Date inputs take keyboard input in the browser's locale; set the value as a form would.
    driver.execute_script("arguments[0].value = arguments[1]", element, value)


def check_page(driver, name):
    for width in (1440, 390):
        driver.set_window_size(width, 900)
        assert axe_findings(driver) == [], f"axe on {name} at {width}px"
        assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), f"overflow on {name} at {width}px"
    driver.set_window_size(1440, 900)


def test_shift_lead_keeps_a_special_customer(driver, base_url, login, screenshot):
    login(driver, base_url, "3001", PASSWORD)
    create_order(driver, base_url, "特殊客户（浏览器）", unique_phone())
    driver.find_element(By.CSS_SELECTOR, "a[href^='/customers/']").click()
    section = wait_for(driver, "#special")
    today = center_today()
    form = section.find_element(By.CSS_SELECTOR, "#special-form form")
    Select(form.find_element(By.NAME, "category")).select_by_value("key_account")
    form.find_element(By.NAME, "ownerWorkId").send_keys("1002")
    set_date(driver, form.find_element(By.NAME, "reviewOn"), (today + datetime.timedelta(days=90)).isoformat())
    form.find_element(By.NAME, "dedicatedChannel").send_keys("大客户专线")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_text(driver, "#notice", "特殊客户名单已保存")
    assert "大客户" in driver.find_element(By.ID, "special").text

    visit = driver.find_element(By.ID, "visit-form")
    set_date(driver, visit.find_element(By.NAME, "dueOn"), (today + datetime.timedelta(days=7)).isoformat())
    visit.find_element(By.NAME, "purpose").send_keys("季度拜访")
    visit.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_text(driver, "#notice", "回访已安排")

    product = driver.find_element(By.ID, "product-form")
    product.find_element(By.NAME, "name").send_keys("企业专线")
    set_date(driver, product.find_element(By.NAME, "expiresOn"), (today + datetime.timedelta(days=20)).isoformat())
    product.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_text(driver, "#notice", "已登记产品/服务")
    assert "即将到期" in driver.find_element(By.ID, "products").text
    check_page(driver, "customer")
    screenshot(driver, "special-customer")

    driver.get(f"{base_url}/customers/special")
    assert "大客户专线" in wait_for(driver, "#special-list").text
    check_page(driver, "special list")
