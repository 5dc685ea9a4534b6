"""``drafter serve`` in a real browser: Debian's Chromium, driven by Selenium through chromedriver.

The server is the one ``drafter serve`` runs (waitress), on a free port of this machine. Each
test saves screenshots of the pages it visits under its temporary directory
(``<tmp>/screens``), for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from docx import Document

from .conftest import SAMPLES
from .webutil import sample_sheet

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _need_browser() -> None:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        if os.environ.get("DRAFTER_REQUIRE_BROWSER"):
            pytest.fail("Chromium and chromedriver are required (DRAFTER_REQUIRE_BROWSER is set)")
        pytest.skip(
            "Debian's chromium and chromium-driver are not installed; .ci/run installs them"
        )


@pytest.fixture
def server(tmp_path):
    _need_browser()
    from waitress import create_server

    from drafter.web import create_app

    app = create_app(tmp_path / "cases.sqlite3")
    srv = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.effective_port}", app
    srv.close()


@pytest.fixture
def browser(tmp_path):
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
        f"--user-data-dir={tmp_path / 'chrome-profile'}",
    ):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    driver.downloads = downloads
    driver.screens = tmp_path / "screens"
    driver.screens.mkdir()
    yield driver
    driver.quit()


def shot(driver, name: str) -> Path:
    path = driver.screens / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def by_name(driver, name):
    return driver.find_element("name", name)


def click(driver, element) -> None:
    """Click as a person would: the element scrolled to the middle of the window first."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def fill(driver, name: str, value: str) -> None:
    element = by_name(driver, name)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    if element.tag_name == "select":
        element.find_element("css selector", f'option[value="{value}"]').click()
    elif element.get_attribute("type") in ("date", "time"):
        # a date input's typing order depends on the browser's locale: set the ISO value
        driver.execute_script("arguments[0].value = arguments[1];", element, value)
    else:
        element.clear()
        element.send_keys(value)


def field_error(driver, path: str) -> str:
    block = driver.find_element("css selector", f'div.field[data-path="{path}"]')
    errors = block.find_elements("css selector", "p.error")
    return errors[0].text if errors else ""


def wait_for(predicate, timeout: float = 20.0):
    """Poll until ``predicate`` is true; a page reloading under it (stale element) is a retry."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            found = predicate()
        except (StaleElementReferenceException, NoSuchElementException):
            found = None
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def test_a_paralegal_creates_a_case_fixes_an_error_and_downloads_the_letter(server, browser):
    base, _ = server
    browser.get(base + "/cases")
    shot(browser, "01-empty-list")
    browser.find_element("link text", "New case").click()
    browser.find_element("id", "new-blank").click()
    wait_for(lambda: "/edit" in browser.current_url, timeout=10)
    for name, value in {
        "respondent.given_name": "Ana",
        "respondent.family_name": "Testa",
        "respondent.pronouns": "she",
        "respondent.a_number": "12",
        "respondent.date_of_birth": "1990-01-02",
        "respondent.country_of_citizenship": "Peru",
        "respondent.entry.manner": "entered_without_inspection",
        "proceedings.status": "pending",
        "proceedings.court.city": "Houston",
        "proceedings.court.state": "TX",
        "opla_office.name": "Office of the Principal Legal Advisor, Houston",
        "opla_office.address.street": "1 Example Plaza",
        "opla_office.address.city": "Houston",
        "opla_office.address.state": "TX",
        "opla_office.address.postal_code": "77002",
        "filing.date": "2026-11-20",
        "request.relief": "administrative_closure",
    }.items():
        fill(browser, name, value)
    click(browser, by_name(browser, "self_represented"))
    shot(browser, "02-form-filled")
    click(browser, browser.find_element("id", "save"))
    saved = browser.find_element("id", "saved-draft")  # waits for the page after the save
    message = field_error(browser, "respondent.a_number")
    assert "is not an A-number" in message
    shot(browser, "03-error-at-the-field")
    # the error is beside the field itself, and the case was kept as a draft
    assert "Saved as a draft" in saved.text
    fill(browser, "respondent.a_number", "A000-000-901")
    click(browser, browser.find_element("id", "save"))
    wait_for(lambda: "Saved as version" in browser.page_source)
    suggest = browser.find_element("id", "suggest").text
    assert "Request for Prosecutorial Discretion" in suggest
    shot(browser, "04-case-with-suggestions")
    browser.get(browser.current_url.split("?")[0] + "/draft/pd-request")
    preview = browser.find_element("id", "preview").text
    assert "Ana Testa" in preview
    assert "Before filing" in browser.find_element("id", "memo").text
    shot(browser, "05-draft-preview")
    browser.find_element("id", "download-docx").click()
    letter = wait_for(lambda: next(iter(browser.downloads.glob("*.docx")), None))
    wait_for(lambda: not list(browser.downloads.glob("*.crdownload")))
    text = "\n".join(p.text for p in Document(str(letter)).paragraphs)
    assert "Ana Testa" in text and "A000-000-901" in text


def test_two_tabs_editing_one_case_the_second_save_is_refused(server, browser):
    base, app = server
    browser.get(base + "/cases/new")
    browser.find_element("css selector", "button[value=sample]").click()
    wait_for(lambda: re.search(r"/cases/\d+$", browser.current_url))
    case_url = browser.current_url
    browser.get(case_url + "/edit")
    first = browser.current_window_handle
    browser.switch_to.new_window("tab")
    browser.get(case_url + "/edit")
    second = browser.current_window_handle
    browser.switch_to.window(first)
    fill(browser, "respondent.language", "Quechua")
    click(browser, browser.find_element("id", "save"))
    wait_for(lambda: "Saved as version 2" in browser.page_source)
    browser.switch_to.window(second)
    fill(browser, "respondent.language", "Aymara")
    click(browser, browser.find_element("id", "save"))
    conflict = browser.find_element("id", "conflict").text
    assert "Not saved" in conflict and "version 2" in conflict
    shot(browser, "06-conflict")
    store = app.extensions["drafter_store"]
    assert store.latest(1).data["respondent"]["language"] == "Quechua"


def test_a_batch_with_a_bad_row_is_reported(server, browser, tmp_path):
    base, _ = server
    sheet = tmp_path / "clients.csv"
    sheet.write_text(sample_sheet(SAMPLES[2:4], bad_row=0), encoding="utf-8")
    browser.get(base + "/batch")
    by_name(browser, "sheet").send_keys(str(sheet))
    browser.find_element("id", "start-batch").click()
    wait_for(lambda: "Done:" in browser.find_element("id", "batch-status").text, timeout=60)
    assert "2 rows, 1 failed" in wait_for(lambda: browser.find_element("id", "batch-status").text)
    table = wait_for(lambda: browser.find_element("id", "batch-rows").text)
    assert "failed" in table and "is not an A-number" in table
    shot(browser, "07-batch-results")
    browser.get(base + "/clauses/pd.closing")
    shot(browser, "08-clause")
