"""The README's Python "fit a model" block runs as it is written (fit, predict, pickle round trip)."""

from __future__ import annotations

import re

from lstmparity.data import repo_path


def test_the_readme_python_fit_block_runs(capsys):
    blocks = re.findall(r"```python\n(.*?)```", repo_path("README.md").read_text(encoding="utf-8"), re.S)
    fit_blocks = [b for b in blocks if "LSTMClassifier" in b]
    assert len(fit_blocks) == 1
    exec(compile(fit_blocks[0], "README.md", "exec"), {})  # its own assert checks the pickle round trip
    assert "crude" in capsys.readouterr().out
