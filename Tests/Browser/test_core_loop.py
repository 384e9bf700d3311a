"""The work-order desk's core loop as people do it in the browser:
agent creates → transfers to a department → liaison writes the receipt →
agent records the callback → closes; plus a refused close and the shift board."""
import time
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from waits import wait_until

PASSWORD = "demo1234"


def wait_for(driver, css, timeout=15):
    return WebDriverWait(driver, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))




def wait_text(driver, css, text, timeout=15):
    """Waits until the element shows `text` — not merely until an element (perhaps of the old page) exists."""
    return wait_until(driver, lambda d: text in d.find_element(By.CSS_SELECTOR, css).text, timeout)


def wait_status(driver, status, timeout=15):
    return wait_until(driver, lambda d: d.find_element(By.ID, "order-status").get_attribute("data-status") == status, timeout)


def call_back_and_close(driver, satisfaction, note):
    """On an open order page: record a callback that reached the customer, then close."""
    form = driver.find_element(By.ID, "callback-form")
    Select(form.find_element(By.NAME, "satisfaction")).select_by_value(satisfaction)
    form.find_element(By.NAME, "note").send_keys(note)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_text(driver, "#notice", "回访已记录")
    driver.find_element(By.ID, "close-button").click()
    wait_status(driver, "closed")


def logout(driver, base_url):
    driver.delete_all_cookies()
    driver.get(base_url + "/login")


def create_order(driver, base_url, subject, phone):
    driver.get(base_url + "/workspace")
    wait_for(driver, "#new-order").click()
    form = wait_for(driver, "#new-order-form")
    form.find_element(By.NAME, "customerName").send_keys("浏览器测试客户")
    form.find_element(By.NAME, "customerPhone").send_keys(phone)
    Select(form.find_element(By.NAME, "type")).select_by_value("complaint")
    Select(form.find_element(By.NAME, "channel")).select_by_value("phone")
    form.find_element(By.NAME, "subject").send_keys(subject)
    form.find_element(By.NAME, "description").send_keys("客户反映晚上宽带频繁断线，已重启光猫无效。")
    driver.find_element(By.ID, "save-order").click()
    number = wait_for(driver, "#order-number").text
    assert number.startswith("GD")
    return number, driver.current_url.split("?")[0]


def unique_phone():
    return "139" + str(uuid.uuid4().int)[:8]


def test_core_loop(driver, base_url, login, screenshot):
    login(driver, base_url, "1001", PASSWORD)
    number, order_url = create_order(driver, base_url, "宽带晚间断线（浏览器）", unique_phone())
    assert wait_for(driver, "#order-status").get_attribute("data-status") == "open"
    screenshot(driver, "order-created")

    # Transfer to 技术部 as a supervision order.
    form = driver.find_element(By.ID, "transfer-form")
    Select(form.find_element(By.NAME, "departmentId")).select_by_visible_text("技术部")
    form.find_element(By.NAME, "note").send_keys("请核查小区光交箱")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_status(driver, "transferred")

    # Closing now is refused with the reason shown.
    driver.find_element(By.ID, "close-button").click()
    wait_text(driver, "#error", "督办单")
    logout(driver, base_url)

    # The liaison of 技术部 writes the receipt.
    login(driver, base_url, "5001", PASSWORD)
    driver.get(base_url + "/supervision")
    row = wait_for(driver, f"tr[data-number='{number}']")
    row.find_element(By.NAME, "text").send_keys("已更换光交箱端口，线路恢复正常")
    row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_text(driver, "#notice", "回单已提交")
    logout(driver, base_url)

    # The agent calls the customer back and closes the order.
    login(driver, base_url, "1001", PASSWORD)
    driver.get(order_url)
    assert wait_for(driver, "#order-status").get_attribute("data-status") == "open"
    call_back_and_close(driver, "5", "我是1001号，回访确认已恢复")
    kinds = [li.get_attribute("data-kind") for li in driver.find_elements(By.CSS_SELECTOR, "#timeline li")]
    assert kinds[:1] == ["created"] and "receipt" in kinds and "callback" in kinds and kinds[-1] == "closed"
    screenshot(driver, "order-closed")


def test_close_without_callback_is_refused(driver, base_url, login):
    login(driver, base_url, "1002", PASSWORD)
    create_order(driver, base_url, "查询话费（拒绝关闭）", unique_phone())
    driver.find_element(By.ID, "close-button").click()
    wait_text(driver, "#error", "回访")
    assert driver.find_element(By.ID, "order-status").get_attribute("data-status") == "open"


def test_bad_input_keeps_what_was_typed(driver, base_url, login):
    login(driver, base_url, "1001", PASSWORD)
    driver.get(base_url + "/work-orders/new")
    form = wait_for(driver, "#new-order-form")
    form.find_element(By.NAME, "customerName").send_keys("输入错误客户")
    form.find_element(By.NAME, "customerPhone").send_keys("12345")
    form.find_element(By.NAME, "subject").send_keys("保留我输入的标题")
    driver.find_element(By.ID, "save-order").click()
    wait_text(driver, "#error", "电话")
    assert driver.find_element(By.NAME, "subject").get_attribute("value") == "保留我输入的标题"


def test_shift_lead_board(driver, base_url, login, screenshot):
    login(driver, base_url, "3001", PASSWORD)
    assert driver.current_url.endswith("/shift")
    assert "今日受理" in wait_for(driver, "#today-counts").text
    assert wait_for(driver, "#escalated")
    screenshot(driver, "shift-board")


def test_workspace_screenshot(driver, base_url, login, screenshot):
    login(driver, base_url, "1001", PASSWORD)
    wait_for(driver, "#my-orders")
    assert "我的工作台" in driver.title
    screenshot(driver, "workspace")


def test_acceptance_form_to_shift_lead(driver, base_url, login, screenshot):
    # The agent cannot resolve the matter and hands it to the shift lead with an acceptance form.
    login(driver, base_url, "1003", PASSWORD)
    number, order_url = create_order(driver, base_url, "客户要求值班长处理（受理单）", unique_phone())
    form = driver.find_element(By.ID, "transfer-form")
    form.find_element(By.CSS_SELECTOR, "input[name=target][value=shift_lead]").click()
    form.find_element(By.NAME, "note").send_keys("客户情绪激动，要求值班长回电")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_text(driver, "#notice", "已转派")
    logout(driver, base_url)

    # The shift lead finds it on the board, calls the customer back and closes it.
    login(driver, base_url, "3001", PASSWORD)
    link = wait_until(driver, lambda d: d.find_element(By.XPATH, f"//ul[@class='notes']//a[contains(., '{number}')]"))
    link.click()
    wait_text(driver, "#order-number", number)
    call_back_and_close(driver, "4", "值班长回电，客户接受处理方案")
    screenshot(driver, "shift-lead-closed")
