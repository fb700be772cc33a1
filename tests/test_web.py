"""jifen serve over HTTP (Starlette's TestClient): permissions, CSRF, escaping, uploads, the workflow."""

from __future__ import annotations

import datetime as dt
import re
import warnings

import pytest

pytest.importorskip("httpx", reason="the web tests need httpx (pip install -e '.[test]')")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # newer Starlette prefers httpx2 and says so; httpx works the same
    from starlette.testclient import TestClient

from jifen import book
from jifen.web import accounts, evidence, guard
from jifen.web.app import create_app

TODAY = dt.date(2023, 12, 20)
PEOPLE = [("张建国", "member", "m01"), ("李秀英", "member", "m02"), ("刘芳", "secretary", "m04"),
          ("陈明", "supervisor", "m05")]
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 200


@pytest.fixture
def site(demo):
    """The demo copy with accounts (name → password), and a function making a client."""
    passwords = {name: pw for name, _, pw in accounts.demo(demo, PEOPLE)}
    app = create_app(demo, today=lambda: TODAY)

    def client():
        return TestClient(app, follow_redirects=False)

    return demo, passwords, client


def token(client, path="/signin") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


def signed_in(site, name):
    _, passwords, client = site
    c = client()
    r = c.post("/signin", data={"csrf": token(c), "name": name, "secret": passwords[name], "next": "/"})
    assert r.status_code == 303, r.text
    return c


def events(folder):
    return book.open(folder, cached=False).events


GETS = ["/", "/card", "/card/m02", "/notice", "/declare", "/mine", "/object/39", "/desk", "/record", "/log",
        "/history", "/members", "/password", "/evidence/" + "0" * 64]
POSTS = ["/declare", "/object/39", "/record", "/approve/39", "/reject/39", "/notice/open", "/ruling/39", "/close",
         "/password"]


@pytest.mark.parametrize("path", GETS)
def test_every_page_without_a_session_goes_to_sign_in(site, path):
    r = site[2]().get(path)
    assert r.status_code == 303 and r.headers["location"].startswith("/signin")


def test_an_address_no_page_has_is_said_in_chinese_not_starlettes_english(site):
    r = site[2]().get("/没有这一页")
    assert r.status_code == 404 and "找不到该页面" in r.text and "Not Found" not in r.text
    assert "not found" in site[2]().get("/nothing?lang=en").text


@pytest.mark.parametrize("path", POSTS)
def test_every_action_without_a_session_goes_to_sign_in_and_writes_nothing(site, path):
    c = site[2]()
    before = (site[0] / "ledger.yaml").read_bytes()
    r = c.post(path, data={"csrf": token(c), "rule": "study.absent", "quarter": "2023Q4", "reason": "x"})
    assert r.status_code == 303 and r.headers["location"].startswith("/signin")
    assert (site[0] / "ledger.yaml").read_bytes() == before


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/record"), ("post", "/record"), ("post", "/approve/39"), ("post", "/reject/39"),
    ("post", "/ruling/39"), ("post", "/notice/open"), ("post", "/close"), ("get", "/card/m02"), ("get", "/log"),
    ("get", "/desk"), ("get", "/members"), ("get", "/history"),
])
def test_a_member_cannot_record_approve_rule_or_read_another_card(site, method, path):
    c = signed_in(site, "张建国")
    before = (site[0] / "ledger.yaml").read_bytes()
    data = {"csrf": token(c, "/card"), "member": "m02", "rule": "study.absent", "quarter": "2023Q4",
            "decision": "upheld", "reason": "x", "from": "2023-12-20"}
    r = c.get(path) if method == "get" else c.post(path, data=data)
    assert r.status_code == 403
    assert (site[0] / "ledger.yaml").read_bytes() == before


def test_the_supervisor_reads_everything_and_writes_nothing(site):
    c = signed_in(site, "陈明")
    for path in ("/card/m02", "/log", "/desk", "/members", "/notice"):
        assert c.get(path).status_code == 200, path
    assert "#62" in c.get("/log").text
    r = c.post("/close", data={"csrf": token(c, "/log"), "quarter": "2023Q4"})
    assert r.status_code == 403


