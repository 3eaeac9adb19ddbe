"""The built book as readers see it, in a real browser (headless Chromium).

Runs after both editions are built (`make browser`, part of `make test`):
  instructor edition  _build/html                (make book / make book-strict)
  student edition     _build/student/_build/html (make book-student)
Every page of _toc.yml is opened from a local HTTP server and as a file://
URL, on a laptop (1366 x 900) and on a phone (390 x 844): nothing may be cut off
(whatever is wider than its box scrolls sideways in a box of its own, the page
itself never does), every image has alt text and a numbered caption, and each
edition says which it is. Screenshots go to
_build/screenshots/<edition>/<page>-1366.png and -390.png; the height of every
page in laptop screens to _build/screenshots/<edition>/screens.json.
Chromium comes from Debian: `apt-get install chromium chromium-driver`.
"""

import base64
import functools
import http.server
import json
import os
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from book_pages import markdown_of, source_of, toc_docnames
from bs4 import BeautifulSoup
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
EDITIONS = {"instructor": ROOT / "_build/html", "student": ROOT / "_build/student/_build/html"}
SHOTS = ROOT / "_build/screenshots"
LAPTOP, PHONE = (1366, 900), (390, 844)
# Printed and code lines must fit the column at 1366 px (82 characters of code font).
# "solution" in a student page is allowed only where it means the answer to a problem.
SOLUTION_WORD = re.compile(r"\bsolutions?\b", re.I)
SOLUTION_ALLOWED = ("working solution",)
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
IN_CI = os.environ.get("CI", "").lower() == "true"
INSTALL = "install it with `sudo apt-get install chromium chromium-driver` (Debian/Ubuntu)"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
# A solution directive in a source file: ```{solution} or :::{solution} or {solution-start}.
SOLUTION_RE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*\{solution(-start)?\}", re.M)
RAW_TEX = ("\\frac", "$$", "\\(", "\\[", "\\begin{")
# Remote URLs in tags that make the browser fetch something (not plain <a> links).
REMOTE_TAG_RE = re.compile(
    r"<(script|link|img|iframe|source)\b[^>]*?\s(src|href)=[\"']?(https?:)?//", re.I
)


PAGES = toc_docnames()


def built(edition):
    out = EDITIONS[edition]
    if not (out / "index.html").exists():
        message = f"{out} is not built: run `make book book-student` first"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return out


def words(text):
    return " ".join(text.split())


def prose_snippet(text):
    """The longest stretch of plain prose in a solution: survives both HTML and Markdown."""
    chunks = re.split(r"[^A-Za-z0-9 ,;'-]+", words(text))
    return max((c.strip() for c in chunks), key=len, default="")


def solution_texts(edition):
    """(page, text) of every rendered solution in an edition's HTML, without its code (a
    reference solution's code repeats its stub's lines; test_gated_solution_code_... tracks it)."""
    out = []
    for page in PAGES:
        soup = BeautifulSoup((built(edition) / f"{page}.html").read_text(), "html.parser")
        for div in soup.select("div.solution"):
            body = div.select_one("section") or div
            for code in body.select("div.cell, div.highlight, pre"):
                code.decompose()
            out.append((page, words(body.get_text(" "))))
    return out


# --------------------------------------------------------------------------- static checks


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_asset_from_another_host(edition):
    """Offline reading: no script, stylesheet, font or image is fetched from the network."""
    out, bad = built(edition), []
    for path in out.rglob("*.html"):
        bad += [f"{path.relative_to(out)}: {m.group(0)}" for m in REMOTE_TAG_RE.finditer(path.read_text())]
    for path in out.glob("_static/**/*.css"):
        text = path.read_text(errors="replace")
        remote = re.findall(r"url\(\s*[\"']?(?:https?:)?//[^)]*\)", text)
        bad += [f"{path.relative_to(out)}: {m}" for m in remote]
    assert not bad, "remote assets:\n" + "\n".join(bad)


