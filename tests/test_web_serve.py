"""jifen serve beyond one branch's pages: roles from the roster, a git commit per web append with the
signed-in person as author, the language switch, and one server over a folder of branch ledgers
(the committee's roll-up, each branch's pages for its own accounts only).

The branches are made with the command line (``jifen init``, ``jifen member add``, ``jifen user
invite``) as a secretary makes them, and used over HTTP as people use the pages."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import warnings

import pytest

pytest.importorskip("httpx", reason="the web tests need httpx (pip install -e '.[test]')")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from jifen import book
from jifen.web import accounts
from jifen.web.app import create_app
from jifen.web.committee import create_folder_app
from tests.conftest import SCHEMES

TODAY = dt.date(2023, 12, 20)
ROLES = "roles:\n  secretary: 支部书记\n  recorder: 记分员\n  supervisor: 监督员\n"


def branch(cli, tmp_path, folder, name, people):
    """A branch made at the command line: ``people`` are (name, roster role or None)."""
    scheme = tmp_path / "带职务的方案.yaml"
    if not scheme.exists():
        scheme.write_text((SCHEMES / "quantified-2023.yaml").read_text(encoding="utf-8") + ROLES, encoding="utf-8")
    assert cli("init", folder, "--scheme", scheme, "--name", name, "--date", "2023-01-01").exit_code == 0
    for person, role in people:
        args = ("--role", role) if role else ()
        result = cli("member", "add", person, *args, "--date", "2023-01-01", "--ledger", folder)
        assert result.exit_code == 0, result.output
    return folder


def invite(cli, folder, name, role="党员", *more):
    """The one-time code ``jifen user invite`` prints."""
    result = cli("user", "invite", name, "--role", role, "--ledger", folder, *more)
    assert result.exit_code == 0, result.output
    return re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}", result.output).group(0)


def token(c, path):
    return re.search(r'name="csrf" value="([^"]+)"', c.get(path).text).group(1)


def sign_in(c, name, secret, base=""):
    """Sign in with an invitation's code and set a password, as a first sign-in goes."""
    r = c.post(base + "/signin", data={"csrf": token(c, base + "/signin"), "name": name, "secret": secret,
                                       "next": base + "/"})
    assert r.status_code == 303 and r.headers["location"].endswith("/password"), r.text
    r = c.post(base + "/password", data={"csrf": token(c, base + "/password"), "password": "长期密码-2023",
                                         "again": "长期密码-2023"})
    assert r.status_code == 303, r.text
    return c


def client(app):
    return TestClient(app, follow_redirects=False)


def events(folder):
    return book.open(folder, cached=False).events


def open_notice(c, base=""):
    return c.post(base + "/notice/open", data={"csrf": token(c, base + "/notice"), "quarter": "2023Q4",
                                               "from": "2023-12-20", "days": "7"})


# --- roles from the roster -----------------------------------------------------------------------


def test_the_roster_not_the_account_file_decides_who_may_open_the_notice(cli, tmp_path):
    folder = branch(cli, tmp_path, tmp_path / "第一支部", "第一支部", [("王书记", "secretary"), ("张三", None)])
    # invited the other way round: the secretary as a member, the member as a secretary
    codes = {"王书记": invite(cli, folder, "王书记", "党员"), "张三": invite(cli, folder, "张三", "书记")}
    app = create_app(folder, today=lambda: TODAY)
    member = sign_in(client(app), "张三", codes["张三"])
    before = (folder / "ledger.yaml").read_bytes()
    r = open_notice(member)
    assert r.status_code == 403 and "没有权限" in r.text
    assert member.get("/desk").status_code == 403
    assert "待办" not in member.get("/notice").text  # nor is the desk offered
    assert (folder / "ledger.yaml").read_bytes() == before
    secretary = sign_in(client(app), "王书记", codes["王书记"])
    assert "书记" in secretary.get("/notice").text  # signed in as 王书记(书记)
    assert open_notice(secretary).status_code == 303
    assert [(e.kind, e.by) for e in events(folder)][-1] == ("notice", "王书记")


def test_an_office_holder_who_left_the_branch_holds_the_office_no_more(cli, tmp_path):
    folder = branch(cli, tmp_path, tmp_path / "第二支部", "第二支部", [("王书记", "secretary"), ("赵书记", "secretary")])
    code = invite(cli, folder, "王书记", "书记")
    assert cli("member", "leave", "王书记", "--date", "2023-11-30", "--reason", "调离",
               "--ledger", folder).exit_code == 0
    c = sign_in(client(create_app(folder, today=lambda: TODAY)), "王书记", code)
    assert open_notice(c).status_code == 403


