"""jifen serve end to end in a real browser: Debian's chromium, headless, driven by Selenium
through chromium-driver (`make os-packages`), against uvicorn started here on a free port.

With ``pytest tests/test_web_browser.py --screenshots docs/screenshots`` (``make screenshots``)
the phone view (390×844) of the card, declare, notice and objection pages, of a graded rule's
declaration (declare-level) and of the committee's roll-up, is saved there;
a normal run writes nothing outside its temporary folder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from jifen import book
from jifen.web import accounts

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
DRIVER = shutil.which("chromedriver")
BROWSER = shutil.which("chromium")
pytestmark = pytest.mark.skipif(not (DRIVER and BROWSER),
                                reason="needs chromium and chromium-driver (Debian packages; `make os-packages`)")

TODAY = dt.date(2023, 12, 20)
PEOPLE = [("张建国", "member", "m01"), ("刘芳", "secretary", "m04")]
WAIT = 10  # seconds: every wait in this test is bounded
PHONE = (390, 844)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(app):
    """uvicorn serving ``app`` on 127.0.0.1, in a thread, while the block runs; gives its base url."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    while not running.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(WAIT)


def save_shot(browser, shots: str | None, name: str) -> None:
    """The page as the phone shows it, as ``<shots>/<name>.png`` (only with --screenshots)."""
    if shots:
        # matplotlib's dependency: the screenshots kept small, in 64 colours
        from PIL import Image

        path = Path(shots) / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(path))
        Image.open(path).convert("RGB").quantize(colors=64).save(path, optimize=True)


@pytest.fixture
def server(demo):
    """uvicorn serving the demo copy on 127.0.0.1, in a thread; yields (base url, passwords, folder)."""
    from jifen.web.app import create_app

    passwords = {name: pw for name, _, pw in accounts.demo(demo, PEOPLE)}
    with serving(create_app(demo, today=lambda: TODAY)) as base:
        yield base, passwords, demo


@pytest.fixture
def browser():
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={PHONE[0]},{PHONE[1]}", "--lang=zh-CN", "--hide-scrollbars"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(WAIT)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True})
    yield driver
    driver.quit()


def test_a_member_declares_and_objects_the_secretary_approves_rules_and_closes(server, browser, request):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as until
    from selenium.webdriver.support.ui import Select, WebDriverWait

    base, passwords, folder = server
    shots = request.config.getoption("screenshots")
    wait = WebDriverWait(browser, WAIT)
    first = book.open(folder, cached=False).events[-1].id

    def go(path):
        browser.get(base + path)

    def click(css):
        browser.find_element(By.CSS_SELECTOR, css).click()

    def flash(words):
        wait.until(until.text_to_be_present_in_element((By.CSS_SELECTOR, "p.flash"), words))

    def shot(name):
        save_shot(browser, shots, name)

    def sign_in(name):
        go("/signin")
        browser.find_element(By.NAME, "name").send_keys(name)
        browser.find_element(By.NAME, "secret").send_keys(passwords[name])
        click("#signin")
        wait.until(until.presence_of_element_located((By.CSS_SELECTOR, "form.signout")))

    def sign_out():
        click("form.signout button")
        wait.until(until.presence_of_element_located((By.ID, "signin")))

    # the member declares an honour, choosing the rule by its Chinese name
    sign_in("张建国")
    go("/declare")
    Select(browser.find_element(By.NAME, "rule")).select_by_visible_text("奖励得分 · 获得公司级荣誉")
    date = browser.find_element(By.NAME, "date")
    browser.execute_script("arguments[0].value = '2023-12-18'", date)
    browser.find_element(By.NAME, "note").send_keys("公司七一表彰")
    shot("declare")
    click("#declare")
    flash("等待支部审核")
    declared = book.open(folder, cached=False).events[-1].id
    sign_out()

    # the secretary approves it and opens the quarter's notice
    sign_in("刘芳")
    go("/desk")
    click(f"#approve-{declared}")
    flash(f"#{declared + 1}")
    browser.find_element(By.CSS_SELECTOR, "form[action='/notice/open'] input[name=note]").send_keys("向支部书记反映")
    click("#open-notice")
    flash("公示")
    sign_out()

    # the member sees the notice, and on their card the button to object to a deduction of theirs
    sign_in("张建国")
    go("/notice")
    shot("notice")
    go("/card")
    shot("card")
    click("a[href='/object/39']")
    browser.find_element(By.NAME, "reason").send_keys("当天参加外事活动,着装符合规定")
    shot("objection")
    click("#object")
    flash("等待支部裁定")
    appeal = book.open(folder, cached=False).events[-1].id
    sign_out()

    # the secretary upholds the objection and closes the quarter
    sign_in("刘芳")
    go("/desk")
    click(f"#e{appeal} input[value=upheld]")
    browser.find_element(By.CSS_SELECTOR, f"#e{appeal} input[name=reason]").send_keys("经核实着装符合规定")
    click(f"#rule-{appeal}")
    flash(f"#{appeal + 1}")
    click("#close")
    flash("关闭")

    opened = book.open(folder, cached=False)
    added = [(e.kind, e.by) for e in opened.events if e.id > first]
    assert added == [("declare", "张建国"), ("approve", "刘芳"), ("notice", "刘芳"), ("appeal", "张建国"),
                     ("ruling", "刘芳"), ("close", "刘芳")]
    assert not [p for p in opened.problems if p.is_error]
    assert opened.status(next(e for e in opened.events if e.id == 39)).state == "cancelled"