@pytest.mark.parametrize("edition", EDITIONS)
def test_mathjax_is_the_local_copy(edition):
    out = built(edition)
    mathjax = out / "_static/mathjax/tex-chtml.js"
    assert mathjax.stat().st_size > 100_000
    assert 'VERSION="3.' in mathjax.read_text(errors="replace")[:200_000]
    for page in PAGES:
        html = (out / f"{page}.html").read_text()
        if 'class="math' in html:
            assert re.search(r'<script[^>]*src="(\.\./)*_static/mathjax/tex-chtml\.js(\?[^"]*)?"', html), page


def test_every_edition_says_what_it_is():
    for edition in EDITIONS:
        for page in PAGES:
            html = (built(edition) / f"{page}.html").read_text()
            assert f'<meta name="book-edition" content="{edition}" />' in html, (edition, page)


def test_solutions_in_instructor_edition_only():
    """Every solution in the sources is shown to instructors and to no student."""
    in_sources = {p: len(SOLUTION_RE.findall(markdown_of(source_of(p)))) for p in PAGES}
    shown = solution_texts("instructor")
    for page, count in in_sources.items():
        assert sum(1 for p, _ in shown if p == page) == count, f"{page}: solutions lost"
    assert solution_texts("student") == []
    student = built("student")
    texts = {f: words(f.read_text(errors="replace")) for f in student.rglob("*")
             if f.is_file() and f.suffix in {".html", ".js", ".ipynb", ".md", ".txt"}}
    for page, text in shown:
        snippet = prose_snippet(text)
        assert len(snippet) >= 12, f"{page}: solution has too little prose to track: {text!r}"
        leaks = [str(f.relative_to(student)) for f, t in texts.items() if snippet in t]
        assert not leaks, f"solution text {snippet!r} of {page} in the student edition: {leaks}"
    for path in student.glob("_sources/**/*"):
        if path.is_file():
            assert not SOLUTION_RE.search(markdown_of(path) if path.suffix == ".ipynb"
                                          else path.read_text()), path


def gated_solution_code(path):
    """Code cells inside gated solutions (solution-start ... solution-end) of a notebook."""
    if path.suffix != ".ipynb":
        return []
    out, inside = [], False
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            inside = {"{solution-start}": True, "{solution-end}": False}.get(
                next((k for k in ("{solution-start}", "{solution-end}") if k in text), ""), inside)
        elif inside:
            out.append(text)
    return out


def no_space(text):
    return re.sub(r"\s+", "", text)


def test_gated_solution_code_in_instructor_edition_only():
    """A coding exercise's reference solution (code cells in a gated solution) is inside the
    instructor's folded solution, and nowhere in the student edition: not on the page, not in
    the downloadable notebook."""
    pages = {p: gated_solution_code(source_of(p)) for p in PAGES}
    if not any(pages.values()):
        pytest.skip("the book has no gated solution with code yet")
    for page, cells in pages.items():
        if not cells:
            continue
        instructor = BeautifulSoup((built("instructor") / f"{page}.html").read_text(), "html.parser")
        folded = no_space(" ".join(d.get_text() for d in instructor.select("div.solution")))
        student = no_space(BeautifulSoup((built("student") / f"{page}.html").read_text(),
                                         "html.parser").get_text())
        download = no_space((built("student") / "_sources" / f"{page}.ipynb").read_text())
        others = no_space(" ".join("".join(c["source"]) for c in json.loads(
            source_of(page).read_text(encoding="utf-8"))["cells"]
            if "".join(c["source"]) not in cells))
        for code in cells:
            lines = [no_space(line) for line in code.splitlines() if no_space(line)]
            own = [line for line in lines if line not in others]       # not in the stub or prose
            assert own, f"{page}: a solution cell with no line of its own: {code!r}"
            for line in own:
                assert line in folded, f"{page}: {line!r} is not in a solution of the instructor edition"
                assert line not in student, f"{page}: solution code {line!r} on the student's page"
                assert json.dumps(line)[1:-1] not in download, \
                    f"{page}: solution code {line!r} in the student's notebook"


# --------------------------------------------------------------------------- the browser


