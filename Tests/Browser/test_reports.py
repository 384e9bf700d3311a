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


def test_agent_and_lead_read_the_day(driver, base_url, login, screenshot):
    login(driver, base_url, "1001", PASSWORD)
    driver.get(f"{base_url}/workspace")
    wait_until(driver, lambda d: d.find_element(By.LINK_TEXT, "日报")).click()
    wait_until(driver, lambda d: d.find_element(By.ID, "my-day"))
    assert not driver.find_elements(By.ID, "team-table")
    check_widths(driver)
    driver.delete_all_cookies()
    login(driver, base_url, "2001", PASSWORD)
    driver.get(f"{base_url}/reports/agents")
    table = wait_until(driver, lambda d: d.find_element(By.ID, "team-table"))
    assert table.find_elements(By.CSS_SELECTOR, "tr[data-work-id='1001']")
    check_widths(driver)
    screenshot(driver, "reports-agents")


def test_lead_opens_last_weeks_published_report(driver, base_url, login, screenshot):
    login(driver, base_url, "3001", PASSWORD)

    def published(d):
        d.get(f"{base_url}/reports/orders")
        return d.find_element(By.CSS_SELECTOR, "#report-snapshots a")
    wait_until(driver, published, timeout=30).click()
    title = wait_until(driver, lambda d: d.find_element(By.ID, "snapshot-title")).text
    assert "周报" in title or "月报" in title
    check_widths(driver)
    screenshot(driver, "reports-snapshot")


def test_admin_sets_the_fixed_times(driver, base_url, login, screenshot):
    login(driver, base_url, "9001", PASSWORD)
    driver.get(f"{base_url}/reports/fixed")
    box = wait_until(driver, lambda d: d.find_element(By.ID, "fixed-times"))
    check_widths(driver)
    box.clear()
    box.send_keys("25:00")
    driver.find_element(By.CSS_SELECTOR, "#fixed-times-form button").click()
    assert "HH:MM" in wait_until(driver, lambda d: d.find_element(By.ID, "error")).text
    box = driver.find_element(By.ID, "fixed-times")
    box.clear()
    box.send_keys("09:00, 12:00, 17:00")
    driver.find_element(By.CSS_SELECTOR, "#fixed-times-form button").click()
    wait_until(driver, lambda d: "已保存" in d.find_element(By.ID, "notice").text)
    assert driver.find_element(By.ID, "fixed-times").get_attribute("value") == "09:00, 12:00, 17:00"
    check_widths(driver)
    screenshot(driver, "reports-fixed")


def test_lead_reads_the_quality_statistics(driver, base_url, login, screenshot):
    login(driver, base_url, "3001", PASSWORD)
    driver.get(f"{base_url}/reports/orders")
    wait_until(driver, lambda d: d.find_element(By.LINK_TEXT, "质量统计")).click()
    wait_until(driver, lambda d: d.find_element(By.ID, "quality-overview"))
    assert driver.find_elements(By.CSS_SELECTOR, "#workload-table tbody tr")
    check_widths(driver)
    screenshot(driver, "reports-quality")


def test_lead_reads_the_telephony_kpis_and_the_calls_behind_them(driver, base_url, login, screenshot):
    """话务报表 (R10.3): this month's calls from the switch's events, both service levels,
    the interval table in half hours, the week's heat map, and the calls behind a count."""
    login(driver, base_url, "3001", PASSWORD)
    driver.get(f"{base_url}/reports/orders")
    wait_until(driver, lambda d: d.find_element(By.LINK_TEXT, "话务报表")).click()
    offered = wait_until(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#calls-offered .big")).text
    assert int(offered) > 0
    assert driver.find_element(By.CSS_SELECTOR, "#calls-sl2 .big").text.endswith("%")
    assert driver.find_elements(By.CSS_SELECTOR, "#report-charts svg[aria-label^='呼入量热力图']")
    check_widths(driver)
    Select(driver.find_element(By.ID, "report-interval")).select_by_value("30")
    driver.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]").click()
    # Read the table of the new page, not the one being replaced.
    wait_until(driver, lambda d: "interval=30" in d.current_url)
    first = wait_until(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#calls-intervals tbody tr").get_attribute("data-key"))
    assert first.endswith(":00") or first.endswith(":30"), first
    screenshot(driver, "reports-calls")
    link = driver.find_element(By.CSS_SELECTOR, "#calls-queues tbody tr td a")
    count = int(link.text)
    link.click()
    # A month is longer than a list holds: first the days, each with its count.
    days = wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#calls-days-table tbody tr a")
                      or d.find_elements(By.CSS_SELECTOR, "#calls-table") or None)
    if driver.find_elements(By.ID, "calls-days-table"):
        assert sum(int(a.text) for a in days) == count
        check_widths(driver)
        count = int(days[0].text)
        days[0].click()
    rows = wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#calls-table tbody tr") or None)
    assert len(rows) == count
    assert "****" in rows[0].find_elements(By.TAG_NAME, "td")[2].text or rows[0].find_elements(By.TAG_NAME, "td")[2].text == "—"
    check_widths(driver)
    screenshot(driver, "reports-calls-list")
