"""An agent's appeal of the monthly statement of rewards and penalties (issue 15, R9.3):
last month's statement is published on the 1st (the demo's sweeper does it at start); the
agent appeals once; the team lead strikes a line or upholds it, and the agent sees the
answer. No serious or critical axe-core finding and no overflow at 1440 and 390 px."""
import datetime

from selenium.webdriver.common.by import By

from test_customer_tiers import check_widths
from waits import center_today, wait_until

PASSWORD = "demo1234"


def previous_month():
    first = center_today().replace(day=1)
    return (first - datetime.timedelta(days=1)).strftime("%Y-%m")


def test_agent_appeals_and_the_lead_decides(driver, base_url, login, screenshot):
    month = previous_month()
    login(driver, base_url, "1301", PASSWORD)

    def appeal_form(d):
        d.get(f"{base_url}/attendance?month={month}")
        return d.find_element(By.ID, "appeal-form")
    form = wait_until(driver, appeal_form, timeout=30)
    check_widths(driver)
    form.find_element(By.NAME, "text").send_keys("当天考勤机故障，我按时到岗")
    driver.find_element(By.ID, "appeal-submit").click()
    wait_until(driver, lambda d: "申诉已提交" in d.find_element(By.ID, "notice").text)
    assert "申诉待班长处理" in driver.find_element(By.ID, "appeal-status").text
    assert not driver.find_elements(By.ID, "appeal-form")
    driver.delete_all_cookies()

    login(driver, base_url, "2001", PASSWORD)
    driver.get(f"{base_url}/attendance?month={month}&person=1301")
    decide = wait_until(driver, lambda d: d.find_element(By.ID, "decide-form"))
    check_widths(driver)
    boxes = driver.find_elements(By.CSS_SELECTOR, "#statement-lines input[name='strike[]']")
    if boxes:
        boxes[0].click()
    decide.find_element(By.NAME, "decision").send_keys("核实考勤机记录，予以更正")
    driver.find_element(By.ID, "decide-submit").click()
    wait_until(driver, lambda d: "申诉已处理" in d.find_element(By.ID, "notice").text)
    screenshot(driver, "statement-decided")
    driver.delete_all_cookies()

    login(driver, base_url, "1301", PASSWORD)
    driver.get(f"{base_url}/attendance?month={month}")
    status = wait_until(driver, lambda d: d.find_element(By.ID, "appeal-status")).text
    assert status.startswith("申诉已处理")
    assert "核实考勤机记录" in driver.find_element(By.ID, "statement").text
    check_widths(driver)