def test_a_form_without_its_csrf_token_is_refused(site):
    c = signed_in(site, "张建国")
    before = (site[0] / "ledger.yaml").read_bytes()
    for data in ({"rule": "study.absent"}, {"rule": "study.absent", "csrf": "forged" * 8}):
        r = c.post("/declare", data=data)
        assert r.status_code == 403 and "表单已失效" in r.text
    assert (site[0] / "ledger.yaml").read_bytes() == before
    fresh = site[2]()
    r = fresh.post("/signin", data={"name": "张建国", "secret": site[1]["张建国"]})
    assert r.status_code == 403  # the sign-in form carries one too


def test_the_session_cookie_is_signed_httponly_and_samesite_lax_and_pages_carry_security_headers(site):
    _, passwords, client = site
    c = client()
    r = c.post("/signin", data={"csrf": token(c), "name": "张建国", "secret": passwords["张建国"]})
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    page = c.get("/card")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe" not in policy  # the server's own file only: nothing inline
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    c.cookies.set("jifen", c.cookies.get("jifen")[:-3] + "AAA")  # tampered: not signed by the server
    assert c.get("/card").status_code == 303


def test_signing_in_is_rate_limited_per_name(site):
    _, passwords, client = site
    c = client()
    for _ in range(5):
        assert c.post("/signin", data={"csrf": token(c), "name": "张建国", "secret": "wrong"}).status_code == 401
    r = c.post("/signin", data={"csrf": token(c), "name": "张建国", "secret": passwords["张建国"]})
    assert r.status_code == 429 and "分钟后再试" in r.text


def test_the_limiter_forgets_after_its_window():
    now = [0.0]
    limiter = guard.Limiter(2, 60, clock=lambda: now[0])
    limiter.failed("name:a", "ip:1")
    limiter.failed("name:b", "ip:1")
    assert limiter.blocked("name:c", "ip:1") > 0 and not limiter.blocked("name:c", "ip:2")
    now[0] = 61
    assert not limiter.blocked("name:a", "ip:1")


def test_sign_out_ends_the_session(site):
    c = signed_in(site, "张建国")
    assert c.post("/signout", data={"csrf": token(c, "/card")}).status_code == 303
    assert c.get("/card").status_code == 303


def test_an_invited_person_signs_in_with_the_code_then_must_set_a_password(site):
    folder, _, client = site
    code = accounts.invite(folder, "王志强", "member", "m03", dt.datetime.now())
    c = client()
    r = c.post("/signin", data={"csrf": token(c), "name": "王志强", "secret": code})
    assert r.headers["location"] == "/password"
    assert c.get("/card").headers["location"] == "/password"
    r = c.post("/password", data={"csrf": token(c, "/password"), "password": "新的密码12345", "again": "新的密码12345"})
    assert r.status_code == 303 and c.get("/card").status_code == 200
    other = client()
    assert other.post("/signin", data={"csrf": token(other), "name": "王志强", "secret": code}).status_code == 401
    assert other.post("/signin", data={"csrf": token(other), "name": "王志强",
                                       "secret": "新的密码12345"}).status_code == 303


def test_a_new_invitation_ends_the_sessions_signed_in_before(site):
    c = signed_in(site, "张建国")
    accounts.invite(site[0], "张建国", "member", "m01", dt.datetime.now())
    assert c.get("/card").status_code == 303


def test_only_local_paths_are_followed_after_signing_in(site):
    _, passwords, client = site
    c = client()
    r = c.post("/signin", data={"csrf": token(c), "name": "张建国", "secret": passwords["张建国"],
                                "next": "//evil.example/x"})
    assert r.headers["location"] == "/"


def declare(c, **fields):
    data = {"csrf": token(c, "/declare"), "rule": "honor.company", "date": "2023-12-18", "note": "", **fields}
    files = fields.pop("files", None)
    data.pop("files", None)
    return c.post("/declare", data=data, files=files)


