"""pyproject.toml describes the package that is tested."""

import pathlib
import shutil
import subprocess
import sys
import tomllib
import zipfile

import pytest

import pg_rbac

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_pyproject_version_and_packages():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert meta["project"]["version"] == pg_rbac.__version__
    assert meta["tool"]["setuptools"]["packages"] == ["pg_rbac"]
    assert (ROOT / meta["project"]["readme"]).is_file()


def test_a_wheel_builds_offline_with_the_modules(tmp_path):
    pytest.importorskip("setuptools")
    if subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode != 0:
        pytest.skip("pip is not installed")
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns("tests", "__pycache__", "build", "*.egg-info"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "-q", "-w", str(tmp_path / "dist"), str(src)], check=True)
    (wheel,) = (tmp_path / "dist").glob("pg_rbac-%s-*.whl" % pg_rbac.__version__)
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"pg_rbac/__init__.py", "pg_rbac/sqlalchemy.py", "pg_rbac/testing.py"} <= names
