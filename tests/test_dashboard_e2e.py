"""End to end: `kerjasama dashboard` on 127.0.0.1, driven by Debian's headless Chromium.

What a workshop relies on: the page comes up offline and in Indonesian, a changed setting takes
effect at Reset, Step and Play advance the run, the language switch changes every label, a bad
seed shows one message, the downloads work, and two participants' sessions never move each
other's model.

The tests need `/usr/bin/chromium` (or $CHROMIUM). Without it they are skipped, unless
KERJASAMA_REQUIRE_BROWSER=1 (set by `.ci/run`), which turns a missing browser into a failure.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from processes import descendants, left_behind

from sim.scenario import load_scenario

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

ROOT = Path(__file__).resolve().parents[1]
HORIZON = load_scenario().months  # the default scenario's
LONGER = HORIZON + 12  # one step of the horizon slider up
ARTEFACTS = Path(os.environ.get("KERJASAMA_TEST_ARTEFACTS", ROOT / "test-artefacts"))
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not Path(CHROMIUM).exists():
    if os.environ.get("KERJASAMA_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    pytest.skip(f"Chromium not found at {CHROMIUM}", allow_module_level=True)

expect.set_options(timeout=20_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's browser is Debian's Chromium (`playwright install` cannot work offline)."""
    return {**browser_type_launch_args, "args": CHROMIUM_ARGS, "executable_path": CHROMIUM}


def answers(url: str, timeout: float = 2.0) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=timeout).status == 200
    except OSError:
        return False


