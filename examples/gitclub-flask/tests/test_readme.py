"""The Python quickstart of the top-level README.md runs as it says."""

import os
import pathlib
import re
import subprocess
import sys

from pg_rbac.testing import make_token

README = pathlib.Path(__file__).resolve().parents[3] / "README.md"
PACKAGE = README.parent / "python"


def quickstart():
    section = README.read_text().split("\n## From Python\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"^```python\n(.*?)^```", section, re.S | re.M).group(1)


def run(tmp_path, app_url, token):
    script = tmp_path / "quickstart.py"
    script.write_text(quickstart())
    env = dict(os.environ, PYTHONPATH=str(PACKAGE), DATABASE_URL=str(app_url), TOKEN=token)
    return subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60)


def test_the_quickstart_is_ten_lines():
    assert len(quickstart().splitlines()) <= 10


def test_the_quickstart_prints_what_the_readme_says(tmp_path, app_url, jwt_secret):
    text = README.read_text()
    alice = run(tmp_path, app_url, make_token(jwt_secret, "alice"))
    assert alice.returncode == 0, alice.stderr
    assert alice.stdout.splitlines() == ["['anvil', 'rocket', 'website', 'scratch']",
                                         "['delete', 'manage_roles', 'push', 'read']"]
    assert "prints ['anvil', 'rocket', 'website', 'scratch'] and ['delete', 'manage_roles', 'push', 'read']" \
        in text

    bob = run(tmp_path, app_url, make_token(jwt_secret, "bob"))
    assert bob.returncode == 1
    assert bob.stdout.splitlines()[1] == "['read']"
    assert bob.stderr.splitlines()[-1] == "pg_rbac.Forbidden: User:bob may not push Repository:1"
    assert "As `bob` it prints `['read']` and raises `pg_rbac.Forbidden: User:bob may\nnot push Repository:1`" \
        in text
