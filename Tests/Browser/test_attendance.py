"""Attendance in the browser (issue 15, R9.2): an agent clocks in and asks for leave; the
team lead approves it, opens the agent's month and adds a forgotten punch with a reason.
Every page has no serious or critical axe-core finding and does not overflow at 1440 and
390 px; the sheet is also a CSV for Excel."""
import datetime
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_customer_tiers import check_widths
from waits import center_today, wait_until

PASSWORD = "demo1234"


def test_clock_in_leave_and_a_leads_correction(driver, base_url, login, screenshot):
    login(driver, base_url, "1003", PASSWORD)
    driver.get(base_url + "/attendance")
    wait_until(driver, lambda d: d.find_element(By.ID, "clock-in")).click()
    wait_until(driver, lambda d: "已记录上班打卡" in d.find_element(By.ID, "notice").text)
    assert "网页打卡" in driver.find_element(By.ID, "attendance-punches").text
    check_widths(driver)
    day = (center_today() + datetime.timedelta(days=30)).isoformat()
    form = driver.find_element(By.ID, "leave-form")
    Select(form.find_element(By.NAME, "kind")).select_by_value("personal")
    for name in ("from", "through"):
        field = form.find_element(By.NAME, name)
        driver.execute_script("arguments[0].value = arguments[1]", field, day)
    form.find_element(By.NAME, "reason").send_keys("家中有事")
    driver.find_element(By.ID, "leave-submit").click()
    wait_until(driver, lambda d: "请假申请已提交" in d.find_element(By.ID, "notice").text)
    driver.delete_all_cookies()

    login(driver, base_url, "2001", PASSWORD)
    driver.get(base_url + "/attendance")
    row = wait_until(driver, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#leave-requests tbody tr") if "1003" in r.text and "家中有事" in r.text][0])
    check_widths(driver)
    row.find_element(By.CSS_SELECTOR, "button[id^=approve-]").click()
    wait_until(driver, lambda d: "已批准" in d.find_element(By.ID, "notice").text)
    Select(driver.find_element(By.NAME, "person")).select_by_value("1003")
    driver.find_element(By.CSS_SELECTOR, "#attendance-filter button[type=submit]").click()
    wait_until(driver, lambda d: "1003" in d.find_element(By.TAG_NAME, "h1").text)
    form = driver.find_element(By.ID, "correction-form")
    Select(form.find_element(By.NAME, "kind")).select_by_value("out")
    form.find_element(By.NAME, "note").send_keys("考勤机故障，班长核实")
    driver.find_element(By.ID, "correction-save").click()
    wait_until(driver, lambda d: "已记录下班打卡" in d.find_element(By.ID, "notice").text)
    assert "班长更正" in driver.find_element(By.ID, "attendance-punches").text
    assert "1003" in driver.find_element(By.TAG_NAME, "h1").text
    check_widths(driver)
    screenshot(driver, "attendance-lead")
    href = driver.find_element(By.ID, "attendance-csv").get_attribute("href")
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(href, headers={"Cookie": cookie})) as res:
        body = res.read().decode("utf-8")
    assert body.startswith("\ufeff工号,姓名,日期") and "1003" in body
