#!/usr/bin/env python3
"""The HTML reports in a real browser: headless Chromium driven by Selenium.

Builds a run report (`uptake run --report`) and a batch report (`uptake
report RESULTS.db`, a small Morris batch against a baseline, so every kind
of chart is in it) with the built binary, opens each in headless Chromium
and checks what a person would see:

- the browser logs no error (a blocked outside resource, a bad SVG, a
  script error would be a SEVERE entry of the browser log);
- the page fetched nothing (no resource entries in the Performance API);
- every chart <svg> has drawn marks: elements with `data-series` whose
  bounding box is not empty, as many as the HTML has;
- under print media the contents list is hidden and the page stays white;
- a screenshot of the page is not blank (many colours, and ink on the white).

Screenshots go to out/browser/, the reports and their inputs to
out/browser/work/ (git-ignored, made anew each time). With --update-docs the top of
each page is also written to docs/images/ for docs/pictures.md.

    scripts/browser-test.sh [--update-docs]     (makes the venv, then runs this)
"""

import argparse
import json
import os
import subprocess
import sys
import shutil
import time

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "out", "browser")

EXPERIMENT = """
return experiment {
  name = "Tax relief, screened with Morris",
  scenario = "%(scenario)s",
  seed = 5,
  set = { ["firms.count"] = 1500, ticks = 16 },
  levers = { ["tax-relief.rate"] = { 0, 0.3 } },
  uncertainties = {
    ["model.word_of_mouth"] = { min = 0.25, max = 0.75 },
    ["model.media_influence"] = { min = 0.01, max = 0.06 },
  },
  design = { kind = "morris", trajectories = 4 },
  replicates = 2,
  common_random_numbers = true,
  baseline = { ["tax-relief.rate"] = 0 },
  record = {
    final = { "adopters", "adoption", "spend_cumulative" },
    series = { "adoption" },
    every = 4,
  },
}
"""


def uptake(binary, *arguments):
    result = subprocess.run([binary, *arguments], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("uptake %s failed (%d): %s" % (" ".join(arguments), result.returncode, result.stderr))
    return result.stdout


def make_reports(binary, scratch):
    """The two reports, made from the project folder with paths relative to it (as the reports show them)."""
    relative = os.path.relpath(scratch, ROOT)
    run_dir = os.path.join(relative, "run")
    uptake(binary, "run", "scenarios/baseline.lua", "--out", run_dir, "--report", "--quiet")
    experiment = os.path.join(relative, "experiment.lua")
    with open(os.path.join(ROOT, experiment), "w") as f:
        f.write(EXPERIMENT % {"scenario": os.path.relpath(os.path.join(ROOT, "scenarios", "baseline.lua"), scratch)})
    database = os.path.join(relative, "batch.db")
    uptake(binary, "batch", experiment, "--out", database, "--quiet", "--jobs", "2")
    batch_report = os.path.join(relative, "batch.html")
    uptake(binary, "report", database, "-o", batch_report, "--quiet")
    return {"run-report": os.path.join(ROOT, run_dir, "report.html"), "batch-report": os.path.join(ROOT, batch_report)}


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--hide-scrollbars", "--window-size=1200,900", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


MARKS = """
return Array.from(document.querySelectorAll('svg.chart')).map(function (svg) {
  var marks = Array.from(svg.querySelectorAll('[data-series]'));
  var drawn = marks.filter(function (e) { var b = e.getBBox(); return b.width > 0 || b.height > 0; });
  var box = svg.getBoundingClientRect();
  return { id: svg.id, marks: marks.length, drawn: drawn.length, width: box.width, height: box.height,
           title: (svg.querySelector('title') || {}).textContent || '' };
});
"""


def check_page(driver, name, path, failures):
    driver.get("file://" + path)
    severe = [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
    if severe:
        failures.append("%s: the browser logged errors: %s" % (name, severe))
    fetched = driver.execute_script("return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    if fetched:
        failures.append("%s: the page fetched %s" % (name, fetched))
    charts = driver.execute_script(MARKS)
    if len(charts) < 4:
        failures.append("%s: only %d charts" % (name, len(charts)))
    for chart in charts:
        if chart["drawn"] == 0 or chart["drawn"] < chart["marks"] * 0.5:
            failures.append("%s, %s: %d of %d marks drawn" % (name, chart["id"], chart["drawn"], chart["marks"]))
        if chart["width"] < 300 or chart["height"] < 100 or not chart["title"]:
            failures.append("%s, %s: shown %dx%d, title %r" % (name, chart["id"], chart["width"], chart["height"],
                                                                chart["title"]))
    # Print: the contents go, the page stays white.
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    printed = driver.execute_script(
        "return [getComputedStyle(document.querySelector('nav') || document.body).display,"
        " getComputedStyle(document.documentElement).backgroundColor]")
    if document_has_nav(driver) and printed[0] != "none":
        failures.append("%s: the contents are shown in print" % name)
    if printed[1] not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"):
        failures.append("%s: the printed page is %s, not white" % (name, printed[1]))
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    # The whole page in one screenshot.
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1200, min(height + 40, 16000))
    shot = os.path.join(OUT, name + ".png")
    driver.save_screenshot(shot)
    driver.set_window_size(1200, 900)
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 22) or []
    white = sum(count for count, colour in colours if colour == (255, 255, 255))
    ink = 1 - white / float(image.width * image.height)
    if len(colours) < 50 or ink < 0.02:
        failures.append("%s: the screenshot looks blank (%d colours, %.1f%% not white)" % (name, len(colours), ink * 100))
    return charts, image, len(colours), ink


def document_has_nav(driver):
    return driver.execute_script("return document.querySelector('nav') !== null")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--uptake", default=os.path.join(ROOT, ".build", "debug", "uptake"))
    parser.add_argument("--update-docs", action="store_true",
                        help="also write the top of each page to docs/images/")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    started = time.time()
    failures = []
    scratch = os.path.join(OUT, "work")
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    pages = make_reports(os.path.abspath(args.uptake), scratch)
    driver = browser()
    try:
        for name, path in pages.items():
            charts, image, colours, ink = check_page(driver, name, path, failures)
            marks = sum(c["drawn"] for c in charts)
            print("%s: %d charts, %d marks drawn, screenshot %dx%d with %d colours, %.0f%% ink -> out/browser/%s.png"
                  % (name, len(charts), marks, image.width, image.height, colours, ink * 100, name))
            if args.update_docs:
                top = image.crop((0, 0, image.width, min(image.height, 2600)))
                top = top.resize((top.width * 3 // 4, top.height * 3 // 4), Image.LANCZOS)
                top = top.convert("P", palette=Image.ADAPTIVE, colors=256)  # a third of the bytes, the same look
                top.save(os.path.join(ROOT, "docs", "images", name + ".png"), optimize=True)
    finally:
        driver.quit()
    for failure in failures:
        print("FAIL " + failure)
    failed = len({failure.split(",")[0].split(":")[0] for failure in failures})
    print("browser test: %d passed, %d failed (%.0f s)" % (len(pages) - failed, failed, time.time() - started))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
