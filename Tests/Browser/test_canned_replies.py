"""Canned replies in the browser (issue 14, R6.3): an agent saves a reply with variables on
/canned-replies (a forbidden phrase is refused and marked), then in a chat types `/` and a
few letters, picks the reply with the keyboard and finds it filled in with the customer's
name and their work ID; the page has no serious or critical axe-core finding and does not
overflow at 1440 and 390 px."""
import time
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import make_driver
from test_customer_tiers import axe_findings, check_widths
from test_quality import start_customer_chat
from waits import wait_until

PASSWORD = "demo1234"


def test_type_slash_in_a_chat_and_pick_a_reply(driver, base_url, login, screenshot):
    shortcut = "hz" + uuid.uuid4().hex[:4]
    login(driver, base_url, "1003", PASSWORD)
    driver.get(base_url + "/canned-replies")
    form = wait_until(driver, lambda d: d.find_element(By.ID, "canned-reply-form"))
    check_widths(driver)

    # A forbidden phrase is refused, the phrase marked.
    form.find_element(By.NAME, "shortcut").send_keys(shortcut)
    form.find_element(By.NAME, "title").send_keys("不当回复")
    form.find_element(By.NAME, "text").send_keys("你有钱你找贵的充啊！")
    driver.find_element(By.ID, "save-reply").click()
    marked = wait_until(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#marked-text mark"))
    assert "你有钱" in marked.text

    form = driver.find_element(By.ID, "canned-reply-form")
    form.find_element(By.NAME, "title").clear()
    form.find_element(By.NAME, "title").send_keys("宽带故障安抚")
    text = form.find_element(By.NAME, "text")
    text.clear()
    text.send_keys("{问候语}，{客户姓名}，我是{工号}号客服，马上为您查询宽带故障。")
    driver.find_element(By.ID, "save-reply").click()
    wait_until(driver, lambda d: "已保存" in d.find_element(By.ID, "notice").text)
    assert "/" + shortcut in driver.find_element(By.ID, "canned-replies").text

    customer = make_driver()
    try:
        name = "快捷客户" + uuid.uuid4().hex[:4]
        start_customer_chat(customer, base_url, name)

        driver.get(base_url + "/chats")
        driver.find_element(By.LINK_TEXT, name).click()
        wait_until(driver, lambda d: d.find_element(By.ID, "chat-accept-form")).find_element(By.TAG_NAME, "button").click()
        box = wait_until(driver, lambda d: d.find_element(By.ID, "chat-text"))
        box.send_keys("/" + shortcut[:4])
        picker = wait_until(driver, lambda d: d.find_element(By.ID, "reply-picker") if d.find_element(By.ID, "reply-picker").is_displayed() else None)
        assert "宽带故障安抚" in picker.text
        assert box.get_attribute("aria-activedescendant") == "reply-option-0"
        screenshot(driver, "canned-reply-picker")
        assert axe_findings(driver) == []
        box.send_keys(Keys.ENTER)
        wait_until(driver, lambda d: name in d.find_element(By.ID, "chat-text").get_attribute("value"))
        value = box.get_attribute("value")
        assert value.endswith(f"，{name}，我是1003号客服，马上为您查询宽带故障。"), value
        assert "{" not in value and "/" + shortcut[:4] not in value
        assert not driver.find_element(By.ID, "reply-picker").is_displayed()
        driver.find_element(By.ID, "chat-send").click()
        wait_until(customer, lambda d: "马上为您查询宽带故障" in d.find_element(By.ID, "chat-log").text, timeout=20)
    finally:
        customer.quit()
