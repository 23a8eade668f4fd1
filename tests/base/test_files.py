"""weimai_cli.files: the one helper behind every output file (--qr, --card,
--rejects, report --out). The commands' own tests check the messages, exit
codes and that nothing is recorded; these check the writing itself."""

from __future__ import annotations

import os

import pytest

from weimai_cli import files
from weimai_cli.errors import BadInput, EnvironmentProblem


def test_a_writer_that_raises_midway_leaves_the_old_file_and_no_temporary(tmp_path):
    out = tmp_path / "card.png"
    out.write_bytes(b"old card")
    with pytest.raises(KeyboardInterrupt), files.atomic_open(out, force=True, binary=True) as fh:
        fh.write(b"\x89PNG half a card")
        fh.flush()
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".card.png.")]  # written beside it
        raise KeyboardInterrupt
    assert out.read_bytes() == b"old card"
    assert [p.name for p in tmp_path.iterdir()] == ["card.png"]


def test_a_writer_that_raises_midway_leaves_no_file_at_all(tmp_path):
    out = tmp_path / "r.csv"
    with pytest.raises(EnvironmentProblem, match=r"r\.csv: cannot write \(No space left on device\)"):
        with files.atomic_open(out) as fh:
            fh.write("file,row\n")
            raise OSError(28, "No space left on device")
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_appears_meanwhile_is_not_replaced_without_force(tmp_path):
    out = tmp_path / "q.svg"
    writer = files.AtomicFile(out)
    writer.file.write("<svg/>")
    out.write_text("someone else's")
    with pytest.raises(BadInput, match=r"q\.svg: already exists"):
        writer.commit()
    assert out.read_text() == "someone else's"
    assert [p.name for p in tmp_path.iterdir()] == ["q.svg"]


def test_a_link_that_appears_meanwhile_is_not_replaced_even_with_force(tmp_path):
    out, real = tmp_path / "q.svg", tmp_path / "real.svg"
    real.write_text("mine")
    writer = files.AtomicFile(out, force=True)
    writer.file.write("<svg/>")
    out.symlink_to(real)
    with pytest.raises(BadInput, match="is a symbolic link"):
        writer.commit()
    assert out.is_symlink() and real.read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.svg", "real.svg"]


def test_new_files_get_the_ordinary_mode(tmp_path):
    mask = os.umask(0o022)
    try:
        path = files.write_text(tmp_path / "r.md", "report")
    finally:
        os.umask(mask)
    assert path.read_text() == "report"
    assert oct(path.stat().st_mode & 0o777) == "0o644"


def test_a_folder_without_write_permission_is_an_environment_problem(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(EnvironmentProblem) as err:
        files.check_target(tmp_path / "r.md", option="--out")
    assert err.value.exit_code == 5
    assert (err.value.message, err.value.hint) == (
        f"{tmp_path}: cannot write in this folder (permission denied)",
        "check the folder's permissions, or choose another --out",
    )


def test_dash_is_stdout_only_where_allowed(tmp_path):
    assert files.check_target("-", stdout=True) is None
    with pytest.raises(BadInput, match=r"--card cannot write to standard output \(-\)"):
        files.check_target("-", option="--card")
