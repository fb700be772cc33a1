"""The git audit, the pre-commit hook, --commit and jifen log, on real temporary repositories."""

from __future__ import annotations

import subprocess

import pytest

from jifen.book import audit
from tests.conftest import ROOT


def git(repo, *args):
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def new_repo(root, monkeypatch):
    """An empty git repository at ``root``, with a recorder as its user, made the current folder."""
    root.mkdir()
    git(root, "init", "-q")
    git(root, "config", "user.name", "记分员甲")
    git(root, "config", "user.email", "a@example.org")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def repo(tmp_path, cli, monkeypatch):
    root = new_repo(tmp_path / "repo", monkeypatch)
    assert cli("init", "b", "--scheme", "quantified-2023", "--name", "一支部", "--date", "2023-01-01").exit_code == 0
    git(root, "add", "-A")
    git(root, "commit", "-qm", "open")
    for words in (("member", "add", "张三", "--date", "2023-01-01"),
                  ("add", "张三", "study.absent", "--count", "2", "--date", "2023-01-10", "--note", "缺席")):
        result = cli(*words, "-l", "b", "--commit")
        assert result.exit_code == 0, result.output
    return root


def test_commit_messages_say_what_was_recorded(repo):
    subjects = git(repo, "log", "--format=%s").splitlines()
    assert subjects[0] == "一支部: #3 2023-01-10 张三(m01) study.absent（缺席三会一课、培训或主题教育实践活动）-2 缺席 — 记录人 记分员"
    assert subjects[1] == "一支部: #2 2023-01-01 张三(m01) 加入支部 — 记分员"


def test_clean_history_passes(repo, cli):
    result = cli("audit")
    assert result.exit_code == 0 and "3 次提交" in result.output
    assert audit.history(repo) == [] and audit.working(repo) == []


def test_an_edit_of_history_is_found_with_commit_author_line_old_and_new(repo, cli):
    path = repo / "b" / "ledger.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("count: 2", "count: 1"), encoding="utf-8")
    working = cli("audit", "--lang", "en")
    assert working.exit_code == 1 and "the working tree" in working.output
    git(repo, "commit", "-qam", "quiet fix")
    result = cli("audit", "--lang", "en")
    assert result.exit_code == 1
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "count: 1" in text)
    assert f"b/ledger.yaml:{line}: an earlier line was changed or removed — commit " in result.output
    assert "记分员甲 <a@example.org>" in result.output
    assert "  - was:   count: 2\n  + now:   count: 1" in result.output
    # a range that leaves the bad commit out is clean
    assert cli("audit", "HEAD~3..HEAD~1").exit_code == 0


def test_deleting_a_ledger_and_reusing_ids_are_found(repo):
    path = repo / "b" / "ledger.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "- id: 3\n  date: 2023-01-11\n  kind: join\n  subject: m09\n  name: 重号\n  by: x\n", encoding="utf-8")
    git(repo, "commit", "-qam", "duplicate id")
    git(repo, "rm", "-q", "b/ledger.yaml")
    git(repo, "commit", "-qm", "gone")
    codes = [v.code for v in audit.history(repo)]
    assert codes == ["audit.ids", "audit.deleted"]


def test_the_hook_refuses_a_commit_that_edits_history(repo, cli):
    assert cli("hooks", "install").exit_code == 0
    hook = repo / ".git" / "hooks" / "pre-commit"
    assert "jifen audit --staged" in hook.read_text(encoding="utf-8")
    path = repo / "b" / "ledger.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("缺席", "缺勤"), encoding="utf-8")
    git(repo, "add", "-A")
    refused = subprocess.run(["git", "-C", str(repo), "commit", "-qm", "edit"], capture_output=True, text=True)
    assert refused.returncode != 0 and "暂存区" in refused.stdout + refused.stderr
    git(repo, "checkout", "-q", "HEAD", "--", "b/ledger.yaml")
    assert cli("add", "张三", "study.notes", "--date", "2023-01-31", "-l", "b", "--commit").exit_code == 0  # appends pass
    hook.write_text("#!/bin/sh\necho mine\n", encoding="utf-8")
    assert cli("hooks", "install").exit_code == 2
    assert cli("hooks", "install", "--force").exit_code == 0


def test_log_lists_what_was_added_in_words(repo, cli):
    result = cli("log", "--since", "HEAD~2", "-l", "b")
    assert result.output.splitlines() == [
        "#2 2023-01-01 张三(m01) 加入支部 — 记分员",
        "#3 2023-01-10 张三(m01) study.absent（缺席三会一课、培训或主题教育实践活动）-2 缺席 — 记录人 记分员",
    ]
    assert "没有新事件" in cli("log", "-l", "b").output
    assert cli("veto", "张三", "-r", "违纪", "--date", "2023-02-01", "-l", "b").exit_code == 0
    assert "一票否决：违纪" in cli("log", "-l", "b").output


