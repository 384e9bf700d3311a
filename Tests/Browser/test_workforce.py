"""Workforce in the browser: the planner's forecast with backtest error and SVG charts,
the roster grid where clicking a cell fills the edit form, the five tables, and an
agent's own roster. Uses the demo month (`kefu demo` loads history, forecasts and
published rosters for last month and this month)."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

PASSWORD = "demo1234"


def test_planner_forecast_roster_and_tables(driver, base_url, login, screenshot):
    login(driver, base_url, "6001", PASSWORD)
    driver.get(base_url + "/workforce")
    assert "排班管理" in driver.title or "排班管理" in driver.page_source
    runs = driver.find_elements(By.CSS_SELECTOR, "#forecast a[href^='/workforce/forecasts/']")
    assert runs, "the demo has forecasts"
    runs[0].click()
    WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.ID, "backtest"))
    assert "WAPE" in driver.find_element(By.ID, "backtest").text
    assert driver.find_elements(By.CSS_SELECTOR, "svg.chart polyline")
    screenshot(driver, "workforce-forecast")

    driver.get(base_url + "/workforce")
    driver.find_element(By.CSS_SELECTOR, "#rosters a").click()
    grid = WebDriverWait(driver, 15).until(lambda d: d.find_element(By.ID, "roster-grid"))
    cell = grid.find_element(By.CSS_SELECTOR, "td.rc.work, td.rc.night")
    work_id = cell.find_element(By.XPATH, "..").get_attribute("data-work-id")
    cell.click()
    assert driver.find_element(By.ID, "cell-work-id").get_attribute("value") == work_id
    assert driver.find_element(By.ID, "cell-day").get_attribute("value") == cell.get_attribute("data-day")
    assert Select(driver.find_element(By.ID, "cell-shift")).first_selected_option.get_attribute("value") == cell.get_attribute("data-shift")
    screenshot(driver, "workforce-roster")

    driver.get(base_url + "/workforce/tables")
    for n in range(1, 6):
        assert driver.find_element(By.ID, f"table-{n}").is_displayed()
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.chart")) >= 4
    screenshot(driver, "workforce-five-tables")


def test_agent_sees_own_roster(driver, base_url, login, screenshot):
    login(driver, base_url, "1301", PASSWORD)
    driver.get(base_url + "/workforce/me")
    months = driver.find_elements(By.CSS_SELECTOR, "section.my-month")
    assert months, driver.page_source[:500]
    assert months[0].find_elements(By.CSS_SELECTOR, "tbody tr")
    assert driver.find_element(By.ID, "swap-form")
    screenshot(driver, "workforce-me")
