"""Every package the site installs is pinned to one version and one set of hashes (issue 16, item 11)."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENT = re.compile(r"^(?P<name>[A-Za-z0-9_.\-]+)(?P<pin>==[^\s\\;]+)?")


def requirements(path: Path) -> dict[str, list[str]]:
    """Each requirement in a pip-compile file, with its hashes (continuation lines joined)."""
    joined = re.sub(r"\\\n\s*", " ", path.read_text())
    found = {}
    for line in joined.splitlines():
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("--hash") else line.strip()
        if not line or line.startswith("-"):
            continue
        match = REQUIREMENT.match(line)
        assert match and match["pin"], f"{path.name}: {line!r} is not pinned to one version"
        found[match["name"].lower()] = re.findall(r"--hash=sha256:[0-9a-f]{64}", line)
    return found


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_every_python_package_is_pinned_with_its_hash(name):
    pinned = requirements(ROOT / name)
    assert "django" in pinned
    unhashed = sorted(package for package, hashes in pinned.items() if not hashes)
    assert unhashed == [], f"{name}: no hash for {unhashed}"


def test_the_dev_lock_holds_the_site_lock_at_the_same_versions():
    site = (ROOT / "requirements.txt").read_text()
    dev = (ROOT / "requirements-dev.txt").read_text()
    for pin in re.findall(r"^[A-Za-z0-9_.\-]+==\S+", site, flags=re.M):
        assert re.search(rf"^{re.escape(pin)}\b", dev, flags=re.M), f"requirements-dev.txt does not hold {pin}"


def test_installs_refuse_a_package_whose_hash_does_not_match():
    makefile = (ROOT / "Makefile").read_text()
    installs = re.findall(r"pip install[^\n]*-r requirements[^\n]*", makefile)
    assert installs and all("--require-hashes" in line for line in installs), installs


def test_every_front_end_package_is_locked_with_its_integrity_hash():
    lock = json.loads((ROOT / "package-lock.json").read_text())
    packages = {path: entry for path, entry in lock["packages"].items() if path}
    assert any(path.endswith("node_modules/bootstrap") for path in packages)
    unhashed = sorted(path for path, entry in packages.items() if not entry.get("integrity", "").startswith("sha512-"))
    assert unhashed == [], f"package-lock.json: no integrity hash for {unhashed}"