def test_commit_outside_a_repository_is_refused_before_writing(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert cli("init", "b", "--scheme", "quantified-2023", "--name", "x", "--date", "2023-01-01").exit_code == 0
    before = (tmp_path / "b" / "ledger.yaml").read_bytes()
    result = cli("member", "add", "张三", "--date", "2023-01-01", "-l", "b", "--commit")
    assert result.exit_code == 2 and "git" in result.output
    assert (tmp_path / "b" / "ledger.yaml").read_bytes() == before


@pytest.fixture
def chinese_repo(tmp_path, cli, monkeypatch):
    """A repository whose ledger lives in ``台账/一支部/``: git quotes such paths unless told not to."""
    root = new_repo(tmp_path / "党委仓库", monkeypatch)
    folder = "台账/一支部"
    assert cli("init", folder, "--scheme", "quantified-2023", "--name", "一支部", "--date", "2023-01-01").exit_code == 0
    assert cli("member", "add", "张三", "--date", "2023-01-01", "-l", folder).exit_code == 0
    assert cli("add", "张三", "study.absent", "--count", "2", "--date", "2023-01-10", "-l", folder).exit_code == 0
    git(root, "add", "-A")
    git(root, "commit", "-qm", "一支部")
    return root, root / folder / "ledger.yaml"


def test_audit_was_blind_to_ledgers_in_chinese_folders(chinese_repo, cli):
    root, path = chinese_repo
    assert cli("audit").exit_code == 0 and "1 个台账文件" in cli("audit").output
    original = path.read_text(encoding="utf-8")
    # an edit in the working tree
    path.write_text(original.replace("count: 2", "count: 1"), encoding="utf-8")
    working = cli("audit")
    assert working.exit_code == 1 and "台账/一支部/ledger.yaml:" in working.output
    # the same edit committed
    git(root, "commit", "-qam", "悄悄改")
    assert [v.code for v in audit.history(root)] == ["audit.changed"]
    # a deleted event, committed
    git(root, "revert", "--no-edit", "HEAD")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("- id: 3"))
    path.write_text("".join(lines[:start]), encoding="utf-8")
    git(root, "commit", "-qam", "删掉一条")
    result = cli("audit")
    assert result.exit_code == 1
    assert [v.path for v in audit.history(root)] == ["台账/一支部/ledger.yaml"] * 3


def test_the_hook_was_blind_to_ledgers_in_chinese_folders(chinese_repo, cli):
    root, path = chinese_repo
    assert cli("hooks", "install").exit_code == 0
    path.write_text(path.read_text(encoding="utf-8").replace("count: 2", "count: 1"), encoding="utf-8")
    git(root, "add", "-A")
    refused = subprocess.run(["git", "-C", str(root), "commit", "-qm", "edit"], capture_output=True, text=True)
    assert refused.returncode != 0 and "台账/一支部/ledger.yaml" in refused.stdout + refused.stderr


def test_add_commit_said_nothing_was_written_after_it_had_appended(repo, cli):
    """A stale .git/index.lock made --commit fail after the append, with exit 2 ("nothing written"):
    a retry recorded the event twice."""
    path = repo / "b" / "ledger.yaml"
    before = path.read_bytes()
    (repo / ".git" / "index.lock").write_text("", encoding="utf-8")
    result = cli("add", "张三", "study.notes", "--date", "2023-01-31", "-l", "b", "--commit")
    assert result.exit_code == 3, result.output
    assert "已追加" in result.output and "不要重新记录" in result.output
    after = path.read_bytes()
    assert after.startswith(before) and after.count(b"- id: ") == before.count(b"- id: ") + 1
    (repo / ".git" / "index.lock").unlink()
    git(repo, "commit", "-qam", "the event recorded above")
    assert cli("audit").exit_code == 0


def test_audit_and_log_never_pass_user_text_to_git_as_an_option(repo, cli):
    path = repo / "b" / "ledger.yaml"
    before = path.read_bytes()
    for words in (["audit", "--", "--output=b/ledger.yaml"], ["log", "-l", "b", "--since=--output=b/ledger.yaml"]):
        result = cli(*words)
        assert result.exit_code == 2 and "不能以 - 开头" in result.output, words
        assert path.read_bytes() == before, words