def test_notes_with_script_quotes_and_dots_are_kept_as_text_and_shown_escaped(site):
    c = signed_in(site, "张建国")
    note = "<script>alert(\"x\")</script> ' ../../etc/passwd"
    assert declare(c, note=note).status_code == 303
    assert events(site[0])[-1].note == note
    for page in ("/card", "/mine"):
        text = c.get(page).text
        assert "<script>" not in text and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text
    staff = signed_in(site, "刘芳")
    assert "<script>" not in staff.get("/desk").text and "<script>" not in staff.get("/log").text


def test_evidence_is_stored_by_its_hash_whatever_the_file_is_called(site):
    folder = site[0]
    c = signed_in(site, "张建国")
    r = declare(c, note="七一表彰", files={"evidence": ("../../../evil.jpg", JPEG, "image/jpeg")})
    assert r.status_code == 303, r.text
    digest = evidence.hashes_in(events(folder)[-1].note)[0]
    assert events(folder)[-1].note == f"七一表彰 {evidence.NOTE_PREFIX}{digest}"
    assert sorted(p.name for p in (folder / "evidence").iterdir()) == [f"{digest}.jpg"]
    assert not (folder.parent / "evil.jpg").exists() and "evil" not in (folder / "ledger.yaml").read_text("utf-8")
    assert c.get(f"/evidence/{digest}").content == JPEG
    assert signed_in(site, "刘芳").get(f"/evidence/{digest}").status_code == 200
    assert signed_in(site, "李秀英").get(f"/evidence/{digest}").status_code == 404  # not hers
    assert c.get("/evidence/..%2F..%2Fledger.yaml").status_code == 404


@pytest.mark.parametrize(("name", "data", "status", "words"), [
    ("scan.jpg", b"just text, named .jpg", 400, "只接受"),
    ("x.exe", b"MZ\x90\x00", 400, "只接受"),
    ("big.jpg", b"\xff\xd8\xff" + b"\0" * evidence.LIMIT, 400, "超过 5 MB"),
    ("huge.jpg", b"\xff\xd8\xff" + b"\0" * (evidence.LIMIT + 300 * 1024), 413, "过大"),
])
def test_a_wrong_type_or_oversized_upload_is_refused_and_nothing_is_kept(site, name, data, status, words):
    folder = site[0]
    c = signed_in(site, "张建国")
    before = (folder / "ledger.yaml").read_bytes()
    r = declare(c, files={"evidence": (name, data, "image/jpeg")})
    assert r.status_code == status and words in r.text
    assert (folder / "ledger.yaml").read_bytes() == before
    assert not (folder / "evidence").exists() or not any((folder / "evidence").iterdir())


