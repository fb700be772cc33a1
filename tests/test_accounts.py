"""Web accounts: the file beside the ledger, invitations with a one-time code, passwords (jifen.web.accounts)."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat

import pytest

from jifen.errors import InvalidInput
from jifen.store import ledger as ledger_io
from jifen.web import accounts

NOW = dt.datetime(2023, 12, 20, 9, 0)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_invite_prints_a_code_and_writes_the_file_readable_by_its_owner_only(demo, cli):
    result = cli("user", "invite", "张建国", "-l", demo, "--role", "书记")
    assert result.exit_code == 0, result.output
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}", result.output).group(0)
    path = demo / accounts.FILENAME
    assert mode(path) == 0o600
    account = accounts.load(demo).get("张建国")
    assert (account.role, account.member, account.password) == ("secretary", "m01", None)
    assert code not in path.read_text(encoding="utf-8")  # only its argon2 hash is kept
    found = accounts.check(accounts.load(demo), "张建国", code.lower().replace("-", ""), NOW)
    assert found is not None and found[1] is True  # the code works once, to set a password


def test_a_member_is_found_in_the_roster_and_an_unknown_one_refused(demo, cli):
    assert cli("user", "invite", "m02", "-l", demo).exit_code == 0
    assert accounts.load(demo).get("李秀英").member == "m02"
    refused = cli("user", "invite", "无此人", "-l", demo)
    assert refused.exit_code == 2 and "没有名为 无此人 的成员" in refused.output
    assert cli("user", "invite", "外单位监督员", "-l", demo, "--role", "监督员").exit_code == 0
    assert accounts.load(demo).get("外单位监督员").member is None
    assert cli("user", "invite", "张建国", "-l", demo, "--role", "boss").exit_code == 2


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", 'a"b', "../x", "a\x07b", "", "x" * 41])
def test_names_that_could_break_a_page_or_a_path_are_refused(demo, name):
    with pytest.raises(InvalidInput) as refused:
        accounts.invite(demo, name, "supervisor", None, NOW)
    assert refused.value.code == "user.bad-name"
    assert not (demo / accounts.FILENAME).exists()


def test_setting_a_password_ends_the_code_and_a_new_invitation_ends_the_password(demo):
    code = accounts.invite(demo, "张建国", "member", "m01", NOW)
    account, first = accounts.check(accounts.load(demo), "张建国", code, NOW)
    with pytest.raises(InvalidInput):
        accounts.set_password(demo, "张建国", "short", account.generation)
    accounts.set_password(demo, "张建国", "a long password", account.generation)
    assert accounts.check(accounts.load(demo), "张建国", code, NOW) is None
    assert accounts.check(accounts.load(demo), "张建国", "a long password", NOW)[1] is False
    accounts.invite(demo, "张建国", "member", "m01", NOW)
    again = accounts.load(demo).get("张建国")
    assert again.password is None and again.generation == account.generation + 1
    assert accounts.check(accounts.load(demo), "张建国", "a long password", NOW) is None
    with pytest.raises(InvalidInput):  # a session from before the new invitation cannot set it
        accounts.set_password(demo, "张建国", "another password", account.generation)


def test_a_code_expires(demo):
    code = accounts.invite(demo, "张建国", "member", "m01", NOW)
    later = NOW + dt.timedelta(days=accounts.CODE_DAYS + 1)
    assert accounts.check(accounts.load(demo), "张建国", code, later) is None


def test_a_file_others_can_read_is_refused(demo):
    accounts.invite(demo, "张建国", "member", "m01", NOW)
    os.chmod(demo / accounts.FILENAME, 0o644)
    with pytest.raises(InvalidInput) as refused:
        accounts.load(demo)
    assert refused.value.code == "user.file-exposed"


def test_a_new_ledgers_gitignore_keeps_the_accounts_out_of_git(tmp_path, cli):
    folder = tmp_path / "b"
    assert cli("init", folder, "--scheme", "quantified-2023", "--name", "支部", "--date", "2023-01-01").exit_code == 0
    ignored = (folder / ".gitignore").read_text(encoding="utf-8").split()
    assert accounts.FILENAME in ignored and accounts.LOCKNAME in ignored
    assert ledger_io.GITIGNORE.split() == ignored