def test_a_scheme_edit_changed_the_past_unseen(repo, cli):
    """The ledger's scheme sits in the repository; a rule's points are changed and committed."""
    (repo / "schemes").mkdir()
    scheme = repo / "schemes" / "本支部方案.yaml"
    scheme.write_bytes((ROOT / "schemes" / "quantified-2023.yaml").read_bytes())
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "the branch's own copy of its scheme")  # adding a scheme file is fine
    assert cli("audit").exit_code == 0
    scheme.write_text(scheme.read_text(encoding="utf-8").replace("points: -1}", "points: -3}", 1), encoding="utf-8")
    working = cli("audit", "--lang", "en")
    assert working.exit_code == 1 and "schemes/本支部方案.yaml:" in working.output and "the working tree" in working.output
    git(repo, "commit", "-qam", "stricter")
    result = cli("audit", "--lang", "en")
    assert result.exit_code == 1 and "an earlier line was changed" in result.output
    assert "记分员甲 <a@example.org>" in result.output and "points: -1}" in result.output and "points: -3}" in result.output


def test_a_scheme_named_by_a_ledger_outside_schemes_is_audited_too(tmp_path, cli, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    git(root, "config", "user.name", "甲")
    git(root, "config", "user.email", "a@example.org")
    (root / "方案.yaml").write_bytes((ROOT / "schemes" / "quantified-2023.yaml").read_bytes())
    monkeypatch.chdir(root)
    assert cli("init", "一支部", "--scheme", "方案.yaml", "--name", "一支部", "--date", "2023-01-01").exit_code == 0
    git(root, "add", "-A")
    git(root, "commit", "-qm", "open")
    path = root / "一支部" / "scheme.yaml"  # the copy init made beside the log, which the ledger names
    path.write_text(path.read_text(encoding="utf-8").replace("points: -1}", "points: -9}", 1), encoding="utf-8")
    git(root, "commit", "-qam", "quiet")
    assert [(v.code, v.path) for v in audit.history(root)] == [("audit.changed", "一支部/scheme.yaml")]
    assert cli("check", "-l", "一支部").exit_code == 1  # and the pinned hash no longer matches


def test_a_merge_that_keeps_only_one_side_dropped_the_other_sides_events(repo, cli, tmp_path):
    """Two clones append; the merge takes one side's log (``-X ours``): the audit must fail."""
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "-q", str(repo), str(other)], check=True)
    git(other, "config", "user.name", "记分员乙")
    git(other, "config", "user.email", "b@example.org")
    assert cli("add", "张三", "study.notes", "--date", "2023-02-01", "-l", other / "b", "--commit").exit_code == 0
    assert cli("add", "张三", "study.report", "--date", "2023-02-02", "-l", repo / "b", "--commit").exit_code == 0
    git(repo, "pull", "-q", "--no-rebase", "--no-edit", "-X", "ours", str(other), "HEAD")
    assert len(git(repo, "log", "-1", "--format=%P").split()) == 2  # a real merge
    assert "study.notes" not in (repo / "b" / "ledger.yaml").read_text(encoding="utf-8")
    found = audit.history(repo)
    assert [v.code for v in found] == ["audit.merge-dropped"] and found[0].path == "b/ledger.yaml"
    result = cli("audit", "--lang", "en")
    assert result.exit_code == 1 and "lost an event the other side had committed" in result.output


def test_re_appending_the_dropped_events_later_does_not_hide_the_merge(repo, cli, tmp_path):
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "-q", str(repo), str(other)], check=True)
    assert cli("add", "张三", "study.notes", "--date", "2023-02-01", "-l", other / "b", "--commit").exit_code == 0
    theirs = (other / "b" / "ledger.yaml").read_text(encoding="utf-8")
    assert cli("add", "张三", "study.report", "--date", "2023-02-02", "-l", repo / "b", "--commit").exit_code == 0
    git(repo, "pull", "-q", "--no-rebase", "--no-edit", "-X", "ours", str(other), "HEAD")
    block = theirs[theirs.index("- id: 4"):].replace("- id: 4", "- id: 5")  # their event, appended again
    with (repo / "b" / "ledger.yaml").open("a", encoding="utf-8") as log:
        log.write(block)
    git(repo, "commit", "-qam", "their event appended again")
    assert audit.history(repo) != []  # the merge commit itself still dropped it
    assert cli("check", "-l", repo / "b").exit_code == 0


