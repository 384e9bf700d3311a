"""班组 in the browser: the admin sets up a team from 系统管理 and puts an agent in it; the
demo team lead (2001) reads their team's day and nobody else's. No serious or critical
axe-core finding and no overflow at 1440 and 390 px."""
import random

from selenium.webdriver.common.by import By

from test_core_loop import PASSWORD, wait_for, wait_text
from test_special_customers import check_page


def test_admin_builds_a_team(driver, base_url, login, screenshot):
    login(driver, base_url, "9001", PASSWORD)
    driver.get(f"{base_url}/admin")
    wait_for(driver, "a[href='/admin/teams']").click()
    form = wait_for(driver, "#team-form")
    name = f"测试组{random.randint(0, 99_999)}"
    form.find_element(By.NAME, "name").send_keys(name)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_text(driver, "#notice", "班组已建立")
    team = driver.find_element(By.XPATH, f"//div[contains(@class,'team')][h3[contains(., '{name}')]]")
    adder = team.find_element(By.CSS_SELECTOR, "form[action$='/members']")
    adder.find_element(By.NAME, "members").send_keys("1201")
    adder.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_text(driver, "#notice", "已加入班组")
    team = driver.find_element(By.XPATH, f"//div[contains(@class,'team')][h3[contains(., '{name}')]]")
    assert "1201" in team.find_element(By.CSS_SELECTOR, "table.team-members").text
    # A shift lead is no team member: the reason is shown, nothing is added.
    adder = team.find_element(By.CSS_SELECTOR, "form[action$='/members']")
    adder.find_element(By.NAME, "members").send_keys("3001")
    adder.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert "3001" in wait_for(driver, "#error").text
    check_page(driver, "teams")
    screenshot(driver, "teams")


def test_team_lead_reads_the_team_day(driver, base_url, login, screenshot):
    login(driver, base_url, "2001", PASSWORD)
    driver.get(f"{base_url}/reports/agents")
    table = wait_for(driver, "#team-table")
    assert "本组（一组）" in driver.find_element(By.CSS_SELECTOR, "#team-day h2").text
    assert table.find_elements(By.CSS_SELECTOR, "tr[data-work-id='1001']")
    assert not table.find_elements(By.CSS_SELECTOR, "tr[data-work-id='1201']")
    assert driver.find_element(By.ID, "team-total")
    check_page(driver, "the team day")
    screenshot(driver, "reports-agents-team")
