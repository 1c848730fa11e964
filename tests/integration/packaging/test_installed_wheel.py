"""codemill installed from its wheel into a service that has its own `application` and `domain` packages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

SERVICE = """
import json, sys
import application, domain                      # the service's own packages
from application.orders import place_order
import codemill
from codemill import CollectData, CollectRequest, Container, InputError

assert place_order() == "order placed", "the service's application package was replaced"
assert domain.KIND == "the service's domain"
container = Container()
result = container.collect_data().execute(
    CollectRequest(sources=[sys.argv[1]], name="facade-corpus", workers=1, security=False)
)
try:
    container.collect_data().execute(CollectRequest(sources=[sys.argv[1] + "/missing"], name="x"))
except InputError as exc:
    error = str(exc)
print(json.dumps({
    "codemill": codemill.__file__,
    "application": application.__file__,
    "units": result.stats.units.kept,
    "collect_is_facade_class": isinstance(container.collect_data(), CollectData),
    "error": error,
}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", out, ROOT],
        check=True,
        capture_output=True,
    )
    return next(out.glob("codemill-*.whl"))


def test_the_wheel_installs_only_the_codemill_package(wheel: Path) -> None:
    tops = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"codemill"}
    names = zipfile.ZipFile(wheel).namelist()
    for layer in ("domain", "application", "infrastructure", "presentation"):
        assert f"codemill/{layer}/__init__.py" in names


def test_a_service_with_its_own_application_and_domain_uses_the_facade(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    with zipfile.ZipFile(wheel) as archive:  # what pip does for a pure wheel, without pip
        archive.extractall(site)
    # codemill's dependencies come from the test's environment (a plain path: its .pth files stay unread)
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    service = tmp_path / "service"
    (service / "application").mkdir(parents=True)
    (service / "domain").mkdir()
    (service / "application" / "__init__.py").write_text("")
    (service / "application" / "orders.py").write_text("def place_order():\n    return 'order placed'\n")
    (service / "domain" / "__init__.py").write_text('KIND = "the service\'s domain"\n')
    (service / "main.py").write_text(textwrap.dedent(SERVICE))
    code = tmp_path / "code"
    code.mkdir()
    (code / "shapes.py").write_text(
        "def area(width, height):\n    '''The area of a rectangle.'''\n    return width * height\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEMILL_", "PYTHON"))}
    env["CODEMILL_STORAGE__ROOT"] = str(tmp_path / "store")
    done = subprocess.run(
        [python, "main.py", str(code)], cwd=service, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(report, indent=1))  # shown with pytest -s
    assert report["codemill"].startswith(str(site))
    assert report["application"] == str(service / "application" / "__init__.py")
    assert report["units"] == 1 and report["collect_is_facade_class"]
    assert "missing" in report["error"]
    assert (tmp_path / "store" / "corpora" / "facade-corpus" / "manifest.json").is_file()


def test_python_dash_m_codemill_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "codemill", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.startswith("codemill, version ")