def start_chromium(tmp_path_factory, size):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        message = f"Chromium/chromedriver not found at {CHROMIUM}, {CHROMEDRIVER}: {INSTALL}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never download a browser
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    width, height = size
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 f"--window-size={width},{height}", "--allow-file-access-from-files"):
        options.add_argument(flag)
    profile = tmp_path_factory.mktemp("chromium-profile")  # fresh: a first visit
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    drv = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    drv.set_page_load_timeout(30)
    # The viewport exactly; a phone also gets the mobile meta-viewport handling.
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": width, "height": height, "deviceScaleFactor": 1,
                         "mobile": width < 600})
    return drv


@pytest.fixture(scope="session")
def driver(tmp_path_factory):
    """A laptop: 1366 x 900, one browser for the whole session."""
    drv = start_chromium(tmp_path_factory, LAPTOP)
    yield drv
    drv.quit()


@pytest.fixture(scope="session")
def phone(tmp_path_factory):
    """A phone: 390 x 844, one browser for the whole session."""
    drv = start_chromium(tmp_path_factory, PHONE)
    yield drv
    drv.quit()


@pytest.fixture(scope="session")
def servers():
    """One static server per edition on 127.0.0.1, on free ports."""
    running = {}
    for edition, out in EDITIONS.items():
        handler = functools.partial(Quiet, directory=str(out))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        running[edition] = server
    yield {e: f"http://127.0.0.1:{s.server_address[1]}" for e, s in running.items()}
    for server in running.values():
        server.shutdown()
        server.server_close()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


PAGE_STATE = """
const done = arguments[arguments.length - 1];
const ready = window.MathJax && MathJax.startup && MathJax.startup.promise;
(ready ? MathJax.startup.promise : Promise.resolve()).then(async () => {
  for (const img of document.images) { img.loading = "eager"; img.scrollIntoView(); }
  await Promise.all([...document.images].map(i => i.decode().catch(() => null)));
  window.scrollTo(0, 0);
  const body = document.body.cloneNode(true);
  body.querySelectorAll("pre, code, script, style, mjx-container, textarea")
      .forEach(e => e.remove());
  const nav = document.querySelector(".bd-sidebar-primary");
  done({
    mathjax: !!ready,
    math: document.querySelectorAll(".math").length,
    rendered: document.querySelectorAll("mjx-container").length,
    mathErrors: document.querySelectorAll("mjx-merror").length,
    text: body.textContent,
    broken: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src),
    images: document.images.length,
    nav: nav ? [...nav.querySelectorAll("a[href]")].map(a => a.href.split("#")[0]) : [],
    links: [...document.querySelectorAll("a[href]")].map(a => a.href),
    solutions: [...document.querySelectorAll("div.solution")].map(d => ({
      hidden: d.classList.contains("toggle-hidden") || !d.querySelector("section")
              || d.querySelector("section").offsetParent === null,
      text: d.innerText})),
    edition: document.querySelector('meta[name="book-edition"]')?.content,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  });
}, e => done({error: String(e)}));
"""


