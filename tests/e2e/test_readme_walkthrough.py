"""The README's first day against the local org, run verbatim (SPEC 4: the README stays true).

The first `bash` block under "Using it" is taken from README.md as it is and run by bash in
a scratch folder (with the repository's data/ beside it): it must write Tasks, shared ones
among them, and stop the local org it started.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def walkthrough() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    using = text[text.index("## Using it") :]
    match = re.search(r"```bash\n(.*?)```", using, re.S)
    assert match is not None, "README.md has no bash block under 'Using it'"
    return match.group(1)


def test_the_readme_walkthrough_runs_as_written_and_writes_tasks(tmp_path: Path) -> None:
    (tmp_path / "data").symlink_to(ROOT / "data")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for name in list(env):
        if name.startswith(("SALESFORCE_", "ACTIVITY_SYNC_")):
            env.pop(name)
    # As a person pastes it: each line runs whatever the one before said (the sample's email
    # about a custom record the local org does not have is refused and kept: sync exits 1).
    script = walkthrough()

    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180
    )

    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert "names no earlier record" not in done.stderr  # the seed loaded whole
    written = re.search(r"Written: (\d+) Tasks \((\d+) shared\)", done.stdout)
    assert written is not None and int(written.group(1)) > 5 and int(written.group(2)) > 0
    assert oct((tmp_path / "org.env").stat().st_mode & 0o777) == "0o600"  # a session id inside
    assert "none of their recipients matched" not in done.stderr
