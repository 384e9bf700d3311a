"""The rest of the knowledge base in the browser (issue 14, R6.1, R6.2): a department liaison
submits knowledge, the knowledge editor accepts it into a draft, inserts a picture and
publishes; a team lead writes a case up from a work order and adds a photo; the order page
lists the case. Every page has no serious or critical axe-core finding and does not
overflow at 1440 and 390 px."""
import os
import re
import struct
import tempfile
import uuid
import zlib

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_customer_tiers import check_widths
from waits import wait_until

PASSWORD = "demo1234"


def png_file():
    """A real 2×2 PNG, written to a temporary file for the file input."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xd0\x20\x20" * 2 for _ in range(2))
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    f = tempfile.NamedTemporaryFile(suffix=".png", delete=False)
    f.write(data)
    f.close()
    return f.name


def test_submission_picture_and_case(driver, base_url, login, screenshot):
    title = "联络员知识" + uuid.uuid4().hex[:6]
    login(driver, base_url, "5001", PASSWORD)
    driver.get(base_url + "/kb")
    driver.find_element(By.ID, "kb-submissions-link").click()
    form = wait_until(driver, lambda d: d.find_element(By.ID, "kb-submit-form"))
    check_widths(driver)
    Select(form.find_element(By.NAME, "kind")).select_by_value("new")
    form.find_element(By.NAME, "title").send_keys(title)
    form.find_element(By.NAME, "text").send_keys("上门更换光猫时回收旧光猫，并登记序列号。")
    driver.find_element(By.ID, "kb-submit").click()
    wait_until(driver, lambda d: "已提交" in d.find_element(By.ID, "notice").text)
    assert title in driver.find_element(By.ID, "kb-submissions").text
    driver.delete_all_cookies()

    # The editor accepts it: a draft to edit, a picture inserted, published.
    login(driver, base_url, "4101", PASSWORD)
    driver.get(base_url + "/kb/submissions")
    row = wait_until(driver, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#kb-submissions tbody tr") if title in r.text][0])
    check_widths(driver)
    row.find_element(By.CSS_SELECTOR, "button[id^=accept-]").click()
    wait_until(driver, lambda d: "已采纳" in d.find_element(By.ID, "notice").text)
    picture = png_file()
    try:
        upload = driver.find_element(By.ID, "kb-image-form")
        upload.find_element(By.NAME, "file").send_keys(picture)
        upload.find_element(By.NAME, "alt").send_keys("旧光猫")
        driver.find_element(By.ID, "kb-image-upload").click()
        wait_until(driver, lambda d: "图片已上传" in d.find_element(By.ID, "notice").text)
        assert "/kb/images/" in driver.find_element(By.NAME, "body").get_attribute("value")
        check_widths(driver)
        driver.find_element(By.ID, "kb-save").click()
        wait_until(driver, lambda d: "草稿已保存" in d.find_element(By.ID, "notice").text)
        driver.find_element(By.ID, "kb-publish").click()
        wait_until(driver, lambda d: "已发布第 1 版" in d.find_element(By.ID, "notice").text)
        img = driver.find_element(By.CSS_SELECTOR, "#kb-body img")
        assert wait_until(driver, lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img)) == 2
        driver.delete_all_cookies()

        # A team lead writes a case up from an order and adds a photo.
        login(driver, base_url, "2001", PASSWORD)
        driver.get(base_url + "/work-orders")
        href = wait_until(driver, lambda d: [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "a[href*='/work-orders/']")
                                             if re.search(r"/work-orders/[0-9A-Fa-f-]{36}$", a.get_attribute("href") or "")][0])
        driver.get(href)
        wait_until(driver, lambda d: d.find_element(By.ID, "write-case")).click()
        form = wait_until(driver, lambda d: d.find_element(By.ID, "case-form"))
        check_widths(driver)
        case_title = "浏览器案例" + uuid.uuid4().hex[:6]
        form.find_element(By.NAME, "title").clear()
        form.find_element(By.NAME, "title").send_keys(case_title)
        form.find_element(By.NAME, "cause").send_keys("入户光纤弯折")
        form.find_element(By.NAME, "lesson").send_keys("第二次来电即约上门")
        driver.find_element(By.ID, "case-save").click()
        wait_until(driver, lambda d: "案例已保存" in d.find_element(By.ID, "notice").text)
        photo = driver.find_element(By.ID, "case-photo-form")
        photo.find_element(By.NAME, "file").send_keys(picture)
        photo.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_until(driver, lambda d: "照片已上传" in d.find_element(By.ID, "notice").text)
        assert driver.find_elements(By.CSS_SELECTOR, "#case-photos img.case-photo")
        check_widths(driver)
        screenshot(driver, "knowledge-case")
        driver.get(href)
        assert case_title in wait_until(driver, lambda d: d.find_element(By.ID, "order-knowledge")).text
        check_widths(driver)
        driver.get(base_url + "/kb/cases")
        assert case_title in wait_until(driver, lambda d: d.find_element(By.ID, "kb-cases")).text
        check_widths(driver)
    finally:
        os.unlink(picture)
