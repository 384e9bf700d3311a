from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def test_login_page_loads(driver, base_url, screenshot):
    driver.get(f"{base_url}/login")
    WebDriverWait(driver, 15).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "form#login-form"))
    )
    assert "客服" in driver.title, f"unexpected title: {driver.title!r}"
    assert driver.find_elements(By.CSS_SELECTOR, "form#login-form")
    screenshot(driver, "smoke-login")
