"""The version: pyproject.toml is its one home; the bundle and installed copies read theirs."""

from __future__ import annotations

import io
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import cli
from services.version import version, version_at

ROOT = Path(__file__).resolve().parents[2]


def pyproject_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def test_version_option_prints_the_pyproject_version_and_exits_0() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(["--version"], out=out, err=err) == 0
    assert out.getvalue() == f"Rackbook {pyproject_version()}\n"
    assert err.getvalue() == ""


def test_version_option_of_the_program_itself() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"Rackbook {pyproject_version()}\n",
        "",
    )
    assert version() == pyproject_version()


def test_a_checkout_reads_its_own_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "rackbook"\nversion = "2.3.4"\n')
    (tmp_path / "VERSION").write_text("9.9.9\n")  # a stale file never wins over pyproject
    assert version_at(tmp_path) == "2.3.4"


def test_the_bundle_reads_the_version_file_written_into_it(tmp_path: Path) -> None:
    (tmp_path / "VERSION").write_text("1.4.0\n")
    assert version_at(tmp_path) == "1.4.0"


def test_another_projects_pyproject_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\nversion = "7.0"\n')
    (tmp_path / "VERSION").write_text("1.4.0\n")
    assert version_at(tmp_path) == "1.4.0"


def test_an_installed_copy_reads_its_metadata(tmp_path: Path) -> None:
    # Nothing beside the code (site-packages): the installed distribution's metadata.
    assert version_at(tmp_path) == metadata.version("rackbook")