@pytest.fixture
def county(demo, cli):
    """uvicorn serving a folder of two branch ledgers (the demo copy and a small one made with the command
    line) with a committee account; yields (base url, password)."""
    from jifen.web.committee import create_folder_app

    top = demo.parent  # <tmp>/ledgers, holding 机关第一党支部's demo copy
    small = top / "机关第二党支部"
    assert cli("init", small, "--scheme", "quantified-2023", "--name", "机关第二党支部", "--date", "2023-01-01").exit_code == 0
    for name in ("周红", "吴强"):
        assert cli("member", "add", name, "--date", "2023-01-01", "--ledger", small).exit_code == 0
    assert cli("add", "周红", "study.absent", "--date", "2023-03-01", "--ledger", small).exit_code == 0
    password = accounts.demo(top, [("县委组织部", "committee", None)])[0][2]
    with serving(create_folder_app(top, today=lambda: TODAY)) as base:
        yield base, password


def test_the_committee_reads_the_roll_up_opens_a_branch_and_switches_to_english(county, browser, request):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as until
    from selenium.webdriver.support.ui import WebDriverWait

    base, password = county
    wait = WebDriverWait(browser, WAIT)
    browser.get(base + "/")
    browser.find_element(By.LINK_TEXT, "上级党委登录").click()
    browser.find_element(By.NAME, "name").send_keys("县委组织部")
    browser.find_element(By.NAME, "secret").send_keys(password)
    browser.find_element(By.ID, "signin").click()
    wait.until(until.text_to_be_present_in_element((By.TAG_NAME, "h1"), "各支部积分汇总"))
    table = browser.find_element(By.CSS_SELECTOR, "table.board").text
    assert "机关第一党支部" in table and "机关第二党支部" in table and "不在 git 中" in table
    shots = request.config.getoption("screenshots")
    save_shot(browser, shots, "rollup")
    browser.find_element(By.LINK_TEXT, "机关第一党支部").click()  # its notice, read-only
    wait.until(until.text_to_be_present_in_element((By.TAG_NAME, "h1"), "积分公示"))
    assert "/b/" in browser.current_url
    browser.find_element(By.CSS_SELECTOR, "a.lang").click()
    wait.until(until.text_to_be_present_in_element((By.TAG_NAME, "h1"), "points of"))
    browser.find_element(By.LINK_TEXT, "Branches").click()
    wait.until(until.text_to_be_present_in_element((By.TAG_NAME, "h1"), "The branches' points (2023)"))


@pytest.fixture
def graded(tmp_path, cli):
    """uvicorn serving a ledger of dongli-branch-2023 (its subjects are branches; team.decisions is
    graded: 较好, 一般, 未经集体决策) in a Chinese folder, with 二支部 and its account 二支部王强;
    yields (base url, password, folder)."""
    from jifen.web.app import create_app

    folder = tmp_path / "动力厂党委"
    assert cli("init", folder, "--scheme", "dongli-branch-2023", "--subjects", "branches", "--name", "动力厂党委",
               "--date", "2023-01-01").exit_code == 0
    assert cli("member", "add", "二支部", "--date", "2023-01-01", "--ledger", folder).exit_code == 0
    subject = next(iter(book.open(folder, cached=False).members))
    password = accounts.demo(folder, [("二支部王强", "member", subject)])[0][2]
    with serving(create_app(folder, today=lambda: TODAY)) as base:
        yield base, password, folder


def test_a_member_picks_a_graded_rule_sees_its_levels_and_declares_one(graded, browser, request):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as until
    from selenium.webdriver.support.ui import Select, WebDriverWait

    base, password, folder = graded
    wait = WebDriverWait(browser, WAIT)
    browser.get(base + "/signin")
    browser.find_element(By.NAME, "name").send_keys("二支部王强")
    browser.find_element(By.NAME, "secret").send_keys(password)
    browser.find_element(By.ID, "signin").click()
    wait.until(until.presence_of_element_located((By.CSS_SELECTOR, "form.signout")))
    browser.get(base + "/declare")

    def shown(field):
        return browser.find_element(By.CSS_SELECTOR, f"[data-field={field}]").is_displayed()

    rule = Select(browser.find_element(By.NAME, "rule"))
    assert rule.first_selected_option.get_attribute("value") == "key.production"  # a fixed rule: a count only
    assert shown("count") and not shown("level") and not shown("points")
    rule.select_by_value("team.decisions")
    assert shown("level") and not shown("count") and not shown("points")
    level = Select(browser.find_element(By.NAME, "level"))
    assert [o.text for o in level.options] == ["请选择等级", "较好（5 分）", "一般（2 分）", "未经集体决策（0 分）"]  # its own
    assert [o.get_attribute("value") for o in level.options] == ["", "较好", "一般", "未经集体决策"]
    browser.execute_script("arguments[0].value = '2023-12-18'", browser.find_element(By.NAME, "date"))
    browser.find_element(By.NAME, "note").send_keys("五项“三重一大”事项均经支委会集体研究")
    before = (folder / "ledger.yaml").read_bytes()
    browser.find_element(By.ID, "declare").click()  # no level chosen: the browser asks for one, nothing is sent
    assert browser.execute_script("return document.querySelector('select[name=level]').validity.valueMissing")
    assert (folder / "ledger.yaml").read_bytes() == before
    level.select_by_value("较好")
    save_shot(browser, request.config.getoption("screenshots"), "declare-level")
    browser.find_element(By.ID, "declare").click()
    wait.until(until.text_to_be_present_in_element((By.CSS_SELECTOR, "p.flash"), "等待支部审核"))
    declared = book.open(folder, cached=False).events[-1]
    assert (declared.kind, declared.rule, declared.level, declared.by) == ("declare", "team.decisions", "较好", "二支部王强")
    assert declared.count is None and declared.points is None  # the hidden fields were not sent
    assert "/mine" in browser.current_url
    listed = browser.find_element(By.TAG_NAME, "main").text
    assert f"#{declared.id}" in listed and "集体决策参与情况" in listed and "待审核" in listed
