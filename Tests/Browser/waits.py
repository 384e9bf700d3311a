"""One wait for every browser test: it waits through a page being replaced.

A form's submit replaces the page; an element found just before that can go
stale (StaleElementReference) or, when Chromium has already dropped the old
document, fail with an inspector error "Node with given id does not belong to
the document". Both mean "the new page is not there yet", so both are retried
rather than failing the test on a race of the machine's speed.
"""
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

_REPLACED_PAGE = ("does not belong to the document", "No node with given id", "Cannot find context with specified id")


def _through_page_swaps(check):
    def attempt(driver):
        try:
            return check(driver)
        except (NoSuchElementException, StaleElementReferenceException):
            return False
        except WebDriverException as error:
            if any(marker in (error.msg or "") for marker in _REPLACED_PAGE):
                return False
            raise
    return attempt


def wait_until(driver, check, timeout=15):
    return WebDriverWait(driver, timeout).until(_through_page_swaps(check))


def center_today():
    """Today on the center's clock (Asia/Shanghai, the demo's zone), not the test machine's:
    between 16:00 and 24:00 UTC the two are different days."""
    import datetime
    from zoneinfo import ZoneInfo
    return datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()
