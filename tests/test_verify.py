"""``jifen verify`` and ``jifen.book.verify``: a notice's code holds while the log only grows, and fails
once any byte it was made from changes."""

from __future__ import annotations

import re
import subprocess

import pytest

from jifen.book import verify
from jifen.errors import InvalidInput


def code_of(cli, tmp_path, demo, *args) -> str:
    out = tmp_path / "notice.html"
    assert cli(*args, "-l", demo, "-f", "html", "-o", out).exit_code == 0
    found = re.search(r"JF1-[0-9A-Za-z-]+", out.read_text(encoding="utf-8"))
    assert found
    return found.group(0)


def test_code_round_trips():
    stamp = verify.Stamp(("report", "2023-03"), 8720, "c14be64a718d5e09", "2f380a82", "abcdef1")
    assert str(stamp) == "JF1-R2023M03-8720-c14be64a718d5e09-2f380a82-abcdef1"
    assert verify.parse(str(stamp)) == stamp
    assert verify.parse("JF1-G2023-1-0000000000000000-00000000").what == ("grade", "2023")


@pytest.mark.parametrize("text", ["", "JF1", "JF2-R2023Q1-1-0000000000000000-00000000",
                                  "JF1-R2023Q5-1-0000000000000000-00000000", "JF1-R2023M13-1-0000000000000000-00000000",
                                  "JF1-G2023Q1-1-0000000000000000-00000000", "JF1-R2023Q1-1-00000000-00000000"])
def test_what_is_not_a_code_is_refused(text):
    with pytest.raises(InvalidInput):
        verify.parse(text)


def test_unchanged_log_verifies_and_shows_the_table_again(cli, tmp_path, demo):
    code = code_of(cli, tmp_path, demo, "report", "--quarter", "2023Q1")
    result = cli("verify", code, "-l", demo)
    assert result.exit_code == 0, result.output
    assert "核验通过" in result.output and "王志强" in result.output and "89" in result.output


def test_appends_after_the_notice_still_verify_and_the_table_is_as_it_was(cli, tmp_path, demo):
    code = code_of(cli, tmp_path, demo, "grade", "--year", "2023")
    before = cli("grade", "--year", "2023", "-l", demo, "-f", "json").output
    assert cli("add", "王志强", "work.key", "-d", "2023-12-20", "-l", demo).exit_code == 0
    result = cli("verify", code, "-l", demo, "-f", "json")
    assert result.exit_code == 0, result.output
    assert "此后追加了" in result.output
    assert result.output.split("\n", 2)[2].strip() == before.strip()  # the page's table, not today's


def test_an_earlier_byte_changed_is_refused(cli, tmp_path, demo):
    code = code_of(cli, tmp_path, demo, "report", "--quarter", "2023Q1")
    log = demo / "ledger.yaml"
    data = log.read_bytes()
    log.write_bytes(data.replace("张建国".encode(), "张建华".encode(), 1))
    result = cli("verify", code, "-l", demo)
    assert result.exit_code == 1 and "核验未通过" in result.output and "jifen audit" in result.output
    log.write_bytes(data[:-40])  # shorter than when the notice was made
    assert cli("verify", code, "-l", demo).exit_code == 1


def test_a_changed_scheme_is_refused(cli, tmp_path, demo, monkeypatch):
    from tests.conftest import SCHEMES

    own = tmp_path / "schemes"
    own.mkdir()
    (own / "quantified-2023.yaml").write_bytes((SCHEMES / "quantified-2023.yaml").read_bytes())
    monkeypatch.setenv("JIFEN_SCHEMES", str(own))
    code = code_of(cli, tmp_path, demo, "report", "--quarter", "2023Q1")
    (own / "quantified-2023.yaml").write_bytes((SCHEMES / "quantified-2023.yaml").read_bytes() + b"# edited\n")
    result = cli("verify", code, "-l", demo)
    assert result.exit_code == 1 and "方案文件" in result.output


def test_a_committed_log_names_its_commit(cli, tmp_path, demo):
    def git(*args):
        subprocess.run(["git", "-C", str(demo), "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True,
                       capture_output=True)

    git("init", "-q")
    git("add", "ledger.yaml")
    git("commit", "-q", "-m", "the log")
    sha = subprocess.run(["git", "-C", str(demo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    code = code_of(cli, tmp_path, demo, "report", "--quarter", "2023Q1")
    assert code.endswith("-" + sha[:7])
    result = cli("verify", code, "-l", demo)
    assert result.exit_code == 0 and sha[:7] in result.output
    assert cli("add", "王志强", "work.key", "-d", "2023-12-20", "-l", demo).exit_code == 0
    assert not code_of(cli, tmp_path, demo, "report", "--quarter", "2023Q1").endswith(sha[:7])  # uncommitted bytes
