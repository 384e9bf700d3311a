"""A verified change of a customer's data in the browser (R5.4): the agent opens the
customer from an order, asks for the change with the caller's registered phone, and the
record changes; a wrong value is refused and counted."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from test_core_loop import PASSWORD, create_order, unique_phone, wait_for, wait_text


def open_change_form(driver):
    details = wait_for(driver, "#change-form")
    details.find_element(By.TAG_NAME, "summary").click()
    return details.find_element(By.TAG_NAME, "form")


def test_verified_change_of_a_customer(driver, base_url, login, screenshot):
    login(driver, base_url, "1001", PASSWORD)
    phone = unique_phone()
    create_order(driver, base_url, "资料变更（浏览器）", phone)
    driver.find_element(By.CSS_SELECTOR, "a[href^='/customers/']").click()
    wait_for(driver, "#change-requests")

    # A wrong registered phone: refused, nothing changed, the failure counted.
    form = open_change_form(driver)
    Select(form.find_element(By.NAME, "method")).select_by_value("phone")
    form.find_element(By.NAME, "value").send_keys("13000000000")
    form.find_element(By.NAME, "name").send_keys("冒名顶替")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_text(driver, "#notice", "与档案不符")
    assert "冒名顶替" not in driver.find_element(By.TAG_NAME, "h1").text
    assert "身份核实失败 1 次" in driver.find_element(By.ID, "change-requests").text

    # The right one: the record changes at once (an ordinary customer) and the request is listed.
    form = open_change_form(driver)
    Select(form.find_element(By.NAME, "method")).select_by_value("phone")
    form.find_element(By.NAME, "value").send_keys(phone)
    form.find_element(By.NAME, "name").send_keys("浏览器改名客户")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_text(driver, "#notice", "客户资料已变更")
    assert "浏览器改名客户" in driver.find_element(By.TAG_NAME, "h1").text
    assert "已生效" in driver.find_element(By.ID, "change-requests").text
    screenshot(driver, "customer-change-applied")