LAYOUT = """
// Run after PAGE_STATE (MathJax has typeset). Reports what the reader would miss.
const article = document.querySelector("article.bd-article");
const TOL = 2;                                            // px: glyph overhang, rounding
const scrolls = v => v === "auto" || v === "scroll";
const folded = el => !!el.closest("details:not([open]), .toggle-hidden");  // folded cell, solution
const clipped = [];
// Every piece of content must lie inside its nearest box that does not let it
// overflow visibly; if it does not, that box must be a scroll container (not the
// article itself, which would leave the content under the margin or off screen).
const atoms = article.querySelectorAll(
  "mjx-math, img, svg, pre, table, p, li, dt, dd, h1, h2, h3, h4, figcaption, code, " +
  "div.highlight, div.cell_output, blockquote, div.admonition, figure");
for (const el of atoms) {
  if (el.closest("mjx-assistive-mml") || folded(el)) continue;  // screen-reader copy; folded
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  let box = el.parentElement;
  while (box !== article && getComputedStyle(box).overflowX === "visible") box = box.parentElement;
  const b = box.getBoundingClientRect();
  if (r.right <= b.right + TOL && r.left >= b.left - TOL) continue;
  if (box !== article && scrolls(getComputedStyle(box).overflowX)) continue;
  clipped.push(`<${el.tagName.toLowerCase()}> ${Math.round(r.width)} px in ` +
               `${box.tagName.toLowerCase()}.${String(box.className).split(" ")[0]} ` +
               `(overflow-x ${getComputedStyle(box).overflowX}, ${Math.round(b.width)} px): ` +
               (el.textContent || el.getAttribute("alt") || "").trim().slice(0, 60));
}
// Anything wider than its own box must be a scroll container.
for (const el of article.querySelectorAll("*")) {
  if (el.closest("mjx-assistive-mml") || folded(el) || el.clientWidth === 0) continue;
  if (el.scrollWidth <= el.clientWidth + TOL) continue;
  const ox = getComputedStyle(el).overflowX;
  if (ox === "hidden" || ox === "clip")
    clipped.push(`<${el.tagName.toLowerCase()}.${String(el.className).split(" ")[0]}> hides ` +
                 `${el.scrollWidth - el.clientWidth} px (overflow-x ${ox}): ` +
                 (el.textContent || "").trim().slice(0, 60));
}
const wideLines = [...article.querySelectorAll("pre")]
  .filter(e => !folded(e) && e.offsetWidth > 0 && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.textContent.split("\\n").reduce((a, l) => l.length > a.length ? l : a, ""));
const images = [...article.querySelectorAll("img")];
return {
  clipped,
  wideLines,
  pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  height: document.documentElement.scrollHeight,
  noAlt: images.filter(i => !(i.getAttribute("alt") || "").trim()).map(i => i.src),
  noCaption: images.filter(i => !/^Fig\\. \\d/.test(
      i.closest("figure")?.querySelector("figcaption .caption-number")?.textContent || ""))
    .map(i => i.src),
  banner: document.querySelector(".bd-header-announcement")?.innerText || "",
  article: article.innerText,
};
"""


def check_layout(driver, page, width):
    """Nothing cut off at this width, images described and numbered; returns the state."""
    state = driver.execute_script(LAYOUT)
    assert state["pageOverflow"] <= 1, \
        f"{page} at {width} px: the page scrolls sideways by {state['pageOverflow']} px"
    assert not state["clipped"], f"{page} at {width} px, cut off:\n" + "\n".join(state["clipped"])
    assert not state["noAlt"], f"{page}: images without alt text: {state['noAlt']}"
    assert not state["noCaption"], f"{page}: images without a numbered caption: {state['noCaption']}"
    return state


def check_edition(state, edition, page):
    """The banner says which edition this is; the student edition never mentions solutions."""
    banner = words(state["banner"])
    assert banner.startswith(f"{edition.capitalize()} edition"), (page, banner)
    if edition == "instructor":
        assert "make book-student" in banner, banner
    else:
        text = words(state["article"] + " " + banner)
        for allowed in SOLUTION_ALLOWED:
            text = text.replace(allowed, "")
        found = [text[max(0, m.start() - 60): m.end() + 20] for m in SOLUTION_WORD.finditer(text)]
        assert not found, f"{page}: the student edition mentions solutions: {found}"


def screenshot(driver, edition, page, width):
    shot = SHOTS / edition / f"{page.replace('/', '__')}-{width}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 8000),
            "scale": 1}
    png = driver.execute_cdp_cmd("Page.captureScreenshot",
                                 {"format": "png", "captureBeyondViewport": True, "clip": clip})
    shot.write_bytes(base64.b64decode(png["data"]))


def record_screens(edition, page, height):
    """Page height in laptop screens (document height / 900), for the issue's before/after."""
    path = SHOTS / edition / "screens.json"
    screens = json.loads(path.read_text()) if path.exists() else {}
    screens[page] = round(height / LAPTOP[1], 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(screens, indent=1) + "\n")


def page_url(base, page):
    return f"{base}/{page}.html"


def open_page(driver, url):
    driver.get_log("browser"), driver.get_log("performance")  # drop earlier entries
    driver.get(url)
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.readyState") == "complete")
    driver.set_script_timeout(30)
    state = driver.execute_async_script(PAGE_STATE)
    assert "error" not in state, state
    requests = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    return state, requests, errors


