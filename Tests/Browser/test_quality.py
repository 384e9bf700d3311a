"""Language quality inspection in the browser: the agent's chat box warns before a
forbidden phrase goes out, the QC inspector reviews a scored call with its spans marked,
and the lexicon page's test box."""
import time
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from waits import wait_until

from conftest import make_driver

PASSWORD = "demo1234"




def start_customer_chat(customer, base_url, name):
    """A customer opens the web chat under `name` and waits for the message box."""
    customer.get(base_url + "/chat")
    customer.find_element(By.NAME, "name").send_keys(name)
    customer.find_element(By.CSS_SELECTOR, "#chat-start-form button[type=submit]").click()
    wait_until(customer, lambda d: d.find_element(By.ID, "customer-send-form"))


def test_chat_box_warns_then_sends_on_confirmation(driver, base_url, login, screenshot):
    customer = make_driver()
    try:
        name = "测试客户" + uuid.uuid4().hex[:4]
        start_customer_chat(customer, base_url, name)
        customer.find_element(By.NAME, "text").send_keys("我的宽带断了，怎么办")
        customer.find_element(By.CSS_SELECTOR, "#customer-send-form button[type=submit]").click()
        wait_until(customer, lambda d: "我的宽带断了" in d.find_element(By.ID, "chat-log").text)

        login(driver, base_url, "1002", PASSWORD)
        driver.get(base_url + "/chats")
        driver.find_element(By.LINK_TEXT, name).click()
        wait_until(driver, lambda d: d.find_element(By.ID, "chat-accept-form")).find_element(By.TAG_NAME, "button").click()
        box = wait_until(driver, lambda d: d.find_element(By.ID, "chat-text"))
        box.send_keys("你自己去問問吧")
        driver.find_element(By.ID, "chat-send").click()
        warning = wait_until(driver, lambda d: d.find_element(By.ID, "check-warning") if d.find_element(By.ID, "check-warning").is_displayed() else None)
        assert "服务忌语" in warning.text
        assert warning.find_element(By.CSS_SELECTOR, "mark").text == "你自己去問問吧"
        screenshot(driver, "chat-warning")
        # Nothing went out yet; the customer sees no such line.
        time.sleep(2.5)
        assert "你自己去" not in customer.find_element(By.ID, "chat-log").text
        # Second click confirms.
        driver.find_element(By.ID, "chat-send").click()
        wait_until(customer, lambda d: "你自己去問問吧" in d.find_element(By.ID, "chat-log").text, timeout=20)
        # A clean line goes straight out.
        box = wait_until(driver, lambda d: d.find_element(By.ID, "chat-text"))
        box.send_keys("请您稍等，正在为您查询。")
        driver.find_element(By.ID, "chat-send").click()
        wait_until(customer, lambda d: "正在为您查询" in d.find_element(By.ID, "chat-log").text, timeout=20)
        driver.find_element(By.CSS_SELECTOR, "#chat-close-form button").click()
        wait_until(driver, lambda d: "自动评分" in d.find_element(By.ID, "notice").text)
    finally:
        customer.quit()


def test_inspector_reviews_a_scored_call(driver, base_url, login, screenshot):
    login(driver, base_url, "4001", PASSWORD)
    driver.get(base_url + "/qa")
    link = driver.find_element(By.CSS_SELECTOR, "#lowest table a")
    link.click()
    wait_until(driver, lambda d: d.find_element(By.ID, "transcript"))
    assert driver.find_elements(By.CSS_SELECTOR, "#findings li.finding")
    screenshot(driver, "qa-review")
    driver.find_element(By.ID, "finish-review").click()
    wait_until(driver, lambda d: d.find_element(By.ID, "contact-status").get_attribute("data-status") == "reviewed")
    assert driver.find_element(By.ID, "final-score").text.strip().isdigit()


def test_lexicon_test_box(driver, base_url, login):
    login(driver, base_url, "9001", PASSWORD)
    driver.get(base_url + "/qa/lexicon")
    box = driver.find_element(By.NAME, "test")
    box.send_keys("知道了，知道了，不要再讲了")
    box.submit()
    result = wait_until(driver, lambda d: d.find_element(By.ID, "test-result"))
    assert result.find_element(By.CSS_SELECTOR, "mark").text == "知道了，知道了，不要再讲了"
    assert "烦躁" in result.text


def test_agent_sees_own_results(driver, base_url, login):
    login(driver, base_url, "1001", PASSWORD)
    driver.get(base_url + "/qa/mine")
    assert driver.find_elements(By.CSS_SELECTOR, "#my-contacts table tr[data-contact]")