def test_a_secretary_appointed_at_the_change_of_term_opens_the_notice_and_the_old_one_no_more(cli, tmp_path):
    # 换届: 王书记 hands the office to 李四 on 2023-07-01 (member role --replace); the pages ask the
    # roster who holds it on the request's day, so the office moves with the dated role event
    folder = branch(cli, tmp_path, tmp_path / "第四支部", "第四支部", [("王书记", "secretary"), ("李四", None)])
    codes = {name: invite(cli, folder, name, "党员") for name in ("王书记", "李四")}
    assert cli("member", "role", "李四", "支部书记", "--replace", "--date", "2023-07-01",
               "--ledger", folder).exit_code == 0
    day = [dt.date(2023, 6, 30)]
    app = create_app(folder, today=lambda: day[0])
    new, old = (sign_in(client(app), name, codes[name]) for name in ("李四", "王书记"))
    assert open_notice(new).status_code == 403  # the day before the change: 王书记 still holds it
    day[0] = TODAY
    assert open_notice(old).status_code == 403
    assert open_notice(new).status_code == 303
    assert [(e.kind, e.by) for e in events(folder)][-1] == ("notice", "李四")


def test_where_the_roster_names_no_office_holder_the_invitation_decides(cli, tmp_path):
    folder = branch(cli, tmp_path, tmp_path / "第三支部", "第三支部", [("王书记", None), ("张三", None)])
    code = invite(cli, folder, "王书记", "书记")
    c = sign_in(client(create_app(folder, today=lambda: TODAY)), "王书记", code)
    assert open_notice(c).status_code == 303


# --- a git commit per web append -------------------------------------------------------------------


def git(folder, *args):
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True).stdout


def in_git(folder):
    git(folder, "init", "-q")
    git(folder, "config", "user.name", "服务器")
    git(folder, "config", "user.email", "server@example.cn")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "开账")


def declare(c):
    return c.post("/declare", data={"csrf": token(c, "/declare"), "rule": "honor.company", "date": "2023-12-18",
                                    "note": "公司七一表彰"})


def test_a_declaration_on_the_web_is_committed_with_the_member_as_author(cli, tmp_path):
    folder = branch(cli, tmp_path, tmp_path / "第一支部", "第一支部", [("王书记", "secretary"), ("张三", None)])
    in_git(folder)
    code = invite(cli, folder, "张三", "党员", "--email", "zhangsan@example.cn")
    c = sign_in(client(create_app(folder, today=lambda: TODAY)), "张三", code)
    r = declare(c)
    assert r.status_code == 303 and r.headers["location"] == "/mine"
    assert git(folder, "log", "-1", "--format=%an <%ae>").strip() == "张三 <zhangsan@example.cn>"
    assert git(folder, "log", "-1", "--format=%cn").strip() == "服务器"
    assert "张三" in git(folder, "log", "-1", "--format=%s") and git(folder, "status", "--porcelain") == ""
    assert events(folder)[-1].kind == "declare"
    secretary = sign_in(client(create_app(folder, today=lambda: TODAY)), "王书记", invite(cli, folder, "王书记"))
    assert secretary.post(f"/approve/{events(folder)[-1].id}",
                          data={"csrf": token(secretary, "/desk")}).status_code == 303
    assert git(folder, "log", "-1", "--format=%an <%ae>").strip() == "王书记 <m01@第一支部.jifen>"
    assert int(git(folder, "rev-list", "--count", "HEAD")) == 3


def test_appended_but_not_committed_is_said_as_such_not_as_a_failure(cli, tmp_path):
    folder = branch(cli, tmp_path, tmp_path / "第一支部", "第一支部", [("王书记", "secretary"), ("张三", None)])
    in_git(folder)
    hook = folder / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'refused by the hook' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    c = sign_in(client(create_app(folder, today=lambda: TODAY)), "张三", invite(cli, folder, "张三"))
    r = declare(c)
    assert r.status_code == 303 and r.headers["location"] == "/mine"
    page = c.get("/mine").text
    declared = events(folder)[-1]
    assert declared.kind == "declare" and declared.by == "张三"
    assert "已申报" in page and "没有提交到 git" in page and 'class="flash warn"' in page
    assert int(git(folder, "rev-list", "--count", "HEAD")) == 1


