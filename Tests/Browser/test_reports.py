"""The order report (issue 16, R10.1): a shift lead opens 报表 from the menu, reads this
month's figures beside last month's, groups by channel, and follows a figure to the orders
behind it. No serious or critical axe-core finding and no overflow at 1440 and 390 px."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_customer_tiers import check_widths
from waits import wait_until

PASSWORD = "demo1234"


def test_lead_reads_the_month_and_drills_down(driver, base_url, login, screenshot):
    login(driver, base_url, "3001", PASSWORD)
    driver.get(f"{base_url}/workspace")
    wait_until(driver, lambda d: d.find_element(By.LINK_TEXT, "报表")).click()
    total = wait_until(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#fig-total .big")).text
    assert int(total) > 0
    assert driver.find_elements(By.CSS_SELECTOR, "#report-charts svg")
    check_widths(driver)
    Select(driver.find_element(By.ID, "report-group")).select_by_value("channel")
    driver.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]").click()
    row = wait_until(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#report-table tbody tr[data-key='phone']"))
    count = int(row.find_elements(By.CSS_SELECTOR, "td a")[0].text)
    screenshot(driver, "reports-orders")
    assert driver.find_element(By.ID, "report-csv").get_attribute("href").endswith("groupBy=channel")
    row.find_elements(By.CSS_SELECTOR, "td a")[0].click()
    listed = wait_until(driver, lambda d: d.find_element(By.XPATH, "//p[contains(., '共 ')]")).text
    assert listed.startswith(f"共 {count}"), (listed, count)
    assert Select(driver.find_element(By.NAME, "channel")).first_selected_option.get_attribute("value") == "phone"
    check_widths(driver)
