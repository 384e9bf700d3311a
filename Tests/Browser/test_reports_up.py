"""Reporting upward in the browser (issue 15, R9.4): an agent raises an emergency report,
which skips the team lead; the shift lead answers it; the team lead is told afterwards and
can read it. No serious or critical axe-core finding and no overflow at 1440 and 390 px."""
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_customer_tiers import check_widths
from waits import wait_until

PASSWORD = "demo1234"


def test_emergency_report_skips_a_level(driver, base_url, login):
    title = "机房烟味" + uuid.uuid4().hex[:6]
    login(driver, base_url, "1002", PASSWORD)
    driver.get(base_url + "/reports-up")
    form = wait_until(driver, lambda d: d.find_element(By.ID, "report-form"))
    check_widths(driver)
    Select(form.find_element(By.NAME, "kind")).select_by_value("safety")
    form.find_element(By.NAME, "title").send_keys(title)
    form.find_element(By.NAME, "text").send_keys("三楼机房有烟味，已通知保安。")
    form.find_element(By.NAME, "emergency").click()
    driver.find_element(By.ID, "report-submit").click()
    wait_until(driver, lambda d: "已报值班长" in d.find_element(By.ID, "notice").text)
    url = driver.current_url
    driver.delete_all_cookies()

    login(driver, base_url, "3001", PASSWORD)
    driver.get(url)
    answer = wait_until(driver, lambda d: d.find_element(By.ID, "report-answer-form"))
    check_widths(driver)
    answer.find_element(By.NAME, "note").send_keys("已通知物业断电排查")
    driver.find_element(By.ID, "report-answer-button").click()
    wait_until(driver, lambda d: "已答复" in d.find_element(By.ID, "notice").text)
    driver.delete_all_cookies()

    login(driver, base_url, "2001", PASSWORD)
    driver.get(base_url + "/reports-up")
    row = wait_until(driver, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#reports-up tbody tr") if title in r.text][0])
    row.find_element(By.LINK_TEXT, title).click()
    steps = wait_until(driver, lambda d: d.find_element(By.ID, "report-steps")).text
    assert "越过话务班长" in steps and "已通知物业断电排查" in driver.find_element(By.ID, "report-answer").text
    check_widths(driver)
