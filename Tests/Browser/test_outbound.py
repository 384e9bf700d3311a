"""外呼 (R7.1–R7.4) in the browser: the outbound agent (1201) takes the next customer of a
survey, reads the opening with their work ID, answers the questionnaire (the skip is
followed) and records the call; the campaign page shows the answer in its results. No serious
or critical axe-core finding and no overflow at 1440 and 390 px."""
import datetime

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_core_loop import PASSWORD, unique_phone, wait_for, wait_text
from test_special_customers import check_page
from waits import center_today


def token(base_url, work_id):
    r = requests.post(f"{base_url}/api/v1/session", json={"workId": work_id, "password": PASSWORD}, timeout=15)
    r.raise_for_status()
    return r.json()["token"]


def test_an_outbound_call_with_a_questionnaire(driver, base_url, login, screenshot):
    headers = {"Authorization": f"Bearer {token(base_url, '1201')}"}
    today = center_today()
    # Hours around the clock, so the test runs whenever CI does.
    campaign = requests.post(f"{base_url}/api/v1/outbound/campaigns", headers=headers, timeout=15, json={
        "name": "浏览器回访", "purpose": "follow_up", "opening": "您好，我是{工号}号话务员，回访一下您的宽带故障。",
        "questions": [
            {"id": "q1", "text": "故障解决了吗？", "kind": "single", "options": ["解决了", "没解决"], "skip": {"解决了": "q3"}},
            {"id": "q2", "text": "还有什么问题？", "kind": "text"},
            {"id": "q3", "text": "请为服务打分", "kind": "rating"},
        ],
        "callingHours": "00:00-24:00", "quietHours": None, "agents": ["1201"],
        "startsOn": today.isoformat(), "endsOn": (today + datetime.timedelta(days=3)).isoformat()})
    assert campaign.status_code == 201, campaign.text
    cid = campaign.json()["id"]
    added = requests.post(f"{base_url}/api/v1/outbound/campaigns/{cid}/targets", headers=headers, timeout=15,
                          json=[{"name": "外呼浏览器客户", "phone": unique_phone()}])
    assert added.status_code == 200 and added.json()["added"] == 1, added.text

    login(driver, base_url, "1201", PASSWORD)
    driver.get(f"{base_url}/outbound")
    wait_for(driver, f"a[href='/outbound/campaigns/{cid}/call']").click()
    wait_for(driver, "#call-next").click()
    opening = wait_for(driver, "#call-opening").text
    assert "1201号话务员" in opening
    assert "外呼浏览器客户" in driver.find_element(By.ID, "call-target").text
    check_page(driver, "the outbound desk")
    form = driver.find_element(By.ID, "call-form")
    form.find_element(By.CSS_SELECTOR, "input[name=a_q1][value='解决了']").click()
    Select(form.find_element(By.NAME, "a_q3")).select_by_visible_text("5")
    Select(form.find_element(By.ID, "call-outcome")).select_by_value("answered")
    screenshot(driver, "outbound-call")
    form.find_element(By.ID, "call-save").click()
    wait_text(driver, "#notice", "已登记")

    driver.get(f"{base_url}/outbound/campaigns/{cid}")
    results = wait_for(driver, "#campaign-results")
    assert "100.0%" in driver.find_element(By.ID, "campaign-completion").text
    assert results.find_elements(By.CSS_SELECTOR, "#result-q3 svg")
    check_page(driver, "the campaign's results")
    screenshot(driver, "outbound-results")