def test_a_ledger_git_does_not_track_is_not_committed_nor_is_one_served_without_commits(cli, tmp_path):
    outer = tmp_path / "仓库"
    outer.mkdir()
    (outer / ".gitignore").write_text("草稿/\n", encoding="utf-8")
    in_git(outer)  # a repository ...
    folder = branch(cli, tmp_path, outer / "草稿" / "第一支部", "第一支部", [("张三", None)])  # ... ignoring the ledger
    c = sign_in(client(create_app(folder, today=lambda: TODAY)), "张三", invite(cli, folder, "张三"))
    assert declare(c).status_code == 303
    page = c.get("/mine").text
    assert 'class="flash ok"' in page and "git" not in page
    assert int(git(outer, "rev-list", "--count", "HEAD")) == 1 and events(folder)[-1].kind == "declare"
    tracked = branch(cli, tmp_path, tmp_path / "第二支部", "第二支部", [("李四", None)])
    in_git(tracked)
    c = sign_in(client(create_app(tracked, today=lambda: TODAY, commits=False)), "李四", invite(cli, tracked, "李四"))
    assert declare(c).status_code == 303
    assert int(git(tracked, "rev-list", "--count", "HEAD")) == 1
    assert git(tracked, "status", "--porcelain", "--", "ledger.yaml") == " M ledger.yaml\n"


# --- the language switch ---------------------------------------------------------------------------


def test_pages_are_chinese_by_default_and_english_after_the_switch_which_a_cookie_keeps(cli, tmp_path):
    folder = branch(cli, tmp_path, tmp_path / "第一支部", "第一支部", [("王书记", "secretary"), ("张三", None)])
    c = sign_in(client(create_app(folder, today=lambda: TODAY)), "张三", invite(cli, folder, "张三"))
    zh = c.get("/card").text
    assert 'lang="zh-CN"' in zh and "我的积分" in zh and 'href="?lang=en"' in zh and "My points" not in zh
    r = c.get("/card?lang=en")
    assert "jifen-lang=en" in r.headers["set-cookie"]
    assert 'lang="en"' in r.text and "My points" in r.text and "我的积分" not in r.text
    notice = c.get("/notice").text  # no parameter: the cookie keeps English
    assert "Notice" in notice and "公示" not in notice.split("<main>")[0]
    r = declare(c)
    assert "declared (event #" in c.get(r.headers["location"]).text
    assert "我的积分" in c.get("/card?lang=zh").text and "我的积分" in c.get("/card").text


def test_the_sign_in_page_switches_language_before_anyone_signs_in(cli, tmp_path):
    folder = branch(cli, tmp_path, tmp_path / "第一支部", "第一支部", [("张三", None)])
    c = client(create_app(folder, today=lambda: TODAY))
    assert "登录" in c.get("/signin").text
    assert "Sign in" in c.get("/signin?lang=en").text and "登录" not in c.get("/signin").text
    assert "登录" in c.get("/signin?lang=zh").text


# --- one server over a folder of branch ledgers --------------------------------------------------------


@pytest.fixture
def county(cli, tmp_path):
    """A folder of two branches in one git repository, with a committee account and an account in each."""
    top = tmp_path / "县委组织部"
    one = branch(cli, tmp_path, top / "第一支部", "第一支部", [("王书记", "secretary"), ("张三", None)])
    two = branch(cli, tmp_path, top / "第二支部", "第二支部", [("赵书记", "secretary"), ("李四", None)])
    for folder, person in ((one, "张三"), (two, "李四")):
        assert cli("add", person, "study.absent", "--date", "2023-03-01", "--ledger", folder).exit_code == 0
    in_git(top)
    codes = {"县委组织部": invite(cli, top, "县委组织部", "上级党委"), "张三": invite(cli, one, "张三"),
             "李四": invite(cli, two, "李四")}
    app = create_folder_app(top, today=lambda: TODAY)
    assert git(top, "status", "--porcelain", "--untracked-files=all") == "?? .gitignore\n"  # no account file
    return top, codes, app


def test_the_committee_sees_the_roll_up_the_audit_and_every_branch_read_only(county, cli):
    top, codes, app = county
    c = sign_in(client(app), "县委组织部", codes["县委组织部"])
    page = c.get("/").text
    assert "各支部积分汇总（2023 年度）" in page
    assert "第一支部" in page and "第二支部" in page and page.count("通过") == 2
    assert 'href="/notice"' not in page and 'href="/b/%E7%AC%AC%E4%B8%80%E6%94%AF%E9%83%A8/notice"' in page
    rollup = cli("rollup", top, "--year", "2023", "--format", "json", "--jobs", "1")
    for row in json.loads(rollup.output)["branches"]:
        assert f"<b>{row['average']}</b>" in page  # the same numbers as jifen rollup
    for path in ("/notice", "/log", "/history", "/card/m02", "/desk", "/members"):
        assert c.get("/b/第一支部" + path).status_code == 200, path
    history = c.get("/b/第二支部/history").text
    assert "审计通过" in history and "李四" in history
    before = (top / "第一支部" / "ledger.yaml").read_bytes()
    assert open_notice(c, "/b/第一支部").status_code == 403
    assert c.get("/b/第一支部/record").status_code == 403
    assert (top / "第一支部" / "ledger.yaml").read_bytes() == before


