"""The desktop bundle against the pip install, measured in the same run:

* start-up of a headless command (``--db x.db list sites`` on a small database) and of the
  window (process start to a shown main window, offscreen), each as the bundle's time over the
  pip install's (``python main.py`` in the virtual environment this runs in);
* the bundle's size on disk and as the .tar.gz a user downloads, beside what the pip install's
  dependencies take in site-packages;
* which Qt modules the bundle carries (none of QtWebEngine, Qt3D, QtMultimedia, QtQml...).

Runs alternate between the two (bundle, pip, bundle, pip...) so that a busy machine slows both
alike; the figure is the median of ``--repeat`` warm runs (one unmeasured run of each first).
Build the bundle first: ``packaging/build``. Run: ``python bench/bench_bundle.py [--repeat 9]``.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "rackbook"
EXE = BUNDLE / ("rackbook.exe" if sys.platform == "win32" else "rackbook")
UNWANTED_QT = ("QtWebEngine", "Qt3D", "QtMultimedia", "QtQml", "QtQuick", "QtCharts", "QtPdf")


def folder_mb(folder: Path) -> float:
    return (
        sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
        / 1e6
    )


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr[-500:]}")
    return took


def compare(
    what: str, bundle: list[str], pip: list[str], env: dict[str, str], repeat: int
) -> tuple[float, float]:
    timed(bundle, env), timed(pip, env)  # warm the disk cache for both
    ours, theirs = [], []
    for _ in range(repeat):
        ours.append(timed(bundle, env))
        theirs.append(timed(pip, env))
    b, p = statistics.median(ours), statistics.median(theirs)
    print(
        f"{what}: median bundle {b * 1000:.0f} ms, pip install {p * 1000:.0f} ms: {b / p:.2f}x; "
        f"best {min(ours) * 1000:.0f} ms against {min(theirs) * 1000:.0f} ms: "
        f"{min(ours) / min(theirs):.2f}x (slowest {max(ours) * 1000:.0f} and "
        f"{max(theirs) * 1000:.0f} ms)"
    )
    return b, p


def pip_dependencies_mb() -> tuple[float, int]:
    """What ``pip install .`` puts in site-packages for Rackbook's dependencies, found from its
    package metadata (every file of every distribution it requires, and theirs)."""
    seen: set[str] = set()
    todo = ["rackbook"]
    total = 0
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        for requirement in dist.requires or []:
            if "extra ==" not in requirement:
                todo.append(re.match(r"[A-Za-z0-9._-]+", requirement).group(0))  # type: ignore[union-attr]
        if name == "rackbook":
            continue  # the project itself is the checkout
        for file in dist.files or []:
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                total += path.stat().st_size
    return total / 1e6, len(seen) - 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    if not EXE.is_file():
        print("no bundle in dist/rackbook: run packaging/build first")
        return 1

    qt = sorted(
        p.name.split(".")[0]
        for p in (BUNDLE / "_internal" / "PySide6").glob("Qt*")
        if p.suffix in (".so", ".pyd") or ".abi3." in p.name
    )
    unwanted = [m for m in qt if m.startswith(UNWANTED_QT)]
    print(f"Qt modules in the bundle: {', '.join(qt)}")
    print(f"unused Qt modules carried: {', '.join(unwanted) or 'none'}")
    archives = sorted((ROOT / "dist").glob("rackbook-*.tar.gz"))
    archive = (
        f", {archives[-1].stat().st_size / 1e6:.0f} MB as {archives[-1].name}" if archives else ""
    )
    deps_mb, deps = pip_dependencies_mb()
    print(
        f"size: bundle {folder_mb(BUNDLE):.0f} MB on disk{archive}; the pip install's "
        f"{deps} dependencies {deps_mb:.0f} MB in site-packages"
    )

    with tempfile.TemporaryDirectory(prefix="rackbook-bench-") as scratch:
        work = Path(scratch)
        env = {
            **os.environ,
            "RACKBOOK_HOME": str(work / "home"),
            "QT_QPA_PLATFORM": "offscreen",
        }
        db = str(work / "bench.db")
        pip = [sys.executable, str(ROOT / "main.py")]
        subprocess.run([*pip, "--db", db, "demo"], env=env, capture_output=True, check=True)
        compare(
            "headless command (--db x.db list sites)",
            [str(EXE), "--db", db, "list", "sites"],
            [*pip, "--db", db, "list", "sites"],
            env,
            args.repeat,
        )
        compare("--version", [str(EXE), "--version"], [*pip, "--version"], env, args.repeat)
        window_env = {**env, "RACKBOOK_QUIT_AFTER_SHOWN": "1"}
        compare(
            "window: process start to a shown main window",
            [str(EXE), "--db", db],
            [*pip, "--db", db],
            window_env,
            args.repeat,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