def test_a_post_without_a_declared_length_is_refused(site):
    c = signed_in(site, "张建国")
    r = c.post("/declare", content=iter([b"csrf=x"]), headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 411


def test_a_member_objects_only_to_their_own_events_and_only_during_the_notice(site):
    c = signed_in(site, "张建国")
    assert c.get("/object/49").status_code == 403  # 王志强's
    r = c.post("/object/39", data={"csrf": token(c, "/card"), "reason": "不服"})
    assert r.status_code == 400 and "不在公示期" in r.text  # no notice is open


def test_a_refused_declaration_says_why_keeps_what_was_typed_and_not_its_evidence(site):
    c = signed_in(site, "张建国")
    r = declare(c, rule="no.such", note="保留这段话", files={"evidence": ("a.png", b"\x89PNG\r\n\x1a\n", "image/png")})
    assert r.status_code == 400 and "no.such" in r.text and "保留这段话" in r.text
    assert not any((site[0] / "evidence").iterdir())


def test_a_form_reads_dates_and_numbers_as_the_command_line_does(site):
    """The pages had their own readers: 2023-2-30 was 无法识别的日期 (the command line: 2月没有30日) and
    2023年12月18日 was refused."""
    c = signed_in(site, "张建国")
    wrong = declare(c, date="2023-2-30")
    assert wrong.status_code == 400 and "2月没有30日" in wrong.text
    before = len(events(site[0]))
    assert declare(c, date="2023年12月18日").status_code == 303
    assert len(events(site[0])) == before + 1 and events(site[0])[-1].date.isoformat() == "2023-12-18"


def test_a_page_hints_in_its_own_words_not_the_command_lines(site):
    """A declaration refused on a page said 去掉 --points；多次用 --count and 用 jifen scheme show … 查看规则."""
    c = signed_in(site, "张建国")
    fixed = declare(c, rule="study.absent", points="-1")
    assert fixed.status_code == 400 and "分值一栏留空" in fixed.text and "--points" not in fixed.text
    unknown = declare(c, rule="study.absentt")
    assert unknown.status_code == 400 and "从列表中选择规则" in unknown.text and "jifen scheme show" not in unknown.text


def test_one_address_may_fail_more_often_than_one_name(site):
    _, passwords, client = site
    c = client()
    for name in ("甲", "乙", "丙", "丁", "戊", "己"):
        assert c.post("/signin", data={"csrf": token(c), "name": name, "secret": "x"}).status_code == 401
    assert c.post("/signin", data={"csrf": token(c), "name": "张建国", "secret": passwords["张建国"]}).status_code == 303


def test_the_workflow_over_http_records_each_event_with_the_signed_in_person_as_by(site):
    folder = site[0]
    member, secretary = signed_in(site, "张建国"), signed_in(site, "刘芳")
    first = events(folder)[-1].id
    assert declare(member, note="公司七一表彰").status_code == 303
    declared = events(folder)[-1].id
    assert "待审核" in member.get("/mine").text
    desk = secretary.get("/desk").text
    assert f"approve-{declared}" in desk
    assert secretary.post(f"/approve/{declared}", data={"csrf": token(secretary, "/desk")}).status_code == 303
    r = secretary.post("/notice/open", data={"csrf": token(secretary, "/desk"), "quarter": "2023Q4",
                                             "from": "2023-12-20", "days": "7"})
    assert r.status_code == 303
    assert 'href="/object/39"' in member.get("/card").text
    r = member.post("/object/39", data={"csrf": token(member, "/card"), "reason": "当天着装符合规定"})
    assert r.status_code == 303
    appeal = events(folder)[-1].id
    r = secretary.post(f"/ruling/{appeal}", data={"csrf": token(secretary, "/desk"), "decision": "upheld",
                                                  "reason": "经核实着装符合规定"})
    assert r.status_code == 303
    r = secretary.post("/close", data={"csrf": token(secretary, "/desk"), "quarter": "2023Q4", "date": "2023-12-20"})
    assert r.status_code == 303 and "已记录事件" in secretary.get("/desk").text
    new = [(e.kind, e.by) for e in events(folder) if e.id > first]
    assert new == [("declare", "张建国"), ("approve", "刘芳"), ("notice", "刘芳"), ("appeal", "张建国"),
                   ("ruling", "刘芳"), ("close", "刘芳")]
    assert not [p for p in book.open(folder, cached=False).problems if p.is_error]


def test_the_secretary_records_a_score_for_several_members_at_once(site):
    folder = site[0]
    c = signed_in(site, "刘芳")
    r = c.post("/record", data={"csrf": token(c, "/record"), "member": ["m01", "m02"], "rule": "study.absent",
                                "date": "2023-12-19", "note": "12月支部学习缺席"})
    assert r.status_code == 303
    last = events(folder)[-2:]
    assert [(e.kind, e.subject, e.rule, e.by) for e in last] == [
        ("score", "m01", "study.absent", "刘芳"), ("score", "m02", "study.absent", "刘芳")]


def test_pages_are_chinese_by_default_and_english_when_asked(demo):
    accounts.demo(demo, PEOPLE[:1])
    zh = TestClient(create_app(demo, today=lambda: TODAY)).get("/signin").text
    en = TestClient(create_app(demo, lang="en", today=lambda: TODAY)).get("/signin").text
    assert "登录" in zh and 'lang="zh-CN"' in zh
    assert "Sign in" in en and "登录" not in en


def test_the_stylesheet_is_served_locally(site):
    r = site[2]().get("/static/site.css")
    assert r.status_code == 200 and "text/css" in r.headers["content-type"]


def test_serve_demo_prints_accounts_that_sign_in_and_runs_uvicorn_on_localhost(demo, cli, monkeypatch):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(app=app, **options))
    result = cli("serve", demo, "--demo", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8123)
    lines = [line.split() for line in result.output.splitlines() if line.startswith("演示账户 ")]
    printed = {words[1].split("（")[0]: words[-1] for words in lines}
    assert set(printed) == {"刘芳", "王志强", "陈明", "张建国", "李秀英"}
    c = TestClient(seen["app"], follow_redirects=False)
    r = c.post("/signin", data={"csrf": token(c), "name": "刘芳", "secret": printed["刘芳"]})
    assert r.status_code == 303 and c.get("/desk").status_code == 200
    assert oct((demo / accounts.FILENAME).stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("setting", ["off", "on"])
def test_serve_follows_jifen_cache(demo, cli, monkeypatch, setting):
    """``JIFEN_CACHE=off`` turns the cache off for the pages as for every command: a page, a record and
    the desk leave no .jifen-cache beside the ledger (and with the cache on, they keep one)."""
    import shutil

    import uvicorn

    from jifen.store import cache

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(app=app))
    result = cli("serve", demo, "--demo", env={"JIFEN_CACHE": setting})
    assert result.exit_code == 0, result.output
    shutil.rmtree(demo / cache.FOLDER, ignore_errors=True)  # what serve's own check kept
    printed = {words[1].split("（")[0]: words[-1] for words in
               (line.split() for line in result.output.splitlines() if line.startswith("演示账户 "))}
    c = TestClient(seen["app"], follow_redirects=False)
    c.post("/signin", data={"csrf": token(c), "name": "李秀英", "secret": printed["李秀英"]})
    assert c.get("/card").status_code == 200 and c.get("/notice").status_code == 200
    assert (demo / cache.FOLDER).exists() == (setting == "on")


