"""The month's money and its record (issue 15, R9.2, R9.3): the admin sets a daily wage
on the rules page; last month's attendance sheet shows as published, and a team lead
publishes it again after a correction, with a reason; approved leave shows on the leads'
roster grid. No serious or critical axe-core finding and no overflow at 1440 and 390 px."""
import datetime

from selenium.webdriver.common.by import By

from test_customer_tiers import check_widths
from test_statement_appeal import previous_month
from waits import center_today, wait_until

PASSWORD = "demo1234"


def test_admin_sets_a_daily_wage(driver, base_url, login, screenshot):
    login(driver, base_url, "9001", PASSWORD)
    driver.get(f"{base_url}/attendance/rules")
    table = wait_until(driver, lambda d: d.find_element(By.ID, "wage-table"))
    check_widths(driver)
    row = table.find_elements(By.CSS_SELECTOR, "tbody tr")[0]
    work_id = row.find_elements(By.TAG_NAME, "td")[0].text
    box = row.find_element(By.NAME, "dailyWage")
    box.clear()
    box.send_keys("abc")
    row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert "日工资须为" in wait_until(driver, lambda d: d.find_element(By.ID, "error")).text
    row = driver.find_element(By.ID, "wage-table").find_elements(By.CSS_SELECTOR, "tbody tr")[0]
    box = row.find_element(By.NAME, "dailyWage")
    box.clear()
    box.send_keys("188.5")
    row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_until(driver, lambda d: f"已保存 {work_id}" in d.find_element(By.ID, "notice").text)
    assert driver.find_element(By.ID, "wage-table").find_elements(By.NAME, "dailyWage")[0].get_attribute("value") == "188.5"
    screenshot(driver, "attendance-wages")


def test_lead_republishes_a_published_sheet(driver, base_url, login, screenshot):
    month = previous_month()
    login(driver, base_url, "2001", PASSWORD)

    def published(d):
        d.get(f"{base_url}/attendance?month={month}&person=1302")
        return d.find_element(By.ID, "sheet-published")
    wait_until(driver, published, timeout=30)
    check_widths(driver)
    form = driver.find_element(By.ID, "republish-form")
    form.find_element(By.NAME, "reason").send_keys("核对打卡机记录后更正")
    driver.find_element(By.ID, "republish").click()
    wait_until(driver, lambda d: "重新发布" in d.find_element(By.ID, "notice").text)
    assert driver.find_element(By.ID, "sheet-published")
    screenshot(driver, "attendance-republished")


def test_leave_shows_on_the_roster_grid(driver, base_url, login, screenshot):
    login(driver, base_url, "3001", PASSWORD)
    tomorrow = center_today() + datetime.timedelta(days=1)
    driver.get(f"{base_url}/workforce/rosters/{tomorrow.strftime('%Y-%m')}")
    grid = wait_until(driver, lambda d: d.find_element(By.ID, "roster-grid"))
    cells = grid.find_elements(By.CSS_SELECTOR, f"td.leave[data-day='{tomorrow.isoformat()}']")
    assert cells, "approved leave is marked on the grid"
    assert "已批准" in cells[0].get_attribute("title")
    check_widths(driver)
    screenshot(driver, "roster-leave")
