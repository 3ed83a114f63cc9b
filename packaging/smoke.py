"""The smoke test of a built bundle (packaging/build --check).

The bundle is started the way a buyer's machine would start it: in an environment emptied of
everything (env -i: no PATH to any Python, no PYTHONPATH, no virtual environment, HOME and
Rackbook's folder new and empty), and, with --chroot, inside a minimal Debian made by
debootstrap that has no Python at all, only what any desktop has (the C library, the X client
library, the graphics driver's EGL/GL, fonts). It runs the command line (a new database
migrated by the bundled Alembic scripts, the demo data, lists, export then import, bad input),
the keyring (a real Secret Service on a private D-Bus), PostgreSQL when RACKBOOK_TEST_PG_URL
names a server, and the window (under Xvfb, found and quit with Ctrl+Q by xdotool; offscreen
where there is no X server), and checks that the running window maps no Python library from
outside the bundle.

Only this script (the checker) runs on the build machine's Python; the bundle never does.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

LINUX = sys.platform.startswith("linux")
EXE_NAME = "rackbook.exe" if sys.platform == "win32" else "rackbook"
# What a minimal Debian gets for the window: what every desktop has and the bundle leaves to
# the system (PyInstaller never bundles these: the X client library, the graphics driver's
# dispatch libraries), and fonts. No Python, no libxcb-* list.
CHROOT_DESKTOP_PACKAGES = ["libxcb1", "libegl1", "libgl1", "fontconfig-config", "fonts-dejavu-core"]
CHECK_TOOLS = {"Xvfb": "xvfb", "xdotool": "xdotool", "import": "imagemagick"}


class Failed(Exception):
    pass


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)
    passed: int = 0

    def ok(self, text: str) -> None:
        self.passed += 1
        print(f"  ok    {text}", flush=True)

    def fail(self, text: str) -> None:
        self.failures.append(text)
        print(f"  FAIL  {text}", flush=True)

    def note(self, text: str) -> None:
        print(f"  note  {text}", flush=True)


@dataclass
class Target:
    """Where the bundle runs: this machine, or a chroot (paths as the bundle sees them)."""

    name: str
    bundle: str  # the bundle's folder as the process sees it
    work: Path  # a scratch folder on this machine
    work_inside: str  # the same folder as the process sees it
    prefix: list[str] = field(default_factory=list)
    display: str | None = None
    bundle_on_host: str = ""  # the bundle's folder as this machine sees it

    def __post_init__(self) -> None:
        self.bundle_on_host = self.bundle_on_host or self.bundle

    @property
    def exe(self) -> str:
        return f"{self.bundle}/{EXE_NAME}"

    def inside(self, name: str) -> str:
        return f"{self.work_inside}/{name}"

    def env(self, **extra: str) -> dict[str, str]:
        empty = self.work / "empty-bin"
        empty.mkdir(exist_ok=True)
        env = {
            # A PATH with nothing on it: no python3, no pip, nothing to fall back on.
            "PATH": str(empty) if not self.prefix else "/nonexistent",
            "HOME": self.inside("home"),
            "RACKBOOK_HOME": self.inside("home/rackbook"),
            "LANG": "C.UTF-8",
        }
        if sys.platform == "win32":  # Windows cannot start a process without these
            env.update({k: os.environ[k] for k in ("SYSTEMROOT", "TEMP", "TMP") if k in os.environ})
        if self.display:
            env["DISPLAY"] = self.display
        env.update(extra)
        return env

    def command(self, args: list[str]) -> list[str]:
        return [*self.prefix, self.exe, *args]

    def run(
        self, *args: str, stdin: str | None = None, timeout: float = 120, **env: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(list(args)),
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env(**env),
            timeout=timeout,
            check=False,
        )


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    text = (done.stderr or done.stdout).strip().splitlines()
    return text[-1] if text else f"exit status {done.returncode}"


def expect(
    report: Report,
    what: str,
    done: subprocess.CompletedProcess[str],
    status: int = 0,
    out: str | None = None,
) -> bool:
    if "Traceback" in done.stderr or "Traceback" in done.stdout:
        report.fail(f"{what}: a traceback\n{done.stderr}")
        return False
    if done.returncode != status:
        report.fail(f"{what}: exit status {done.returncode}, not {status}: {one_line(done)}")
        return False
    if out is not None and out not in done.stdout:
        report.fail(f"{what}: {out!r} not in what it printed: {done.stdout[-500:]!r}")
        return False
    report.ok(what)
    return True


# --- the command line ------------------------------------------------------------------------


def check_command_line(target: Target, version: str, report: Report) -> None:
    t = target
    expect(report, "rackbook --version", t.run("--version"), out=f"Rackbook {version}")
    db = t.inside("tmp.db")
    # A new database: the bundled Alembic scripts create the schema.
    if expect(
        report,
        "--db tmp.db list sites (a new database, migrated)",
        t.run("--db", db, "list", "sites"),
    ):
        expect(report, "db check", t.run("--db", db, "db", "check"))
    expect(report, "demo data loaded", t.run("--db", db, "demo"), out="13 sites")
    done = t.run("--db", db, "list", "orders", "--json")
    if expect(report, "--db tmp.db list orders --json", done):
        orders = json.loads(done.stdout)
        if not orders or "po_number" not in orders[0]:
            report.fail(f"list orders gave {len(orders)} rows")
    expect(report, "alerts", t.run("--db", db, "alerts"))
    for kind, name in (("contracts", "contracts.xlsx"), ("sites", "sites.xlsx")):
        done = t.run("--db", db, "export", kind, t.inside(name))
        if expect(report, f"export {kind} (xlsx)", done) and not (t.work / name).is_file():
            report.fail(f"export {kind}: no {name} written")
    other = t.inside("other.db")
    done = t.run("--db", other, "import", t.inside("sites.xlsx"), "--kind", "sites")
    if expect(report, "import the exported sites.xlsx into another database", done):
        listed = t.run("--db", other, "list", "sites", "--json")
        count = len(json.loads(listed.stdout)) if listed.returncode == 0 else -1
        (report.ok if count == 13 else report.fail)(f"the other database has {count} sites of 13")
    with (t.work / "fx.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["currency", "rate", "valid_from"])
        writer.writerow(["EUR", "1.0850", "2027-01-04"])
    done = t.run("--db", other, "import", t.inside("fx.csv"), "--kind", "fxrates")
    expect(report, "import a CSV file", done)
    done = t.run("--db", other, "import", t.inside("missing.xlsx"))
    lines = len(done.stderr.strip().splitlines())
    if expect(report, "bad input: a missing file is rejected (exit 1)", done, 1) and lines != 1:
        report.fail(f"the rejection is not one line: {done.stderr!r}")
    expect(report, "usage error (exit 2)", t.run("--db", other, "no-such-command"), status=2)
    expect(report, "db backup", t.run("--db", db, "db", "backup", t.inside("copy.db")))


def check_postgresql(target: Target, python: Path, report: Report) -> None:
    """The bundled psycopg and libpq against the real server named by RACKBOOK_TEST_PG_URL."""
    base = os.environ.get("RACKBOOK_TEST_PG_URL")
    if not base:
        report.note("PostgreSQL not tried: set RACKBOOK_TEST_PG_URL to try it")
        return
    name = f"rackbook_bundle_{uuid.uuid4().hex[:10]}"
    admin = base.replace("postgresql+psycopg://", "postgresql://")
    manage = (
        "import sys, psycopg\n"
        "with psycopg.connect(sys.argv[1], autocommit=True) as c:\n"
        "    c.execute(f'{sys.argv[2]} DATABASE {sys.argv[3]}')\n"
    )
    subprocess.run([str(python), "-c", manage, admin, "CREATE", name], check=True)
    try:
        url = base.rsplit("/", 1)[0] + "/" + name
        expect(report, "PostgreSQL: demo data into a new database", target.run("--db", url, "demo"))
        done = target.run("--db", url, "list", "contracts", "--json")
        if expect(report, "PostgreSQL: list contracts", done):
            report.ok(f"PostgreSQL: {len(json.loads(done.stdout))} contracts read back")
    finally:
        subprocess.run(
            [str(python), "-c", manage, admin, "DROP", name + " WITH (FORCE)"], check=False
        )


def check_keyring(target: Target, python: Path, report: Report) -> None:
    """A team password kept by the bundle in a real Secret Service (gnome-keyring on a
    private session bus), then read back by the keyring library outside the bundle."""
    if not LINUX:
        report.note("keyring: tried only on Linux here")
        return
    bus = shutil.which("dbus-run-session")
    if bus is None or shutil.which("gnome-keyring-daemon") is None:
        report.note(
            "keyring not tried: needs dbus-run-session and gnome-keyring-daemon "
            "(apt-get install dbus gnome-keyring)"
        )
        return
    url = "postgresql+psycopg://buyer@teamdb.invalid:5432/rackbook"
    secret = f"pw-{uuid.uuid4().hex[:8]}"
    store = " ".join(f"'{part}'" for part in target.command(["--db", url, "db", "password"]))
    read = (
        "import keyring; print(keyring.get_password('Rackbook', "
        "'buyer@teamdb.invalid:5432/rackbook'))"
    )
    script = (
        "set -e\n"
        "eval \"$(printf 'unlock\\n' | gnome-keyring-daemon --unlock --components=secrets)\"\n"
        "sleep 1\n"
        f"printf '%s\\n' '{secret}' | {store}\n"
        f"'{python}' -c \"{read}\"\n"
    )
    env = target.env()
    env["PATH"] = "/usr/bin:/bin"  # for the session bus and the keyring daemon only
    done = subprocess.run(
        [bus, "--", "sh", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    if done.returncode != 0 or secret not in done.stdout:
        report.fail(
            f"keyring: the password was not kept: {done.stdout[-300:]} {done.stderr[-500:]}"
        )
    else:
        report.ok("keyring: the bundle kept a team password in the Secret Service")


# --- the window ------------------------------------------------------------------------------


@contextlib.contextmanager
def virtual_screen() -> Iterator[str | None]:
    xvfb = shutil.which("Xvfb")
    if not LINUX or xvfb is None:
        yield None
        return
    number = next(n for n in range(90, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    server = subprocess.Popen(
        [xvfb, f":{number}", "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                break
            time.sleep(0.1)
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def mapped_files(pid: int) -> set[str]:
    try:
        lines = Path(f"/proc/{pid}/maps").read_text().splitlines()
    except OSError:
        return set()
    return {line.split(None, 5)[5] for line in lines if len(line.split(None, 5)) == 6}


def window_problems(stderr: str) -> list[str]:
    bad = ("Traceback", "Could not load the Qt platform plugin", "qt.qpa.plugin", "Error")
    return [line for line in stderr.splitlines() if any(word in line for word in bad)]


def check_window_offscreen(target: Target, report: Report) -> None:
    done = target.run("--demo", QT_QPA_PLATFORM="offscreen", RACKBOOK_QUIT_AFTER_SHOWN="1")
    problems = window_problems(done.stderr)
    if done.returncode != 0 or problems:
        report.fail(f"window (offscreen): exit {done.returncode}: {done.stderr[-800:]}")
    else:
        report.ok("window (offscreen): shown and closed")


def check_window(target: Target, out_dir: Path, report: Report) -> None:
    """The window under Xvfb: found, demo data loaded by it, screenshot, quit with Ctrl+Q."""
    xdotool = shutil.which("xdotool")
    if target.display is None or xdotool is None:
        report.note("no Xvfb and xdotool here: the window tried offscreen only")
        return
    env = target.env()
    log = (target.work / "window.log").open("w+", encoding="utf-8")
    window = subprocess.Popen(target.command(["--demo"]), env=env, stdout=log, stderr=log)
    x_env = {"DISPLAY": target.display, "PATH": os.environ.get("PATH", "")}
    try:
        found = subprocess.run(
            [xdotool, "search", "--sync", "--onlyvisible", "--name", "^Rackbook"],
            capture_output=True,
            text=True,
            env=x_env,
            timeout=90,
            check=False,
        )
        ids = found.stdout.split()
        if not ids:
            raise Failed(f"window (X11): none appeared: {found.stderr}")
        report.ok(f"window (X11 on Xvfb {target.display}): shown")
        demo = target.inside("home/rackbook/rackbook-demo.db")
        sites = 0
        for _ in range(120):  # the window opens the database and loads the demo in the background
            listed = target.run("--db", demo, "list", "sites", "--json")
            if listed.returncode == 0 and listed.stdout.strip().startswith("["):
                sites = len(json.loads(listed.stdout))
                if sites == 13:
                    break
            time.sleep(1)
        (report.ok if sites == 13 else report.fail)(
            f"window: the demo database it made holds {sites} sites of 13"
        )
        time.sleep(3)
        maps = mapped_files(window.pid)
        mine = target.bundle_on_host
        outside = sorted(p for p in maps if p.startswith("/") and not p.startswith(mine))
        python_outside = [p for p in outside if "python" in p.lower()]
        if python_outside:
            report.fail(f"window maps Python from outside the bundle: {python_outside}")
        elif maps:
            inside = len([p for p in maps if p.startswith(mine)])
            libs = sorted({Path(p).name for p in outside if ".so" in p})
            report.ok(
                f"window maps {inside} files from the bundle and no Python from elsewhere; "
                f"from the system: {', '.join(libs)}"
            )
        shot = shutil.which("import")
        if shot:
            picture = out_dir / f"window-{target.name}.png"
            subprocess.run(
                [shot, "-window", "root", str(picture)], env=x_env, timeout=60, check=False
            )
            if picture.is_file():
                report.ok(f"screenshot: {picture}")
        subprocess.run(
            [xdotool, "windowfocus", "--sync", ids[-1], "key", "ctrl+q"],
            env=x_env,
            timeout=30,
            check=False,
        )
        status = window.wait(timeout=60)
        log.seek(0)
        stderr = log.read()
        problems = window_problems(stderr)
        if status != 0 or problems:
            report.fail(f"window quit with exit status {status}: {stderr[-800:]}")
        else:
            report.ok("window: quit with Ctrl+Q, exit status 0, no warnings")
    except (Failed, subprocess.TimeoutExpired) as problem:
        log.seek(0)
        report.fail(f"{problem}\n{log.read()[-800:]}")
    finally:
        if window.poll() is None:
            window.send_signal(signal.SIGTERM)
            window.wait(timeout=30)
        log.close()


# --- where it runs ---------------------------------------------------------------------------


def check_libraries(bundle: Path, report: Report) -> None:
    """ldd on every library of the bundle: nothing missing, no Python from elsewhere."""
    if not LINUX or not shutil.which("ldd"):
        return
    missing: dict[str, set[str]] = {}
    system: set[str] = set()
    files = [bundle / EXE_NAME, *bundle.rglob("*.so*")]
    # The bundle's starter puts its own folder first on the library path, as here.
    internal = bundle / "_internal"
    env = {"PATH": os.environ.get("PATH", ""), "LD_LIBRARY_PATH": str(internal)}
    for path in files:
        if path.is_symlink() or not path.is_file():
            continue
        done = subprocess.run(
            ["ldd", str(path)], capture_output=True, text=True, env=env, check=False
        )
        for line in done.stdout.splitlines():
            parts = line.split()
            if "not found" in line:
                missing.setdefault(parts[0], set()).add(str(path.relative_to(bundle)))
            elif (
                "=>" in parts
                and len(parts) >= 3
                and parts[2].startswith("/")
                and not Path(parts[2]).resolve().is_relative_to(bundle.resolve())
            ):
                system.add(parts[2])
    wayland_only = {
        name: users
        for name, users in missing.items()
        if all("wayland" in user.lower() for user in users)
    }
    for name in wayland_only:
        del missing[name]
    if missing:
        report.fail(f"ldd: libraries found nowhere: {missing}")
    else:
        report.ok(f"ldd: all {len(files)} binaries resolve")
    if wayland_only:
        report.note(
            f"ldd: Wayland plugins need the session's own {', '.join(sorted(wayland_only))}"
        )
    python = sorted(p for p in system if "python" in p.lower())
    if python:
        report.fail(f"ldd: Python libraries from outside the bundle: {python}")
    else:
        names = sorted({Path(p).name for p in system})
        report.ok(f"ldd: no Python outside the bundle; from the system: {', '.join(names)}")


def ensure_check_tools(report: Report) -> None:
    if not LINUX:
        return
    missing = [pkg for tool, pkg in CHECK_TOOLS.items() if shutil.which(tool) is None]
    if not missing:
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        report.note(f"installing {', '.join(missing)} for the window check")
        subprocess.run(
            ["apt-get", "install", "-y", "--no-install-recommends", *missing],
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            stdout=subprocess.DEVNULL,
            check=False,
        )
    else:
        report.note(f"for the X11 window check install: {' '.join(missing)}")


def prepare_chroot(folder: Path, report: Report) -> bool:
    if os.geteuid() != 0 or not shutil.which("debootstrap"):
        report.fail("--chroot needs root and debootstrap (apt-get install debootstrap)")
        return False
    if not (folder / "usr" / "bin" / "env").exists():
        print(f"making a minimal Debian in {folder} (debootstrap, about a minute)", flush=True)
        done = subprocess.run(
            ["debootstrap", "--variant=minbase", "bookworm", str(folder)],
            stdout=subprocess.DEVNULL,
            check=False,
        )
        if done.returncode != 0:
            report.fail("debootstrap failed")
            return False
        installed = subprocess.run(
            ["chroot", str(folder), "apt-get", "install", "-y", "--no-install-recommends",
             *CHROOT_DESKTOP_PACKAGES],
            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive"},
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        if installed.returncode != 0:
            report.fail(f"apt-get in the chroot failed: {installed.stderr[-500:]}")
            return False
    pythons = [
        str(p.relative_to(folder))
        for pattern in ("usr/bin/python*", "usr/lib/python3*", "usr/local/bin/python*")
        for p in folder.glob(pattern)
    ]
    if pythons:
        report.fail(f"the chroot has Python: {pythons}")
        return False
    report.ok(f"chroot {folder}: minimal Debian, no Python in it, no libxcb-* list installed")
    return True


@contextlib.contextmanager
def chroot_target(folder: Path, bundle: Path, display: str | None) -> Iterator[Target]:
    opt = folder / "opt" / "rackbook"
    if opt.exists():
        shutil.rmtree(opt)
    shutil.copytree(bundle, opt, symlinks=True)
    work = folder / "tmp" / "rackbook-check"
    if work.exists():
        shutil.rmtree(work)
    (work / "home").mkdir(parents=True)
    proc = folder / "proc"
    subprocess.run(["mount", "-t", "proc", "proc", str(proc)], check=True)
    try:
        yield Target(
            "chroot",
            bundle="/opt/rackbook",
            work=work,
            work_inside="/tmp/rackbook-check",
            prefix=[shutil.which("chroot") or "chroot", str(folder)],
            display=display,
            bundle_on_host=str(opt),
        )
    finally:
        subprocess.run(["umount", str(proc)], check=False)


def check_target(target: Target, version: str, python: Path, out_dir: Path, report: Report) -> None:
    print(f"\n{target.name}: {target.exe}", flush=True)
    check_command_line(target, version, report)
    check_postgresql(target, python, report)
    check_window_offscreen(target, report)
    check_window(target, out_dir, report)


def unpack_archive(root: Path, version: str, work: Path, report: Report) -> Path | None:
    """The .tar.gz a user downloads: named with the version, holding the bundle, its desktop
    entry and icon; unpacked here, it is what the checks run, and its desktop entry is
    installed into the scratch home."""
    archives = sorted((root / "dist").glob(f"rackbook-{version}-linux-*.tar.gz"))
    if not archives:
        report.fail(f"no dist/rackbook-{version}-linux-*.tar.gz: run packaging/build")
        return None
    top = f"rackbook-{version}"
    with tarfile.open(archives[-1]) as tar:
        names = set(tar.getnames())
        wanted = [f"{top}/{n}" for n in (EXE_NAME, "rackbook.desktop", "rackbook.png")]
        wanted.append(f"{top}/install-desktop-entry")
        missing = [n for n in wanted if n not in names]
        if missing:
            report.fail(f"{archives[-1].name} lacks {missing}")
            return None
        tar.extractall(work / "unpacked", filter="tar")
    report.ok(f"{archives[-1].name}: the bundle, its desktop entry and icon; unpacked")
    folder = work / "unpacked" / top
    home = work / "home"
    done = subprocess.run(
        [str(folder / "install-desktop-entry")],
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    entry = home / ".local" / "share" / "applications" / "rackbook.desktop"
    text = entry.read_text(encoding="utf-8") if entry.is_file() else ""
    if done.returncode == 0 and f'Exec="{folder}/rackbook"' in text:
        report.ok("install-desktop-entry: the menu entry starts the unpacked bundle")
    else:
        report.fail(f"install-desktop-entry: {done.stderr or text}")
    return folder


def check(root: Path, bundle: Path, version: str, *, chroot: bool, python: Path) -> int:
    if sys.platform == "darwin":
        bundle = root / "dist" / "Rackbook.app" / "Contents" / "MacOS"
    if not (bundle / EXE_NAME).is_file():
        print(f"packaging/build: no bundle at {bundle}: run packaging/build first")
        return 1
    out_dir = root / "build" / "check"
    out_dir.mkdir(parents=True, exist_ok=True)
    report = Report()
    started = time.monotonic()
    ensure_check_tools(report)
    check_libraries(bundle, report)
    with (
        tempfile.TemporaryDirectory(prefix="rackbook-check-") as scratch,
        virtual_screen() as display,
    ):
        work = Path(scratch)
        (work / "home").mkdir()
        unpacked = unpack_archive(root, version, work, report) if LINUX else None
        here = Target("clean-env", str(unpacked or bundle), work, str(work), display=display)
        check_target(here, version, python, out_dir, report)
        check_keyring(here, python, report)
        if chroot:
            print("\nchroot: a minimal Debian without Python", flush=True)
            folder = root / "build" / "chroot"
            if prepare_chroot(folder, report):
                with chroot_target(folder, bundle, display) as inside:
                    check_target(inside, version, python, out_dir, report)
    took = time.monotonic() - started
    if report.failures:
        print(
            f"\npackaging/build --check: {report.passed} passed, {len(report.failures)} failed "
            f"({took:.0f} s)"
        )
        return 1
    print(f"\npackaging/build --check: {report.passed} passed, 0 failed ({took:.0f} s)")
    return 0
