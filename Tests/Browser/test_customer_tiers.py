"""Customer tiers by value in the browser (R5.2): the admin names the tiers the seed's
second way, uploads a month of revenue, re-tiers, and sees the move with its reason; the
page has no serious or critical axe-core finding at 1440 and 390 px."""
import tempfile
import time

from axe_selenium_python import Axe
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from test_core_loop import PASSWORD, create_order, unique_phone, wait_for, wait_text


def axe_findings(driver):
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    return [v["id"] for v in results["violations"] if v.get("impact") in ("serious", "critical")]


def check_widths(driver):
    """No serious or critical axe finding and no sideways scrolling at 1440 and 390 px."""
    for width in (1440, 390):
        driver.set_window_size(width, 900)
        time.sleep(0.3)
        assert axe_findings(driver) == [], f"axe at {width}px"
        assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), f"overflow at {width}px"
    driver.set_window_size(1440, 900)


def test_admin_tiers_customers_by_revenue(driver, base_url, login, screenshot):
    # A customer of the operating company, created through an order.
    login(driver, base_url, "1001", PASSWORD)
    phone = unique_phone()
    create_order(driver, base_url, "分级（浏览器）", phone)
    driver.delete_all_cookies()

    login(driver, base_url, "9001", PASSWORD)
    driver.get(f"{base_url}/customers/tiers?company=HQ")
    form = wait_for(driver, "#tier-policy-form")
    check_widths(driver)

    # The seed's metal names; the thresholds as they are.
    Select(form.find_element(By.NAME, "scheme")).select_by_value("metals")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_text(driver, "#notice", "分级规则已保存")
    assert driver.find_element(By.NAME, "name0").get_attribute("value") == "铂金层级"

    # Last month's revenue for the new customer: enough for the top tier.
    last = driver.find_element(By.ID, "tier-window").get_attribute("data-last")
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as f:
        f.write(f"电话,账期,收入\n{phone},{last},\"150,000\"\n13000000000,{last},1\n")
        path = f.name
    upload = driver.find_element(By.ID, "tier-values-form")
    upload.find_element(By.NAME, "file").send_keys(path)
    upload.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    result = wait_for(driver, "#import-result")
    assert "已导入 1 行" in result.text and "第 3 行" in result.text

    driver.find_element(By.CSS_SELECTOR, "#retier-form button").click()
    wait_text(driver, "#notice", "已重新分级")
    changes = driver.find_element(By.ID, "tier-changes").text
    assert "铂金层级" in changes and "¥150,000.00" in changes
    screenshot(driver, "customer-tiers")
    assert axe_findings(driver) == []