def test_the_other_commands_never_import_the_web_libraries():
    """jifen --help and jifen add stay fast: Starlette, uvicorn, Jinja2 and argon2 load only for serve."""
    import subprocess
    import sys

    code = ("import sys, typer; from jifen.cli import app, lazy\n"
            "for words in (['--help'], ['add', '--help'], ['serve', '--help'], ['user', 'invite', '--help']):\n"
            "    try: lazy.group(app)(words, prog_name='jifen')\n"
            "    except SystemExit: pass\n"
            "web = sorted(m for m in sys.modules if m.split('.')[0] in ('starlette', 'uvicorn', 'jinja2', 'argon2'))\n"
            "print('LOADED', web)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "LOADED []" in out


def test_the_load_test_finds_every_accepted_declaration_in_the_log_exactly_once(tmp_path, monkeypatch):
    """bench/load.py (make bench's serve group), for 2 s with 2 readers and 1 declarer, in tmp_path."""
    import importlib
    from pathlib import Path

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "bench"))
    load = importlib.import_module("load")
    result = load.run(tmp_path / "serve", seconds=2, readers=2, declarers=1)
    assert result.accepted and result.reads and result.check == 0
    assert result.exactly_once and sorted(result.found) == sorted(result.accepted)
    result.found[result.accepted[0]] = 2  # what the check must catch: a declaration written twice
    assert not result.exactly_once


def test_the_load_test_on_a_ledger_in_git_finds_one_commit_per_declaration_by_its_member(tmp_path, monkeypatch):
    """bench/load.py --git, for 2 s with 1 reader and 2 declarers: the server's commits queue, none is lost."""
    import importlib
    from pathlib import Path

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "bench"))
    load = importlib.import_module("load")
    result = load.run(tmp_path / "在git中", seconds=2, readers=1, declarers=2, in_git=True)
    assert result.accepted and result.exactly_once and result.check == 0
    assert result.commits == result.by_members == len(result.accepted) and result.clean and result.ok()
    result.by_members -= 1  # what the check must catch: a commit not authored by the member
    assert not result.one_commit_each


