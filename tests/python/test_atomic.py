"""Nothing is lost when a write is killed: the old file stays whole, and no
half-written file can be mistaken for a fixture.

Deterministic: a child Python process blocks at a chosen point of the write (it
prints READY there and sleeps), the test kills it with SIGKILL, then looks at the
folder. SIGKILL runs no cleanup handler, so the temporary file stays behind:
it must start with a dot and end in .tmp, and case_paths() (which globs *.json)
must not list it.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from lstmparity.core import jsonio
from lstmparity.suite.fixtures import case_paths, read_case

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"


def run_until_ready_then_kill(code: str, timeout: float = 120.0) -> str:
    """Run code in a child Python; when it prints READY, SIGKILL it. Returns what it printed."""
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    lines = []
    try:
        for line in proc.stdout:  # blocks until the child prints; the child never ends by itself
            lines.append(line)
            if line.startswith("READY"):
                break
        else:
            pytest.fail("the child ended without reaching the blocking point:\n" + "".join(lines))
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=timeout)
    assert proc.returncode == -signal.SIGKILL
    return "".join(lines)


def stray_temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and p.name.endswith(".tmp")]


def test_killed_write_atomic_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "tiny_random.json"
    shutil.copy(FIXTURES / "tiny_random.json", target)
    before = target.read_bytes()
    new_text = tmp_path / "new_text.txt"  # what the child writes: a larger version of the case
    new_text.write_text(jsonio.dumps({**json.loads(before), "description": "a newer version " * 1000}))
    run_until_ready_then_kill(f"""
        import os, time
        from lstmparity.core import jsonio

        real_fdopen = os.fdopen

        class HalfThenBlock:
            # the temporary file: write half of the text, make it visible, then block
            def __init__(self, fh): self.fh = fh
            def __enter__(self): return self
            def __exit__(self, *a): return self.fh.__exit__(*a)
            def fileno(self): return self.fh.fileno()
            def flush(self): self.fh.flush()
            def write(self, text):
                self.fh.write(text[: len(text) // 2]); self.fh.flush(); os.fsync(self.fh.fileno())
                print("READY", flush=True); time.sleep(600)

        jsonio.os.fdopen = lambda fd, *a, **k: HalfThenBlock(real_fdopen(fd, *a, **k))
        jsonio.write_atomic({str(target)!r}, open({str(new_text)!r}).read())
    """)
    assert target.read_bytes() == before  # the old bytes, unchanged
    read_case(target)  # and still a valid case
    strays = stray_temp_files(tmp_path)
    assert len(strays) == 1, strays  # the half-written temporary file was left by SIGKILL ...
    assert strays[0].name.startswith(".tiny_random.json.") and strays[0].stat().st_size > 0
    assert case_paths(tmp_path) == [target]  # ... and is not mistaken for a fixture


def test_killed_lstmparity_fixtures_leaves_every_file_whole(tmp_path: Path) -> None:
    """`lstmparity fixtures --out DIR` killed between two files: the files written so far
    are the new ones, the others the old ones, every one a valid case, nothing half-written."""
    out = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, out, ignore=shutil.ignore_patterns("data"))
    old = {}
    for p in case_paths(out):  # make the old files differ from what the code writes (compact JSON)
        p.write_text(json.dumps(json.loads(p.read_text("utf-8"))), encoding="utf-8")
        old[p.name] = p.read_bytes()
    output = run_until_ready_then_kill(f"""
        import functools, os, time
        from lstmparity.core import jsonio
        from lstmparity.suite import regenerate
        from lstmparity import cli

        # no finite-difference check in the child: building takes seconds, not a minute
        regenerate.expected_files = functools.partial(regenerate.expected_files, check_gradients=False)
        real_replace, done = os.replace, []

        def replace_then_block(src, dst):
            if len(done) == 3:  # the 4th file is fully written to its temporary file: block before the rename
                print("READY", os.path.basename(dst), flush=True); time.sleep(600)
            real_replace(src, dst); done.append(os.path.basename(dst)); print("wrote", done[-1], flush=True)

        jsonio.os.replace = replace_then_block
        cli.main(["fixtures", "--out", {str(out)!r}])
    """)
    written = [ln.split()[1] for ln in output.splitlines() if ln.startswith("wrote ")]
    blocked = next(ln.split()[1] for ln in output.splitlines() if ln.startswith("READY"))
    assert len(written) == 3 and blocked not in written
    fresh = regenerate_texts()
    for p in case_paths(out):
        read_case(p)  # every file is a whole, valid case
        if p.name in written:
            # what `lstmparity fixtures` writes: the fresh file, computed values moved by rounding only kept as before
            want = regenerated(old[p.name].decode("utf-8"), fresh[p.name])[0]
            assert p.read_text("utf-8") == want, f"{p.name} was renamed into place but differs"
        else:
            assert p.read_bytes() == old[p.name], f"{p.name} changed although its write never completed"
    strays = stray_temp_files(out)
    assert [s.name.split(".json.")[0] for s in strays] == ["." + blocked.removesuffix(".json")]
    assert all(s.name.startswith(".") for s in strays)
    assert not any(s in case_paths(out) for s in strays)


def regenerated(committed: str, text: str) -> tuple[str, str | None]:
    from lstmparity.suite.regenerate import regenerated

    return regenerated(committed, text)


def regenerate_texts() -> dict[str, str]:
    from lstmparity.suite.regenerate import expected_files

    return {Path(k).name: v for k, v in expected_files(check_gradients=False, progress=False).items()}
