#!/usr/bin/env python3
"""The explorer (`uptake serve`) in a real browser, as a user would use it.

    python3 Tests/Browser/explorer_test.py PATH_TO_UPTAKE

Starts `uptake serve --port 0` on a scratch copy of the project (its
scenarios/ and plugins/), opens the address it prints in headless Chromium
(Debian's chromium and chromium-driver; selenium from PyPI), then:

- chooses the baseline scenario, makes the run small (ticks, firms) and
  moves the tax-relief rate slider, which must mark its row as changed;
- runs it and waits for the page to say it is done, then checks that every
  chart has drawn marks (a polyline with points, or paths, circles, rects);
- pins it, runs the baseline (pinned by itself) and checks the comparison
  table has both;
- fails on any SEVERE message in the browser's console (a script error, a
  resource refused by the page's policy, a 403);
- takes a screenshot, out/browser/explorer.png, and checks it is not blank.

Prints one line per check and ends with `N passed, N failed`; exit status
1 if any check failed. CHROMIUM and CHROMEDRIVER override the browser and
driver paths.
"""

import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCREENSHOT = os.path.join(ROOT, "out", "browser", "explorer.png")
RUN_TIMEOUT = 180  # seconds for one small run, on a loaded 2-core machine


class Checks:
    def __init__(self):
        self.passed, self.failed = 0, 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print(f"ok    {what}")
        else:
            self.failed += 1
            print(f"FAIL  {what}" + (f": {detail}" if detail else ""))
        return ok


def scratch_project():
    """A copy of the project's scenarios and plugins in a temporary folder."""
    folder = tempfile.mkdtemp(prefix="uptake-explorer-")
    for name in ("scenarios", "plugins"):
        shutil.copytree(os.path.join(ROOT, name), os.path.join(folder, name))
    return folder


def start_server(uptake, project):
    """`uptake serve PROJECT --port 0` and the address it prints (with its token)."""
    server = subprocess.Popen(
        [uptake, "serve", project, "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    for line in server.stdout:
        line = line.strip()
        if line.startswith("http://"):
            return server, line
        if time.monotonic() > deadline:
            break
    server.kill()
    raise SystemExit("uptake serve printed no address; it said: " + line)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = os.environ.get("CHROMEDRIVER", shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=Service(driver_path), options=options)


def wait_for_state(driver, states, timeout):
    """Waits until the page's body says one of `states` (data-state); returns it."""
    WebDriverWait(driver, timeout).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-state") in states)
    return driver.find_element(By.TAG_NAME, "body").get_attribute("data-state")


def set_number(driver, element_id, value):
    field = driver.find_element(By.ID, element_id)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(str(value))


def drawn_marks(figure):
    """How many marks a chart's SVG has drawn: polylines with two points or more, paths, circles, rects."""
    return figure.parent.execute_script(
        """
        const svg = arguments[0].querySelector('svg');
        if (!svg) return 0;
        let n = 0;
        for (const p of svg.querySelectorAll('polyline, polygon'))
          if ((p.getAttribute('points') || '').trim().split(/\\s+/).length >= 2) n++;
        for (const p of svg.querySelectorAll('path')) if ((p.getAttribute('d') || '').length > 2) n++;
        n += svg.querySelectorAll('circle, rect').length;
        return n;
        """, figure)


def png_is_blank(data):
    """True if the PNG is one flat colour: its decompressed scanlines have almost no distinct bytes."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, chunks = 8, []
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        if kind == b"IDAT":
            chunks.append(data[position + 8:position + 8 + length])
        position += 12 + length
    pixels = zlib.decompress(b"".join(chunks))
    return len(set(pixels)) < 16


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: explorer_test.py PATH_TO_UPTAKE")
    uptake = os.path.abspath(sys.argv[1])
    checks = Checks()
    project = scratch_project()
    server, address = start_server(uptake, project)
    driver = None
    try:
        driver = browser()
        driver.get(address)
        checks.check(wait_for_state(driver, ("ready",), 60) == "ready", "the page loads the project's scenarios")
        Select(driver.find_element(By.ID, "scenario")).select_by_value("scenarios/baseline.lua")
        set_number(driver, "knob-ticks", 16)
        set_number(driver, "knob-firms", 3000)

        slider = driver.find_element(By.CSS_SELECTOR, "input[type=range][aria-label='tax-relief.rate']")
        slider.click()
        for _ in range(5):
            slider.send_keys(Keys.ARROW_RIGHT)
        rate = driver.find_element(By.ID, "tax-relief.rate")
        row = rate.find_element(By.XPATH, "ancestor::div[contains(@class,'param')][1]")
        checks.check(float(rate.get_attribute("value")) > 0, "the slider moves the rate's number box",
                     rate.get_attribute("value"))
        checks.check("changed" in row.get_attribute("class"), "the moved control is marked as changed")
        checks.check("Source:" in row.get_attribute("title") and "Range: 0 to 2" in row.get_attribute("title"),
                     "the control's title gives its doc, unit, range and source", row.get_attribute("title"))

        driver.find_element(By.ID, "run").click()
        state = wait_for_state(driver, ("done", "failed"), RUN_TIMEOUT)
        checks.check(state == "done", "the run finishes", driver.find_element(By.ID, "status").text)
        figures = driver.find_elements(By.CSS_SELECTOR, "#charts figure[data-chart]")
        checks.check(len(figures) > 0, "the run shows charts")
        for figure in figures:
            marks = drawn_marks(figure)
            checks.check(marks > 0, f"chart {figure.get_attribute('data-chart')} has drawn marks ({marks})")
        links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#downloads a")]
        checks.check(any("series.csv" in link and "token=" in link for link in links),
                     "series.csv can be downloaded", str(links))
        checks.check(any("report.html" in link and "token=" in link for link in links),
                     "the run's HTML report can be downloaded", str(links))

        driver.find_element(By.ID, "pin").click()
        driver.find_element(By.ID, "baseline").click()
        state = wait_for_state(driver, ("done", "failed"), RUN_TIMEOUT)
        checks.check(state == "done", "the baseline run finishes", driver.find_element(By.ID, "status").text)
        headers = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "#compare tr:first-child th")]
        checks.check(len(headers) == 3 and headers[1].startswith("baseline"),
                     "the comparison has the baseline and the pinned run", str(headers))
        pinned = driver.find_elements(By.CSS_SELECTOR, "#pins .pin figure svg")
        checks.check(len(pinned) >= 2, "pinned runs show their charts side by side", str(len(pinned)))

        severe = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        checks.check(not severe, "no SEVERE console messages", "; ".join(severe))

        os.makedirs(os.path.dirname(SCREENSHOT), exist_ok=True)
        picture = driver.get_screenshot_as_png()
        with open(SCREENSHOT, "wb") as out:
            out.write(picture)
        checks.check(not png_is_blank(picture), f"the screenshot is not blank ({os.path.relpath(SCREENSHOT, ROOT)})")
    finally:
        if driver:
            driver.quit()
        server.send_signal(signal.SIGINT)
        try:
            status = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            status = None
        checks.check(status == 130, "Ctrl-C stops the server (exit status 130)", str(status))
        shutil.rmtree(project, ignore_errors=True)
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