# --- every kind of rule declared from the form: a graded rule's level, a rate rule's measure ---------


@pytest.fixture
def under(tmp_path, cli):
    """A ledger of a shipped scheme in a Chinese folder with one subject, an account for it and one
    for the office that decides (no office in the roster: the invitation's role stands); gives
    (folder, subject id, client of the subject, client of the office)."""

    def make(scheme: str, subject: str, subjects: str = "members"):
        folder = tmp_path / "台账" / scheme
        assert cli("init", folder, "--scheme", scheme, "--subjects", subjects, "--name", "测试单位",
                   "--date", "2023-01-01").exit_code == 0
        assert cli("member", "add", subject, "--date", "2023-01-01", "-l", folder).exit_code == 0
        member = next(iter(book.open(folder, cached=False).members))
        people = [(subject, "member", member), ("党办周敏", "secretary", None)]
        passwords = {name: pw for name, _, pw in accounts.demo(folder, people)}
        app = create_app(folder, today=lambda: TODAY)
        clients = []
        for name in (subject, "党办周敏"):
            c = TestClient(app, follow_redirects=False)
            r = c.post("/signin", data={"csrf": token(c), "name": name, "secret": passwords[name], "next": "/"})
            assert r.status_code == 303, r.text
            clients.append(c)
        return folder, member, *clients

    return make


def test_the_form_offers_a_graded_rules_levels_in_the_schemes_words(under):
    _, _, member, _ = under("dongli-branch-2023", "二支部", "branches")
    page = member.get("/declare").text
    assert 'value="team.decisions" data-takes="level"' in page
    assert 'value="key.accident" data-takes="count"' in page and 'value="team.life" data-takes=""' in page
    group = re.search(r'<optgroup label="集体决策参与情况[^"]*" data-rule="team.decisions">(.*?)</optgroup>', page, re.S)
    assert re.findall(r'<option value="([^"]*)">([^<]*)<', group.group(1)) == [
        ("较好", "较好（5 分）"), ("一般", "一般（2 分）"), ("未经集体决策", "未经集体决策（0 分）")]
    assert "等级（分档评定的条目选择）" in page and "请选择等级" in page
    assert "填 -5 到 -0.5 之间的数" in page  # a range rule's points said beside the points
    assert '<script src="/static/rules.js" defer></script>' in page
    english = member.get("/declare?lang=en").text
    assert "Level (for a rule judged by level)" in english and ">较好 (5 points)</option>" in english  # levels as the scheme says
    assert "实测值" not in page  # no rate rule in this scheme: no measure to give


def test_a_member_declares_a_graded_rule_with_its_level_and_the_office_approves_it(under):
    folder, branch, member, office = under("dongli-branch-2023", "二支部", "branches")
    r = member.post("/declare", data={"csrf": token(member, "/declare"), "rule": "team.decisions",
                                      "date": "2023年12月18日", "level": "一般", "note": "支委会集体研究了五项决策"})
    assert r.status_code == 303, r.text
    declared = events(folder)[-1]
    assert (declared.kind, declared.subject, declared.rule, declared.level, declared.by) == (
        "declare", branch, "team.decisions", "一般", "二支部")
    assert declared.note == "支委会集体研究了五项决策" and declared.measure is None and declared.count is None
    mine = member.get("/mine").text
    assert f"#{declared.id}" in mine and "待审核" in mine and "集体决策参与情况" in mine
    desk = office.get("/desk").text
    assert f"approve-{declared.id}" in desk and "）一般 -3" in desk  # what was claimed, before its worth
    assert office.post(f"/approve/{declared.id}", data={"csrf": token(office, "/desk")}).status_code == 303
    assert "待审核" not in member.get("/mine").text
    opened = book.open(folder, cached=False)
    assert opened.status(declared).state == "counts" and not [p for p in opened.problems if p.is_error]


