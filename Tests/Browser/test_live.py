"""The live floor in the browser: the wallboard updates over its WebSocket when a switch
pushes an event, and the agent's workspace shows the screen pop of the call they are on."""
import json
import urllib.request
import uuid
from datetime import datetime, timezone

from selenium.webdriver.common.by import By

from waits import wait_until

PASSWORD = "demo1234"
DEMO_SWITCH_TOKEN = "cti_demo_switch_token_local_only"




def push(base_url, events):
    req = urllib.request.Request(base_url + "/api/v1/cti/events", method="POST", data=json.dumps(events).encode())
    req.add_header("Content-Type", "application/json")
    req.add_header("Authorization", "Bearer " + DEMO_SWITCH_TOKEN)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def test_wallboard_updates_live(driver, base_url, login, screenshot):
    login(driver, base_url, "3001", PASSWORD)
    driver.get(base_url + "/wallboard")
    before = int(driver.find_element(By.ID, "wb-waiting").text)
    # Let the socket connect before the event arrives.
    wait_until(driver, lambda d: d.find_element(By.ID, "wallboard").get_attribute("data-updated"))
    now = datetime.now(timezone.utc).isoformat()
    call = "browser-" + uuid.uuid4().hex[:8]
    r = push(base_url, [{"id": call, "type": "enqueued", "at": now, "callId": call, "queue": "inbound", "caller": "13800000000"}])
    assert r["accepted"] == 1
    wait_until(driver, lambda d: int(d.find_element(By.ID, "wb-waiting").text) == before + 1)
    screenshot(driver, "wallboard")
    driver.get(base_url + "/wallboard?big=1")
    assert driver.find_element(By.ID, "wb-waiting").text == str(before + 1)


def test_agent_sees_screen_pop(driver, base_url, login, screenshot):
    login(driver, base_url, "1001", PASSWORD)
    driver.get(base_url + "/workspace")
    pop = driver.find_element(By.ID, "screen-pop")
    assert "来电" in pop.text
    assert "很高兴为您服务" in driver.find_element(By.ID, "opening-phrase").text
    screenshot(driver, "screen-pop")


def test_wallboard_ticks_names_queues_and_marks_thresholds(driver, base_url, login, screenshot):
    login(driver, base_url, "3001", PASSWORD)
    # A VIP caller who has been waiting a minute: past the 20-second service level.
    call = "browser-" + uuid.uuid4().hex[:8]
    started = datetime.fromtimestamp(datetime.now(timezone.utc).timestamp() - 60, timezone.utc).isoformat()
    assert push(base_url, [{"id": call, "type": "enqueued", "at": started, "callId": call, "queue": "vip", "caller": "13800000001"}])["accepted"] == 1
    driver.get(base_url + "/wallboard")
    # The table is redrawn on every pushed frame and every second: read it in one script
    # call, so no element goes stale between finding and reading it.
    def queue_names(d):
        return d.execute_script(
            "return Array.from(document.querySelectorAll('#wb-queues tbody td:first-child')).map(td => td.textContent.trim())")
    wait_until(driver, lambda d: "VIP" in queue_names(d), timeout=5)
    cells = queue_names(driver)
    assert "VIP" in cells and "vip" not in cells and "inbound" not in cells
    tile = driver.find_element(By.ID, "wb-longest-tile")
    assert "alert" in tile.get_attribute("class")
    assert driver.find_element(By.ID, "wb-longest-flag").is_displayed()
    # Between events the clock and the longest wait keep running.
    def text_of(d, element_id):
        return d.execute_script("const e = document.getElementById(arguments[0]); return e ? e.textContent : null", element_id)
    clock, longest = text_of(driver, "wb-at"), text_of(driver, "wb-longest")
    wait_until(driver, lambda d: text_of(d, "wb-at") != clock, timeout=5)
    wait_until(driver, lambda d: text_of(d, "wb-longest") != longest, timeout=5)
    screenshot(driver, "wallboard-thresholds")
    # The big screen: no header, no menu.
    driver.get(base_url + "/wallboard?big=1")
    assert not driver.find_elements(By.TAG_NAME, "nav")
    assert not driver.find_elements(By.CSS_SELECTOR, "header.top")
    wait_until(driver, lambda d: "VIP" in queue_names(d), timeout=5)
    screenshot(driver, "wallboard-big")