def test_the_audit_on_the_committee_page_names_the_branch_whose_history_was_edited(county):
    top, codes, app = county
    c = sign_in(client(app), "县委组织部", codes["县委组织部"])
    assert c.get("/").text.count("通过") == 2  # the history audited once; later pages read only what is new
    ledger = top / "第二支部" / "ledger.yaml"
    ledger.write_bytes(ledger.read_bytes().replace("第二支部".encode(), "第贰支部".encode(), 1))
    page = c.get("/").text
    assert page.count("通过") == 1 and "1 处改动历史" in page  # in the working tree
    git(top, "commit", "-q", "-am", "改了历史")
    page = c.get("/").text
    assert page.count("通过") == 1 and "1 处改动历史" in page  # in the commit added since
    history = c.get("/b/第二支部/history").text
    assert "审计未通过：1 处改动了历史" in history and re.search(r"第 \d+ 行：.* — 提交 [0-9a-f]{10}（", history)
    git(top, "reset", "-q", "--hard", "HEAD~1")  # the edit gone from history: audited again from the start
    assert c.get("/").text.count("通过") == 2


def test_a_branch_account_sees_its_own_branch_only(county):
    top, codes, app = county
    c = sign_in(client(app), "张三", codes["张三"], "/b/第一支部")
    assert c.get("/b/第一支部/card").status_code == 200
    r = c.get("/b/第二支部/card")
    assert r.status_code == 303 and "/b/%E7%AC%AC%E4%BA%8C%E6%94%AF%E9%83%A8/signin" in r.headers["location"]
    landing = c.get("/")
    assert landing.status_code == 200 and "各支部积分汇总" not in landing.text and "支部登录" in landing.text
    before = (top / "第二支部" / "ledger.yaml").read_bytes()
    r = c.post("/b/第二支部/declare", data={"csrf": token(c, "/b/第一支部/declare"), "rule": "honor.company"})
    assert r.status_code == 303 and "signin" in r.headers["location"]
    assert (top / "第二支部" / "ledger.yaml").read_bytes() == before
    # a branch account cannot sign in as the committee, nor the committee's name at a branch
    fresh = client(app)
    r = fresh.post("/signin", data={"csrf": token(fresh, "/signin"), "name": "张三", "secret": codes["张三"]})
    assert r.status_code == 401


def test_a_declaration_in_a_branch_of_the_folder_is_committed_with_the_member_as_author(county):
    top, codes, app = county
    c = sign_in(client(app), "李四", codes["李四"], "/b/第二支部")
    r = c.post("/b/第二支部/declare", data={"csrf": token(c, "/b/第二支部/declare"), "rule": "honor.company",
                                          "date": "2023-12-18", "note": "七一表彰"})
    assert r.status_code == 303 and r.headers["location"] == "/b/%E7%AC%AC%E4%BA%8C%E6%94%AF%E9%83%A8/mine"
    assert git(top, "log", "-1", "--format=%an").strip() == "李四"
    assert events(top / "第二支部")[-1].by == "李四"


def test_serve_over_a_folder_without_ledgers_says_so(cli, tmp_path):
    (tmp_path / "空文件夹").mkdir()
    result = cli("serve", tmp_path / "空文件夹")
    assert result.exit_code == 2 and "下没有台账" in result.output


def test_a_committee_account_needs_a_folder_of_branches(cli, tmp_path):
    (tmp_path / "空文件夹").mkdir()
    result = cli("user", "invite", "县委组织部", "--role", "上级党委", "--ledger", tmp_path / "空文件夹")
    assert result.exit_code == 2 and "下没有台账" in result.output
    assert not (tmp_path / "空文件夹" / accounts.FILENAME).exists()


def test_jifen_serve_of_a_folder_starts_the_committee_server_and_lists_its_branches(county, cli, monkeypatch):
    import uvicorn

    top, codes, _ = county
    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.update(app=app, **options))
    result = cli("serve", top, "--port", "8123")
    assert result.exit_code == 0, result.output
    assert "2 个支部的网页已启动：http://127.0.0.1:8123/" in result.output and started["port"] == 8123
    landing = client(started["app"]).get("/").text
    assert "第一支部" in landing and "第二支部" in landing and 'href="/signin"' in landing
    c = sign_in(client(started["app"]), "李四", codes["李四"], "/b/第二支部")
    c.post("/b/第二支部/declare", data={"csrf": token(c, "/b/第二支部/declare"), "rule": "honor.company",
                                      "date": "2023-12-18", "note": "七一表彰"})
    assert git(top, "log", "-1", "--format=%an").strip() == "李四"