@contextlib.contextmanager
def serving(*arguments: str):
    """`kerjasama dashboard` with these arguments, as a user starts it, on a free port; on the way
    out it is stopped as Ctrl-C stops it, and must leave no process behind (its odds workers)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log_path = ARTEFACTS / f"dashboard-server-{port}.log"
    log = log_path.open("w")
    command = [sys.executable, "-m", "sim.cli", "dashboard", *arguments, "--port", str(port)]
    server = subprocess.Popen(command, cwd=ARTEFACTS, stdout=log, stderr=subprocess.STDOUT)
    url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 90
    try:
        while not answers(url + "/readyz"):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the dashboard did not start:\n" + log_path.read_text()[-3000:])
            time.sleep(0.2)
        # Offline, the page's JavaScript must come from the installed assets, not a CDN.
        assert answers(url + "/_solara/cdn/requirejs@2.3.6/require.js", timeout=30), "Solara assets are not installed"
        yield url
    finally:
        started = descendants(server.pid)
        server.send_signal(signal.SIGINT)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        left = left_behind(started, 10)
        assert left == [], f"processes left behind by the dashboard: {left}"


@pytest.fixture(scope="session")
def dashboard():
    """The dashboard as a user starts it (Indonesian by default), logging every ensemble it runs."""
    with serving("--verbose") as url:
        yield url


def open_page(page, url: str, failed: list[str] | None = None):
    if failed is not None:
        page.on("requestfailed", lambda request: failed.append(request.url))
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(url)
    expect(page.get_by_text(f"Bulan 0 dari {HORIZON}")).to_be_visible(timeout=60_000)
    return page


def card(page, title: str):
    return page.locator(".v-card__title").get_by_text(title, exact=True)


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def step(page, times: int = 1, name: str = "Langkah") -> None:
    for _ in range(times):
        button(page, name).click()


def set_horizon(page, key: str, months: str) -> None:
    horizon = page.locator(".v-input", has_text="Kurun waktu (bulan)").get_by_role("slider")
    horizon.focus()
    horizon.press(key)
    expect(horizon).to_have_attribute("aria-valuenow", months)


def advanced_seed(page):
    """The seed, in the settings' Advanced section (opened if it is closed)."""
    seed = page.get_by_label("Seed (bilangan bulat)")
    if not seed.is_visible():
        page.get_by_text("Lanjutan", exact=True).click()
        expect(seed).to_be_visible()
    return seed


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the Vuetify select labelled `label`."""
    page.locator(".v-select", has_text=label).locator(".v-select__slot").click()
    page.locator(".v-menu__content.menuable__content__active").get_by_text(option, exact=True).click()


def test_a_changed_setting_takes_effect_at_reset_and_step_advances(dashboard, page):
    failed: list[str] = []
    open_page(page, dashboard, failed)
    expect(card(page, "Peluang terkini")).to_be_visible()
    set_horizon(page, "ArrowRight", str(LONGER))
    # The live odds follow the change at once; the running model waits for Reset.
    expect(page.get_by_text(f"Peluang kerja sama terbentuk dalam {LONGER} bulan")).to_be_visible()
    expect(page.get_by_text(f"Bulan 0 dari {HORIZON}")).to_be_visible()
    button(page, "Mulai ulang").click()
    expect(page.get_by_text(f"Bulan 0 dari {LONGER}")).to_be_visible()
    step(page, 2)
    expect(page.get_by_text(f"Bulan 2 dari {LONGER}")).to_be_visible()
    # the full count of a horizon not computed at start-up: four ensembles, on niced workers that
    # yield the cores to whatever else the machine runs (in CI, the other tests)
    expect(page.get_by_text("masing-masing 2.000 simulasi")).to_be_visible(timeout=120_000)
    page.screenshot(path=ARTEFACTS / "dashboard-id.png", full_page=True)
    assert failed == [], f"requests that failed (the page must work offline): {failed}"


# What must not show on the Indonesian page: SolaraViz's own English cards, and our English words.
ENGLISH = ["Controls", "Model Parameters", "Information", "Time:", "Page 0", "Reset", "Step", "Play", "Settings", "pp"]


def test_the_page_speaks_indonesian_and_the_language_switch_changes_every_card(dashboard, page):
    open_page(page, dashboard)
    indonesian = ["Peta", "Peluang terkini", "Lini waktu grand design", "Atribut", "Tentang", "Ekspor"]
    for label in indonesian:
        expect(card(page, label)).to_be_visible()
    for label in ("Mulai ulang", "▶ Jalankan", "Langkah"):
        expect(button(page, label)).to_be_visible()
    expect(page).to_have_title("Kerjasama — kerja sama antardaerah di perbatasan Timor")
    expect(page.get_by_text("TTU tertahan oleh: tidak tahu (pengetahuan)", exact=True)).to_be_visible()
    expect(page.get_by_text("masing-masing 2.000 simulasi")).to_be_visible()
    shown = page.locator("body").inner_text()  # what is displayed, hidden cards left out
    assert [word for word in ENGLISH if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", shown, re.IGNORECASE)] == []
    button(page, "English").click()
    for label in ["Map", "Live odds", "Grand design timeline", "Attributes", "About", "Export"]:
        expect(card(page, label)).to_be_visible()
    for label in ("Reset", "▶ Play", "Step"):
        expect(button(page, label)).to_be_visible()
    expect(page).to_have_title("Kerjasama — inter-regional cooperation on the Timor border")
    expect(page.get_by_text(f"Month 0 of {HORIZON}")).to_be_visible()
    expect(page.get_by_text("TTU is held back by: tidak tahu (does not know)", exact=True)).to_be_visible()
    expect(page.get_by_text("2,000 runs each")).to_be_visible()
    expect(card(page, "Peluang terkini")).to_have_count(0)
    expect(button(page, "Mulai ulang")).to_have_count(0)
    page.screenshot(path=ARTEFACTS / "dashboard-en.png", full_page=True)


def test_a_bad_seed_is_one_message_and_the_run_goes_on(dashboard, page):
    open_page(page, dashboard)
    set_horizon(page, "ArrowRight", str(LONGER))
    # the server has taken the new horizon (under load this takes a while) before the seed is typed
    expect(page.locator(".kerjasama-odds")).to_contain_text(f"dalam {LONGER} bulan", timeout=60_000)
    seed = advanced_seed(page)
    seed.fill("tiga")
    seed.press("Enter")
    expect(page.locator(".v-alert")).to_have_count(1, timeout=60_000)
    expect(page.locator(".v-alert")).to_contain_text("bukan “tiga”")
    expect(page.locator(".kerjasama-odds").get_by_text("Peluang tidak dihitung")).to_be_visible()
    expect(page.get_by_role("button", name="Pengaturan sebagai berkas skenario (TOML)")).to_be_disabled()
    button(page, "Mulai ulang").click()  # the new horizon, with the scenario's own seed
    expect(page.get_by_text(f"Bulan 0 dari {LONGER}")).to_be_visible()
    step(page)
    expect(page.get_by_text(f"Bulan 1 dari {LONGER}")).to_be_visible()
    seed.fill("7")
    seed.press("Enter")
    expect(page.locator(".v-alert")).to_have_count(0)
    expect(page.get_by_text("bilangan acak yang sama (seed 7)")).to_be_visible()


def test_play_runs_to_the_horizon_and_stops(dashboard, page):
    open_page(page, dashboard)
    set_horizon(page, "Home", "12")
    button(page, "Mulai ulang").click()
    expect(page.get_by_text("Bulan 0 dari 12")).to_be_visible()
    button(page, "▶ Jalankan").click()
    expect(button(page, "❚❚ Jeda")).to_be_visible()
    expect(button(page, "Langkah")).to_be_disabled()  # no stepping while playing
    expect(page.get_by_text("Bulan 12 dari 12")).to_be_visible()
    expect(page.get_by_text("Simulasi sudah mencapai akhir kurun waktu")).to_be_visible()
    expect(button(page, "▶ Jalankan")).to_be_disabled()
    expect(button(page, "Langkah")).to_be_disabled()
    # the timeline's "now" line stands at the last month: month 12 of 12 is the right end
    timeline = page.get_by_role("img", name="Lini waktu grand design")
    expect(timeline.locator('line[stroke="#222"]')).to_have_attribute("x1", "468.0")


def test_the_downloads_are_a_scenario_kerjasama_runs_and_the_runs_months(dashboard, page, tmp_path):
    open_page(page, dashboard)
    set_horizon(page, "Home", "12")
    advanced_seed(page).fill("5")
    advanced_seed(page).press("Enter")
    expect(page.locator(".kerjasama-odds")).to_contain_text("(seed 5)")
    button(page, "Mulai ulang").click()
    step(page, 12)
    expect(page.get_by_text("Bulan 12 dari 12")).to_be_visible()
    with page.expect_download() as settings_download:
        page.get_by_role("button", name="Pengaturan sebagai berkas skenario (TOML)").click()
    scenario = tmp_path / settings_download.value.suggested_filename
    settings_download.value.save_as(scenario)
    assert scenario.name == "kerjasama_settings.toml"
    command = [sys.executable, "-m", "sim.cli", "run", str(scenario), "--json"]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert '"months": 12' in result.stdout and '"seed": 5' in result.stdout
    with page.expect_download() as data_download:
        page.get_by_role("button", name="Simulasi ini, bulan demi bulan (CSV)").click()
    rows = Path(data_download.value.path()).read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("month,regency,regency_stage") and len(rows) == 1 + 13 * 3


def test_a_key_actor_seated_in_kupang_is_drawn_at_the_maps_western_edge(dashboard, page):
    open_page(page, dashboard)
    choose(page, "Pengaturan kelembagaan", "Dipimpin provinsi")
    button(page, "Mulai ulang").click()
    drawing = page.get_by_role("img", name="Peta")
    expect(drawing).to_contain_text("← Kupang: kedudukan Gubernur NTT")
    expect(drawing).not_to_contain_text("Atambua")


def computed(url: str) -> list[str]:
    """The ensembles the server behind `url` has run so far, one line each, from its log."""
    log = ARTEFACTS / f"dashboard-server-{url.rsplit(':', 1)[1]}.log"
    return re.findall(r"odds: computed (\d+ runs of setting \w+)", log.read_text(encoding="utf-8"))


# The odds card, watched every 10 ms from now: has it said it is computing (or refining)?
WATCH_ODDS = """() => {
  window.kerjasamaBusy = false;
  const look = () => {
    const text = document.querySelector('.kerjasama-odds').innerText;
    window.kerjasamaBusy = window.kerjasamaBusy || text.includes('menghitung') || text.includes('diperhalus');
    if (!window.kerjasamaBusy) setTimeout(look, 10);
  };
  look();
}"""
ANSWERED = """() => window.kerjasamaBusy && /masing-masing 2[.]000 simulasi/.test(
  document.querySelector('.kerjasama-odds').innerText) && !document.querySelector('.kerjasama-odds').innerText.includes('diperhalus')"""


def test_the_same_change_in_two_sessions_is_computed_once_for_both(dashboard, browser):
    pages = [room_page(browser, dashboard, 1400, 1000, 1.0) for _ in range(2)]
    for page in pages:
        expect(page.locator(".kerjasama-odds")).to_contain_text("masing-masing 2.000 simulasi", timeout=60_000)
    before = len(computed(dashboard))
    sliders = [page.locator(".v-input", has_text="Pertemuan per bulan").get_by_role("slider") for page in pages]
    for page, slider in zip(pages, sliders, strict=True):
        slider.focus()
        page.evaluate(WATCH_ODDS)
    for slider in sliders:  # both sessions make the change a facilitator asks for, one after the other
        slider.press("End")
    for page in pages:  # the card has said it is computing, and then gives the full odds
        page.wait_for_function(ANSWERED, timeout=120_000)
    ran = computed(dashboard)
    # the new setting's first estimate was computed (the start-up's warming computes full counts
    # only), and no ensemble twice: without sharing, each session would compute its own (other
    # tests' sessions may still be finishing theirs, so the lines are not counted)
    assert any(line.startswith("200 runs") for line in ran[before:]), ran[before:]
    assert len(ran) == len(set(ran)), f"an ensemble was computed twice: {ran}"
    for page in pages:
        page.context.close()


def test_two_participants_have_independent_models(dashboard, browser):
    first, second = browser.new_context().new_page(), browser.new_context().new_page()
    open_page(first, dashboard)
    open_page(second, dashboard)
    step(first, 3)
    expect(first.get_by_text(f"Bulan 3 dari {HORIZON}")).to_be_visible()
    step(second)
    expect(second.get_by_text(f"Bulan 1 dari {HORIZON}")).to_be_visible()  # a shared model would show month 4
    button(first, "Mulai ulang").click()
    expect(first.get_by_text(f"Bulan 0 dari {HORIZON}")).to_be_visible()
    expect(second.get_by_text(f"Bulan 1 dari {HORIZON}")).to_be_visible()
    first.context.close()
    second.context.close()


def test_a_scenario_file_of_other_regencies_is_served_with_its_own_map_and_settings(page):
    with serving(str(ROOT / "tests" / "data" / "four_regencies.toml"), "--lang", "en") as url:
        page.set_viewport_size({"width": 1400, "height": 1000})
        page.goto(url)
        expect(page.get_by_text("Month 0 of 60")).to_be_visible(timeout=60_000)
        drawing = page.get_by_role("img", name="Map")
        for name in ("Alor", "Lembata", "Flores Timur", "Sikka"):
            expect(drawing).to_contain_text(name)
        expect(drawing).not_to_contain_text("Timor-Leste")
        expect(page.get_by_text("Legitimacy of the key actor in Sikka", exact=False)).to_be_visible()
        expect(page.get_by_text("Probability that cooperation forms within 60 months")).to_be_visible()
        page.screenshot(path=ARTEFACTS / "dashboard-four-regencies.png", full_page=True)


# --- the room: layouts, projector, comparison, sweep, restore, reload, upload ---------------

# (name, width, height, browser zoom): a phone, a laptop at 100/130/150 %, a projector in HD
ROOM = [
    ("phone", 390, 844, 1.0),
    ("laptop", 1280, 800, 1.0),
    ("laptop-130", 1280, 800, 1.3),
    ("laptop-150", 1280, 800, 1.5),
    ("hd", 1920, 1080, 1.0),
    ("1366", 1366, 768, 1.0),
]
OVERFLOWS = """() => {
  const cut = [];
  for (const el of document.querySelectorAll('.v-card, .kerjasama-drawer, .kerjasama-header')) {
    if (el.offsetParent === null) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      const title = el.querySelector('.v-card__title');
      cut.push(`${title ? title.innerText : el.className}: ${el.scrollWidth} > ${el.clientWidth}`);
    }
  }
  const page = document.documentElement;
  return {cut, sideways: page.scrollWidth - page.clientWidth};
}"""
MAP_TEXT = """() => {
  const map = document.querySelector('.kerjasama-map svg');
  const scale = map.getScreenCTM().a;
  return Array.from(map.querySelectorAll('text')).map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize) * scale]);
}"""
MAP_CUT = """() => {
  const map = document.querySelector('.kerjasama-map svg');
  const edge = map.getBoundingClientRect();
  return Array.from(map.querySelectorAll('text')).filter(t => {
    const box = t.getBoundingClientRect();
    return box.left < edge.left - 1 || box.top < edge.top - 1 || box.right > edge.right + 1 || box.bottom > edge.bottom + 1;
  }).map(t => t.textContent);
}"""


def room_page(browser, url: str, width: int, height: int, zoom: float):
    """A page as the browser shows it at that zoom: the CSS viewport shrinks, the pixels do not."""
    context = browser.new_context(
        viewport={"width": round(width / zoom), "height": round(height / zoom)}, device_scale_factor=zoom
    )
    page = context.new_page()
    page.goto(url)
    expect(page.locator(".kerjasama-map")).to_contain_text(" 0 ", timeout=60_000)
    expect(page.locator(".kerjasama-odds")).to_contain_text("2", timeout=60_000)
    return page


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(("name", "width", "height", "zoom"), ROOM, ids=[size[0] for size in ROOM])
def test_nothing_overflows_its_card_on_a_phone_a_laptop_at_any_zoom_or_a_projector(
    dashboard, browser, lang, name, width, height, zoom
):
    page = room_page(browser, f"{dashboard}/?lang={lang}", width, height, zoom)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    measured = page.evaluate(OVERFLOWS)
    page.screenshot(path=ARTEFACTS / f"room-{name}-{lang}.png", full_page=False)
    assert measured == {"cut": [], "sideways": 0}, measured
    cut = page.evaluate(MAP_CUT)
    assert cut == [], f"map labels cut by the map's edge: {cut}"
    if name == "1366":
        small = [(text, round(size, 1)) for text, size in page.evaluate(MAP_TEXT) if size < 12]
        assert small == [], f"map text under 12 px at 1366 px: {small}"
    page.context.close()


def test_on_a_phone_the_settings_are_a_drawer_that_closes(dashboard, browser):
    page = room_page(browser, dashboard, 390, 844, 1.0)
    drawer = page.locator(".kerjasama-drawer")
    expect(drawer).to_be_hidden()  # a phone opens on the page
    page.get_by_role("button", name="Pengaturan", exact=True).click()
    expect(drawer).to_be_visible()
    assert drawer.bounding_box()["width"] < 0.9 * 390  # the page stays in sight beside it
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    page.get_by_role("button", name="Pengaturan", exact=True).click()
    page.get_by_role("button", name="Tutup").click()
    expect(drawer).to_be_hidden()
    page.get_by_role("button", name="Pengaturan", exact=True).click()
    expect(page.locator(".kerjasama-backdrop")).to_be_visible()  # a user taps beside a drawer they see
    page.mouse.click(380, 400)  # beside the drawer
    expect(drawer).to_be_hidden()
    one_column = page.evaluate("() => getComputedStyle(document.querySelector('.kerjasama-grid')).gridTemplateColumns")
    assert len(one_column.split()) == 1, one_column
    page.context.close()


def test_projector_mode_gives_the_map_and_the_odds_more_room(dashboard, browser):
    normal = room_page(browser, dashboard, 1280, 800, 1.0)
    projector = room_page(browser, f"{dashboard}/?projector=1", 1280, 800, 1.0)
    expect(projector.locator(".kerjasama-drawer")).to_be_hidden()
    width = {
        name: page.locator(".kerjasama-map").bounding_box()["width"] for name, page in (("n", normal), ("p", projector))
    }
    assert width["p"] > 1.3 * width["n"]
    size = "() => parseFloat(getComputedStyle(document.querySelector('.kerjasama-odds')).fontSize)"
    assert projector.evaluate(size) > normal.evaluate(size)
    projector.screenshot(path=ARTEFACTS / "room-projector-mode.png")
    for page in (normal, projector):
        page.context.close()


def test_pinned_settings_are_compared_and_a_sweep_draws_the_odds_along_one_setting(dashboard, page):
    open_page(page, dashboard)
    odds = page.locator(".kerjasama-odds")
    expect(odds).to_contain_text("2.000 simulasi")
    button(page, "Sematkan ke perbandingan").click()
    set_horizon(page, "Home", "12")
    expect(odds).to_contain_text("dalam 12 bulan")
    expect(odds).to_contain_text("masing-masing 2.000 simulasi")
    button(page, "Sematkan ke perbandingan").click()
    table = page.locator(".kerjasama-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).to_contain_text("A: Regional Management plus")
    expect(table).to_contain_text("B: Regional Management plus; Kurun waktu (bulan) 12")
    with page.expect_download() as download:
        button(page, "Perbandingan (CSV)").click()
    rows = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert download.value.suggested_filename == "kerjasama_comparison.csv" and len(rows) == 3
    sweep = page.locator(".kerjasama-sweep")
    expect(sweep.locator("circle")).to_have_count(0)  # drawn on request only
    button(page, "Gambar sapuan").click()
    expect(sweep.locator("circle")).to_have_count(11, timeout=90_000)
    expect(sweep).not_to_contain_text("menghitung")
    page.screenshot(path=ARTEFACTS / "room-compare-and-sweep.png", full_page=True)


def test_restore_puts_the_preset_back_and_a_reload_keeps_the_settings(dashboard, page):
    open_page(page, dashboard)
    set_horizon(page, "ArrowRight", str(LONGER))
    page.get_by_text("tokoh adat merestui kerja sama", exact=True).click()
    expect(page).to_have_url(re.compile(rf"scenario\.months={LONGER}.*setup\.adat_leaders=false"))
    page.reload()
    expect(page.get_by_text(f"Bulan 0 dari {LONGER}")).to_be_visible(timeout=60_000)
    expect(page.get_by_label("tokoh adat merestui kerja sama")).not_to_be_checked()
    button(page, "Kembalikan pengaturan").click()
    expect(page.get_by_label("tokoh adat merestui kerja sama")).to_be_checked()
    horizon = page.locator(".v-input", has_text="Kurun waktu (bulan)").get_by_role("slider")
    expect(horizon).to_have_attribute("aria-valuenow", str(HORIZON))


def test_an_exported_file_loads_back_and_names_the_group(dashboard, page, tmp_path):
    open_page(page, dashboard)
    page.get_by_label("Nama kelompok").fill("Kelompok Belu")
    page.get_by_label("Nama kelompok").press("Enter")
    set_horizon(page, "Home", "12")
    with page.expect_download() as exported:
        page.get_by_role("button", name="Pengaturan sebagai berkas skenario (TOML)").click()
    assert exported.value.suggested_filename == "kerjasama_kelompok-belu_settings.toml"
    saved = tmp_path / exported.value.suggested_filename
    exported.value.save_as(saved)
    assert "# Group: Kelompok Belu" in saved.read_text(encoding="utf-8")
    button(page, "Kembalikan pengaturan").click()
    horizon = page.locator(".v-input", has_text="Kurun waktu (bulan)").get_by_role("slider")
    expect(horizon).to_have_attribute("aria-valuenow", str(HORIZON))
    upload = page.locator(".kerjasama-drawer input[type=file]")
    upload.set_input_files(str(saved))
    expect(page.get_by_text(f"“{saved.name}” dimuat")).to_be_visible()
    expect(horizon).to_have_attribute("aria-valuenow", "12")
    upload.set_input_files(str(ROOT / "tests" / "data" / "four_regencies.toml"))
    expect(page.locator(".kerjasama-drawer .v-alert")).to_contain_text("four_regencies.toml: regency")
