"""Did a regeneration keep every existing number? Compare the fixtures of a git revision with the worktree's.

    .venv/bin/python tests/python/compare_fixture_numbers.py [REV]   # default REV: HEAD

For every case file of REV: the worktree's file, with the fields REV's file does not have removed,
must be byte-identical to REV's file (so a regeneration that adds fields, e.g. layer_inputs,
changed no existing number). Prints one line per file and exits 1 if any differs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

from lstmparity.core import jsonio  # noqa: E402


def only_old_fields(new: object, old: object) -> object:
    if isinstance(new, dict) and isinstance(old, dict):
        return {k: only_old_fields(v, old[k]) for k, v in new.items() if k in old}
    return new


def main(rev: str) -> int:
    names = subprocess.run(["git", "ls-tree", "--name-only", rev, "fixtures/"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.split()
    bad = 0
    for name in sorted(n for n in names if n.endswith(".json")):
        old_text = subprocess.run(["git", "show", f"{rev}:{name}"], cwd=ROOT, check=True,
                                  capture_output=True, text=True).stdout
        new_path = ROOT / name
        if not new_path.is_file():
            print(f"MISSING  {name}")
            bad += 1
            continue
        new = json.loads(new_path.read_text("utf-8"))
        added = sorted(set(new) - set(json.loads(old_text)))
        same = jsonio.dumps(only_old_fields(new, json.loads(old_text))) == old_text
        bad += not same
        print(f"{'same' if same else 'CHANGED':8} {name}" + (f"  (added: {', '.join(added)})" if added else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "HEAD"))
