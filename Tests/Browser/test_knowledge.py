"""The knowledge base in the browser (issue 14, R6.1): the knowledge editor writes an
article with an official wording and Markdown, publishes it as required reading; an agent
finds it first on the workspace, reads it and confirms; a team lead sees who has not; the
pages have no serious or critical axe-core finding and do not overflow at 1440 and 390 px."""
import uuid

from selenium.webdriver.common.by import By

from test_customer_tiers import check_widths
from waits import wait_until

PASSWORD = "demo1234"


def test_editor_publishes_and_agent_confirms(driver, base_url, login, screenshot):
    title = "浏览器知识" + uuid.uuid4().hex[:6]
    login(driver, base_url, "4101", PASSWORD)
    driver.get(base_url + "/kb")
    check_widths(driver)
    driver.find_element(By.ID, "kb-new").click()
    form = wait_until(driver, lambda d: d.find_element(By.ID, "kb-form"))
    check_widths(driver)
    form.find_element(By.NAME, "category").clear()
    form.find_element(By.NAME, "category").send_keys("故障处理")
    form.find_element(By.NAME, "title").send_keys(title)
    form.find_element(By.NAME, "officialWording").send_keys("您好，我们将在 24 小时内为您处理。")
    form.find_element(By.NAME, "body").send_keys("## 步骤\n- 重启光猫\n- **仍不行**请报修\n<script>alert(1)</script>")
    form.find_element(By.NAME, "requiredReading").click()
    driver.find_element(By.ID, "kb-save").click()
    wait_until(driver, lambda d: "草稿已保存" in d.find_element(By.ID, "notice").text)
    driver.find_element(By.ID, "kb-publish").click()
    wait_until(driver, lambda d: "已发布第 1 版" in d.find_element(By.ID, "notice").text)
    body = driver.find_element(By.ID, "kb-body")
    assert body.find_element(By.TAG_NAME, "strong").text == "仍不行"
    assert "<script>alert(1)</script>" in body.text
    check_widths(driver)
    url = driver.current_url
    driver.delete_all_cookies()

    login(driver, base_url, "1002", PASSWORD)
    driver.get(base_url + "/workspace")
    reading = wait_until(driver, lambda d: d.find_element(By.ID, "required-reading"))
    assert title in reading.text
    reading.find_element(By.LINK_TEXT, title).click()
    wait_until(driver, lambda d: d.find_element(By.ID, "kb-confirm")).find_element(By.TAG_NAME, "button").click()
    wait_until(driver, lambda d: "已确认阅读" in d.find_element(By.ID, "notice").text)
    assert driver.find_elements(By.ID, "kb-confirmed")
    screenshot(driver, "knowledge-article")
    driver.delete_all_cookies()

    login(driver, base_url, "2001", PASSWORD)
    driver.get(url)
    readers = wait_until(driver, lambda d: d.find_element(By.ID, "kb-readers")).text
    assert "1001" in readers and "已确认 1 人" in readers
    check_widths(driver)