def check_page(driver, edition, base, page):
    state, requests, errors = open_page(driver, page_url(base, page))
    assert state["edition"] == edition
    assert not errors, f"console errors: {errors}"
    local = urlsplit(base).netloc
    remote = [u for u in requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
              and urlsplit(u).netloc != local]
    assert not remote, f"requests to other hosts: {remote}"
    if state["math"]:
        assert state["mathjax"], "page has math but MathJax did not start"
        assert state["rendered"] >= state["math"], state
        assert state["mathErrors"] == 0
    raw = [t for t in RAW_TEX if t in state["text"]]
    assert not raw, f"raw TeX left in the visible text: {raw}"
    assert not state["broken"], f"images that did not load: {state['broken']}"
    assert state["overflow"] <= 1, f"the page is {state['overflow']} px wider than the window"
    missing = [p for p in PAGES if page_url(base, p) not in state["nav"]]
    assert not missing, f"navigation lacks {missing}"
    if edition == "student":
        assert state["solutions"] == []
    else:
        assert all(s["hidden"] for s in state["solutions"]), "solutions must start folded"
    source = source_of(page)
    if source.suffix == ".ipynb":
        download = page_url(base, f"_sources/{page}")[: -len(".html")] + ".ipynb"
        assert download in state["links"], f"no .ipynb download link ({download})"
        on_disk = EDITIONS[edition] / "_sources" / f"{page}.ipynb"
        assert json.loads(on_disk.read_text())["nbformat"] == 4
    check_launch_buttons(state["links"], source)
    return state


def check_launch_buttons(links, source):
    repo = (CONFIG.get("repository") or {}).get("url") or ""
    launch = CONFIG.get("launch_buttons") or {}
    hubs = [launch.get(k) for k in ("binderhub_url", "colab_url") if launch.get(k)]
    for hub in hubs:
        found = [u for u in links if u.startswith(hub.rstrip("/"))]
        if repo and source.suffix == ".ipynb":
            repo_path = urlsplit(repo).path.strip("/")
            assert any(repo_path in u for u in found), f"no {hub} button for {repo}"
        if not repo:
            assert not found, f"{hub} button without a repository URL"


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("edition", EDITIONS)
def test_page_over_http(driver, servers, edition, page):
    """On a laptop, 1366 x 900."""
    built(edition)
    check_page(driver, edition, servers[edition], page)
    state = check_layout(driver, page, LAPTOP[0])
    check_edition(state, edition, page)
    screenshot(driver, edition, page, LAPTOP[0])
    record_screens(edition, page, state["height"])


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("edition", EDITIONS)
def test_page_on_phone(phone, servers, edition, page):
    """On a phone, 390 x 844: nothing cut off, the page does not scroll sideways."""
    built(edition)
    state, _, errors = open_page(phone, page_url(servers[edition], page))
    assert state["edition"] == edition
    assert not errors, f"console errors: {errors}"
    check_edition(check_layout(phone, page, PHONE[0]), edition, page)
    screenshot(phone, edition, page, PHONE[0])


@pytest.mark.parametrize("page", PAGES)
def test_lines_fit_the_column(driver, servers, page):
    """At 1366 px no unfolded code or printed line needs a scroll bar."""
    built("instructor")
    open_page(driver, page_url(servers["instructor"], page))
    wide = driver.execute_script(LAYOUT)["wideLines"]
    assert not wide, f"{page}: lines wider than the column:\n" + "\n".join(wide)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("edition", EDITIONS)
def test_page_as_file(driver, edition, page):
    check_page(driver, edition, built(edition).as_uri(), page)


def test_solution_toggle_opens(driver, servers):
    """Instructors see solutions folded; one click on the title shows the text."""
    pages = [p for p, _ in solution_texts("instructor")]
    if not pages:
        pytest.skip("the book has no solution yet")
    open_page(driver, page_url(servers["instructor"], pages[0]))  # waits for MathJax's layout
    solution = driver.find_element("css selector", "div.solution")
    body = solution.find_element("css selector", "section")
    assert not body.is_displayed()
    button = solution.find_element("css selector", "button.toggle-button")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    WebDriverWait(driver, 5).until(lambda d: body.is_displayed())
