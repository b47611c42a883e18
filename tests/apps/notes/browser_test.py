"""The notes page in a real browser (headless Chromium, driven by Selenium).

Two pages are open on a running `notes serve`: a note added through the form
in one appears in the other without a reload (the /ws/notes WebSocket), is
toggled there and deleted from the first. Any step that does not show on the
page, or an error in either browser console, fails the check. Screenshots go
to the artifacts directory.

Usage: browser_test.py <base url> <artifacts dir>
"""
import pathlib
import sys

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

URL, ARTIFACTS = sys.argv[1], pathlib.Path(sys.argv[2])
ARTIFACTS.mkdir(parents=True, exist_ok=True)
TEXT = "Water the plants"


def browser():
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=900,700"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait_for(driver, what, condition):
    # The page re-renders its list on every live event, so an element found a
    # moment ago may be gone: such a look is retried, not failed.
    try:
        WebDriverWait(driver, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda d: condition(d))
    except TimeoutException:
        driver.save_screenshot(str(ARTIFACTS / "notes-page-failed.png"))
        sys.exit(f"FAIL: {what} did not show on the page within 10 s")
    print(f"ok: {what}")


def note_items(driver):
    return [item for item in driver.find_elements(By.CSS_SELECTOR, "#notes li")
            if item.find_element(By.CSS_SELECTOR, ".text").text == TEXT]


def click_in_note(driver, what, selector):
    def click(d):
        items = note_items(d)
        if not items:
            return False
        items[0].find_element(By.CSS_SELECTOR, selector).click()
        return True
    wait_for(driver, what, click)


def live(driver):
    return driver.find_element(By.ID, "status").get_attribute("data-state") == "live"


def console_errors(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


first, second = browser(), browser()
try:
    for page in (first, second):
        page.get(URL)
    wait_for(first, "the first page's live badge", live)
    wait_for(second, "the second page's live badge", live)

    first.find_element(By.ID, "new-text").send_keys(TEXT)
    first.find_element(By.CSS_SELECTOR, "#new-note button").click()
    wait_for(first, "the new note in the page that added it", lambda d: len(note_items(d)) == 1)
    wait_for(second, "the new note in the other page, without a reload", lambda d: len(note_items(d)) == 1)
    first.save_screenshot(str(ARTIFACTS / "notes-page.png"))

    click_in_note(second, "the toggle clicked", ".toggle")
    wait_for(first, "the note toggled from the other page",
             lambda d: any("completed" in item.get_attribute("class") for item in note_items(d)))

    click_in_note(first, "the delete clicked", ".delete")
    wait_for(second, "the note deleted from the other page", lambda d: not note_items(d))
    wait_for(first, "the empty list", lambda d: d.find_element(By.ID, "empty").is_displayed())

    errors = console_errors(first) + console_errors(second)
    if errors:
        sys.exit("FAIL: the browser console has errors: " + "; ".join(e["message"] for e in errors))
    print("ok: no console errors")
    print(f"screenshot: {ARTIFACTS / 'notes-page.png'}")
finally:
    first.quit()
    second.quit()
