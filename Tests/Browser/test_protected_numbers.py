"""The protected-numbers directory in the browser (R5.6): the admin registers a leader's
number; an agent cannot open the page; no serious or critical axe-core finding at 1440 and
390 px."""
import random

from selenium.webdriver.common.by import By

from test_core_loop import PASSWORD, wait_for, wait_text
from test_customer_tiers import axe_findings


def test_admin_keeps_the_directory(driver, base_url, login, screenshot):
    login(driver, base_url, "9001", PASSWORD)
    driver.get(f"{base_url}/admin/protected-numbers?company=HQ")
    form = wait_for(driver, "#protected-form")
    number = f"1390{random.randint(0, 9_999_999):07d}"
    form.find_element(By.NAME, "number").send_keys(number)
    form.find_element(By.NAME, "holder").send_keys("王总经理")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_text(driver, "#notice", "已加入受保护号码名录")
    assert number in driver.find_element(By.ID, "protected-list").text
    for width in (1440, 390):
        driver.set_window_size(width, 900)
        assert axe_findings(driver) == [], f"axe at {width}px"
        assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), f"overflow at {width}px"
    driver.set_window_size(1440, 900)
    screenshot(driver, "protected-numbers")
    driver.delete_all_cookies()
    login(driver, base_url, "1001", PASSWORD)
    driver.get(f"{base_url}/admin/protected-numbers")
    assert number not in driver.page_source


def test_admin_sets_the_retention_period(driver, base_url, login, screenshot):
    login(driver, base_url, "9001", PASSWORD)
    driver.get(f"{base_url}/admin/retention?company=HQ")
    form = wait_for(driver, "#retention-form")
    months = form.find_element(By.NAME, "months")
    months.clear()
    months.send_keys("48")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_text(driver, "#notice", "保存期限已更新")
    driver.find_element(By.CSS_SELECTOR, "#retention-run button").click()
    wait_text(driver, "#notice", "已执行")
    assert "48" in driver.find_element(By.ID, "retention-reports").text
    for width in (1440, 390):
        driver.set_window_size(width, 900)
        assert axe_findings(driver) == [], f"axe at {width}px"
        assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), f"overflow at {width}px"
    driver.set_window_size(1440, 900)