def test_a_member_declares_a_rate_rule_with_its_measure_as_the_command_line_reads_it(under):
    folder, member_id, member, _ = under("jisheng-staff", "王小燕")
    page = member.get("/declare").text
    assert 'value="attendance.rate" data-takes="measure"' in page
    assert "实测值（按比率计分的条目填写，如出勤率 93.5）" in page
    assert "全年出勤率95%以上满分，每低一个百分点：标准为 95，每低 1 计 -3 分" in page
    r = member.post("/declare", data={"csrf": token(member, "/declare"), "rule": "attendance.rate",
                                      "date": "2023-12-18", "measure": "９１.５", "note": "全年病假七天"})
    assert r.status_code == 303, r.text
    declared = events(folder)[-1]
    assert (declared.kind, declared.subject, declared.rule, str(declared.measure), declared.level) == (
        "declare", member_id, "attendance.rate", "91.5", None)
    assert "measure: 91.5\n  note: 全年病假七天\n  by: 王小燕\n" in (folder / "ledger.yaml").read_text("utf-8")
    assert f"#{declared.id}" in member.get("/mine").text


@pytest.mark.parametrize(("scheme", "subject", "subjects", "fields", "takes", "words"), [
    ("dongli-branch-2023", "二支部", "branches", {"rule": "team.decisions", "level": "很好"}, "level",
     ["需给出等级", "选择这条规则的一个等级：较好、一般、未经集体决策"]),
    ("dongli-branch-2023", "二支部", "branches", {"rule": "team.decisions"}, "level", ["需给出等级"]),
    ("jisheng-staff", "王小燕", "members", {"rule": "attendance.rate"}, "measure",
     ["需给出实测值", "在“实测值”一栏填写测得的数，如 93.5（标准为 95）"]),
    ("jisheng-staff", "王小燕", "members", {"rule": "attendance.rate", "measure": "九十"}, "measure", ["九十"]),
    ("jisheng-staff", "王小燕", "members", {"rule": "attendance.late", "measure": "93"}, "count",
     ["不接受", "这条规则不填“实测值”一栏"]),
])
def test_a_wrong_or_missing_level_or_measure_is_said_on_the_page_with_the_values_kept(
        under, scheme, subject, subjects, fields, takes, words):
    folder, _, member, _ = under(scheme, subject, subjects)
    before = (folder / "ledger.yaml").read_bytes()
    r = member.post("/declare", data={"csrf": token(member, "/declare"), "date": "2023-12-18",
                                      "note": "请支部核实", **fields})
    assert r.status_code == 400 and "Traceback" not in r.text
    for said in words:
        assert said in r.text, said
    assert "请支部核实</textarea>" in r.text and f'value="{fields["rule"]}" data-takes="{takes}" selected' in r.text
    if "measure" in fields:
        assert f'name="measure" inputmode="decimal" value="{fields["measure"]}"' in r.text
    assert (folder / "ledger.yaml").read_bytes() == before


def test_a_level_kept_after_a_refusal_is_chosen_again(under):
    folder, _, member, _ = under("dongli-branch-2023", "二支部", "branches")
    r = member.post("/declare", data={"csrf": token(member, "/declare"), "rule": "team.decisions",
                                      "date": "2023-2-30", "level": "较好"})
    assert r.status_code == 400 and "2月没有30日" in r.text
    assert '<option value="较好" selected>' in r.text


def test_the_office_records_a_graded_rule_from_the_record_page(under):
    folder, branch, _, office = under("dongli-branch-2023", "二支部", "branches")
    r = office.post("/record", data={"csrf": token(office, "/record"), "member": [branch], "rule": "team.decisions",
                                     "date": "2023-12-19", "level": "较好", "note": "集体决策记录齐全"})
    assert r.status_code == 303, r.text
    last = events(folder)[-1]
    assert (last.kind, last.subject, last.level, last.by) == ("score", branch, "较好", "党办周敏")


def test_the_script_that_shows_a_rules_fields_is_served_locally(site):
    r = site[2]().get("/static/rules.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"] and "data-takes" in r.text