def test_two_clones_that_both_appended_merge_by_themselves_with_the_driver(repo, cli, tmp_path):
    """hooks install sets a merge driver: each side's events kept, the other side's re-appended with
    fresh ids (a correction among them pointing at its renumbered target); the audit passes."""
    assert cli("hooks", "install").exit_code == 0
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "-q", str(repo), str(other)], check=True)
    git(other, "config", "user.name", "记分员乙")
    git(other, "config", "user.email", "b@example.org")
    assert cli("add", "张三", "study.notes", "--date", "2023-02-01", "--note", "乙记", "-l", other / "b",
               "--commit").exit_code == 0  # #4 there
    assert cli("revoke", "4", "-r", "记错了", "--date", "2023-02-03", "-l", other / "b", "--commit").exit_code == 0
    assert cli("add", "张三", "study.report", "--date", "2023-02-02", "-l", repo / "b", "--commit").exit_code == 0
    git(repo, "pull", "-q", "--no-rebase", "--no-edit", str(other), "HEAD")  # no -X: the driver merges
    assert len(git(repo, "log", "-1", "--format=%P").split()) == 2
    text = (repo / "b" / "ledger.yaml").read_text(encoding="utf-8")
    assert "<<<<<<<" not in text
    # ours: #4 study.report; theirs re-appended: #5 study.notes (was #4), #6 its revoke, now of #5
    assert text.index("rule: study.report") < text.index("note: 乙记")
    assert "- id: 5\n  date: 2023-02-01" in text and "- id: 6\n  date: 2023-02-03\n  kind: revoke\n  target: 5\n" in text
    assert cli("check", "-l", repo / "b").exit_code == 0
    assert audit.history(repo) == [] and cli("audit").exit_code == 0
    shown = cli("show", "张三", "-f", "json", "-l", repo / "b")
    revoked = {e["id"]: e["revoked"] for e in __import__("json").loads(shown.output)["events"]}
    assert revoked[5] is True and revoked[4] is False


def test_the_hook_let_a_merge_that_kept_one_side_be_committed(repo, cli, tmp_path):
    """git runs pre-merge-commit, not pre-commit, on a merge: hooks install puts the audit there too,
    and while a merge is under way the staged log is checked against the commit being merged."""
    assert cli("hooks", "install").exit_code == 0
    assert (repo / ".git" / "hooks" / "pre-merge-commit").exists()
    other = tmp_path / "另一份"
    subprocess.run(["git", "clone", "-q", str(repo), str(other)], check=True)
    assert cli("add", "张三", "study.notes", "--date", "2023-02-01", "-l", other / "b", "--commit").exit_code == 0
    assert cli("add", "张三", "study.report", "--date", "2023-02-02", "-l", repo / "b", "--commit").exit_code == 0
    git(repo, "fetch", "-q", str(other), "HEAD")
    head = git(repo, "rev-parse", "HEAD")
    merged = subprocess.run(["git", "-C", str(repo), "merge", "-s", "ours", "--no-edit", "FETCH_HEAD"],
                            capture_output=True, text=True)
    assert merged.returncode != 0 and "合并" in merged.stdout + merged.stderr  # the audit's words
    assert git(repo, "rev-parse", "HEAD") == head  # no merge commit was made
    git(repo, "merge", "--abort")
    git(repo, "merge", "-q", "--no-edit", "FETCH_HEAD")  # the driver's merge keeps both: the hook lets it through
    assert len(git(repo, "log", "-1", "--format=%P").split()) == 2 and audit.history(repo) == []


def test_the_merge_driver_leaves_a_history_edit_for_a_person(tmp_path):
    from jifen.errors import InvalidInput
    from jifen.store import ledger

    base = b"- id: 1\n  date: 2023-01-01\n  kind: open\n  name: x\n  scheme: s\n  by: y\n"
    edited = base.replace(b"name: x", b"name: z") + b"- id: 2\n  date: 2023-01-02\n  kind: close\n  period: 2023Q1\n  by: y\n"
    for ours, theirs in ((edited, base), (base, edited), (base, base + b"- id: 2\n  date: 2023-01")):
        with pytest.raises(InvalidInput) as refused:
            ledger.merge(base, ours, theirs)
        assert refused.value.code == "ledger.merge-not-appends"
    assert ledger.merge(base, base, base) == base
def test_log_says_when_an_honour_counted_less_than_its_rule(repo, cli):
    for level, date in (("honor.provincial", "2023-02-01"), ("honor.city", "2023-02-02")):
        assert cli("add", "张三", level, "--ref", "劳模", "--date", date, "-l", "b").exit_code == 0
    lines = cli("log", "-l", "b").output.splitlines()
    assert "+5 " in lines[0] and "→" not in lines[0]
    assert "honor.city（获得市级荣誉）+3 → 0" in lines[1]  # the same honour, already counted at its highest


def test_log_since_a_revision_older_than_the_history_listed_every_event_as_new(repo, cli):
    result = cli("log", "--since", "HEAD~50", "-l", "b")
    assert result.exit_code == 2 and "没有修订版本 HEAD~50" in result.output and "#2" not in result.output
