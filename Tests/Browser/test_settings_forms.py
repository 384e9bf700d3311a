"""Settings edited as forms in Chinese (issue 10, no JSON): the planner adds a shift row with
添加班次 and saves it; the admin moves a step of the emergency ladder down and sees the
order change; IVR targets are chosen by name and the 内容 box appears only when needed.
All of it runs under the CSP without inline script (the rows are driven by /js/settings-forms.js)."""
import re

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

PASSWORD = "demo1234"


def gone(old):
    """The old page's element is gone. Chrome sometimes reports a node detached by the
    navigation as "does not belong to the document" instead of stale: the same thing."""
    def check(_):
        try:
            old.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as e:
            if "does not belong to the document" in str(e):
                return True
            raise
    return check


def submit(driver, form_id):
    """Press the form's save button and wait for the next page (its notice), not the old one's."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, f"#{form_id} button[type=submit]").click()
    WebDriverWait(driver, 15).until(gone(old))
    WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.ID, "notice"))


def test_planner_adds_and_removes_a_shift_row(driver, base_url, login, screenshot):
    login(driver, base_url, "6001", PASSWORD)
    driver.get(base_url + "/workforce/setup")
    rows = driver.find_elements(By.CSS_SELECTOR, "#template-rows tbody[data-row]")
    assert rows and "json" not in [t.get_attribute("name") for t in driver.find_elements(By.TAG_NAME, "textarea")]
    driver.find_element(By.ID, "add-template").click()
    new_rows = driver.find_elements(By.CSS_SELECTOR, "#template-rows tbody[data-row]")
    assert len(new_rows) == len(rows) + 1
    row = new_rows[-1]
    code = row.find_element(By.CSS_SELECTOR, "input[name$='_code']")
    assert re.fullmatch(r"t\d+_code", code.get_attribute("name")), code.get_attribute("name")
    code.send_keys("Z")
    row.find_element(By.CSS_SELECTOR, "input[name$='_name']").send_keys("浏览器班")
    driver.execute_script("arguments[0].value='10:00'; arguments[1].value='18:00';",
                          row.find_element(By.CSS_SELECTOR, "input[name$='_start']"), row.find_element(By.CSS_SELECTOR, "input[name$='_end']"))
    row.find_element(By.CSS_SELECTOR, "input[name$='_breaks']").send_keys("13:00-13:30")
    screenshot(driver, "settings-shift-added")
    submit(driver, "templates-form")
    assert driver.find_elements(By.CSS_SELECTOR, "#template-rows input[value='浏览器班']")

    # Remove it again (the demo data stays as it was).
    for r in driver.find_elements(By.CSS_SELECTOR, "#template-rows tbody[data-row]"):
        if r.find_elements(By.CSS_SELECTOR, "input[value='浏览器班']"):
            r.find_element(By.CSS_SELECTOR, "[data-remove-row]").click()
    submit(driver, "templates-form")
    assert not driver.find_elements(By.CSS_SELECTOR, "#template-rows input[value='浏览器班']")


def test_admin_reorders_the_emergency_ladder(driver, base_url, login, screenshot):
    login(driver, base_url, "9001", PASSWORD)
    driver.get(base_url + "/admin/emergency")
    groups = lambda: [Select(s).first_selected_option.text for s in driver.find_elements(By.CSS_SELECTOR, "#day-rows select[name$='_group']")]
    before = groups()
    assert len(before) >= 3 and "流动专家组" in before
    driver.find_elements(By.CSS_SELECTOR, "#day-rows tbody[data-row]")[1].find_element(By.CSS_SELECTOR, "[data-move-row=down]").click()
    moved = groups()
    assert moved[1] == before[2] and moved[2] == before[1]
    names = [s.get_attribute("name") for s in driver.find_elements(By.CSS_SELECTOR, "#day-rows select[name$='_group']")]
    assert names[:3] == ["day0_group", "day1_group", "day2_group"]
    submit(driver, "emergency-policy-form")
    assert groups() == moved
    ladder = driver.find_element(By.ID, "ladder").text
    assert ladder.index(moved[1]) < ladder.index(moved[2])
    screenshot(driver, "settings-emergency")
    # Put it back.
    driver.find_elements(By.CSS_SELECTOR, "#day-rows tbody[data-row]")[1].find_element(By.CSS_SELECTOR, "[data-move-row=down]").click()
    submit(driver, "emergency-policy-form")
    assert groups() == before


def test_ivr_targets_have_chinese_names(driver, base_url, login, screenshot):
    login(driver, base_url, "9001", PASSWORD)
    driver.get(base_url + "/admin/ivr")
    targets = driver.find_elements(By.CSS_SELECTOR, "select[data-target-select]")
    shown = [Select(t).first_selected_option.text for t in targets if Select(t).first_selected_option.get_attribute("value")]
    assert shown and not any(":" in s and s.split(":")[0] in ("queue", "menu", "info") for s in shown)
    assert any(s.startswith("转人工：") for s in shown)
    # A queue key has no 内容 box; choosing 播报信息 shows it.
    select = next(t for t in targets if Select(t).first_selected_option.get_attribute("value").startswith("queue:"))
    row = select.find_element(By.XPATH, "ancestor::tbody[1]")
    detail = row.find_element(By.CSS_SELECTOR, "[data-target-detail]")
    assert not detail.is_displayed()
    Select(select).select_by_value("info")
    assert detail.is_displayed()
    screenshot(driver, "settings-ivr")
