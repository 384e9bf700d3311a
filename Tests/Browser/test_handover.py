"""The shift handover in the browser (issue 15, R9.1): the outgoing shift lead writes the
shift log with Kefu's facts and a flagged order, signs it; the incoming shift lead signs at
the same desk with their own work ID and password; the flagged item waits on the shift
board until it is closed. No serious or critical axe-core finding and no overflow at 1440
and 390 px."""
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_customer_tiers import check_widths
from waits import wait_until

PASSWORD = "demo1234"


def test_handover_signed_by_two_leads(driver, base_url, login, screenshot):
    label = "浏览器交接" + uuid.uuid4().hex[:6]
    login(driver, base_url, "3001", PASSWORD)
    driver.get(base_url + "/shift/handovers")
    form = wait_until(driver, lambda d: d.find_element(By.ID, "handover-form"))
    assert "本班新受理工单" in driver.find_element(By.ID, "handover-facts").text
    check_widths(driver)
    form.find_element(By.NAME, "shiftLabel").send_keys(label)
    form.find_element(By.NAME, "log").send_keys("宽带故障集中在城东，已报技术部；其余平稳。")
    Select(form.find_element(By.NAME, "kind0")).select_by_value("person")
    form.find_element(By.NAME, "ref0").send_keys("1002")
    form.find_element(By.NAME, "text0").send_keys("明日病假，" + label + "需安排顶班")
    driver.find_element(By.ID, "handover-save").click()
    wait_until(driver, lambda d: "值班日记已保存" in d.find_element(By.ID, "notice").text)
    driver.find_element(By.CSS_SELECTOR, "#handover-sign button").click()
    wait_until(driver, lambda d: "已签字交班" in d.find_element(By.ID, "notice").text)
    receive = driver.find_element(By.ID, "handover-receive")
    check_widths(driver)
    receive.find_element(By.NAME, "workId").send_keys("3002")
    receive.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "handover-receive-button").click()
    wait_until(driver, lambda d: "3002 号已签收接班" in d.find_element(By.ID, "notice").text)
    signatures = driver.find_element(By.ID, "handover-signatures").text
    assert "3001 号" in signatures and "3002 号于" in signatures
    assert driver.find_element(By.ID, "handover-status").text == "已交接"
    check_widths(driver)
    screenshot(driver, "handover")

    driver.get(base_url + "/shift")
    board = wait_until(driver, lambda d: d.find_element(By.ID, "handover-open"))
    row = [li for li in board.find_elements(By.TAG_NAME, "li") if label in li.text][0]
    check_widths(driver)
    row.find_element(By.NAME, "note").send_keys("已安排 1003 顶班")
    row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_until(driver, lambda d: "交接事项已处理" in d.find_element(By.ID, "notice").text)
    assert label not in driver.find_element(By.ID, "handover-open").text
