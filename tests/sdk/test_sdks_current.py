"""The committed SDKs (sdk/python, sdk/nodejs, sdk/go) are what the generator makes from the
committed schema today, and the Go SDK builds and vets with the pinned Pulumi Go SDK."""

import filecmp
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SDKGEN = REPO / ".tools" / "bin" / "sdkgen"
# Written by `go mod tidy` after generation (scripts/sdks.sh), not by the generator.
TIDIED = {"go.mod", "go.sum"}


def files(root):
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("language", ["python", "nodejs", "go"])
def test_the_committed_sdk_is_what_the_schema_generates(language, tmp_path):
    assert SDKGEN.exists(), f"{SDKGEN} is missing: run make tools"
    fresh = tmp_path / language
    subprocess.run([str(SDKGEN), str(REPO / "provider" / "schema.json"), language, str(fresh)],
                   check=True, capture_output=True, text=True)
    committed = REPO / "sdk" / language
    made, kept = files(fresh) - TIDIED, files(committed) - TIDIED
    stale = sorted(made ^ kept) + sorted(
        f for f in made & kept if not filecmp.cmp(fresh / f, committed / f, shallow=False))
    assert not stale, f"sdk/{language} is stale (run make sdks): {stale[:10]}"
    if language == "go":
        module = (fresh / "go.mod").read_text().splitlines()[0]
        assert (committed / "go.mod").read_text().splitlines()[0] == module, "sdk/go/go.mod: run make sdks"


def test_the_go_sdk_builds_and_vets():
    env = {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=readonly -buildvcs=false",
           "GOMODCACHE": os.environ.get("GOMODCACHE", str(Path.home() / ".cache/pulumi-healthcare/go/mod")),
           "GOCACHE": os.environ.get("GOCACHE", str(Path.home() / ".cache/pulumi-healthcare/go/build"))}
    for step in (["go", "build", "./..."], ["go", "vet", "./..."]):
        done = subprocess.run(step, cwd=REPO / "sdk" / "go", env=env, capture_output=True, text=True,
                              timeout=900)
        assert done.returncode == 0, f"{' '.join(step)} in sdk/go:\n{done.stdout}\n{done.stderr}"


def test_the_python_sdk_is_installed_from_the_repo():
    import pulumi_healthcare

    installed = Path(pulumi_healthcare.__file__).parent
    committed = REPO / "sdk" / "python" / "pulumi_healthcare"
    code = [f for f in files(committed) if f.endswith(".py") or f == "pulumi-plugin.json"]
    differ = [f for f in code if not (installed / f).is_file()
              or not filecmp.cmp(installed / f, committed / f, shallow=False)]
    assert not differ, f"the venv holds another sdk/python (run make venv): {differ[:10]}"
    assert pulumi_healthcare.network.SecureVpc and pulumi_healthcare.compute.FargateCluster


def test_the_nodejs_sdk_compiles_with_tsc():
    done = subprocess.run([str(REPO / "scripts" / "sdk-nodejs.sh")], capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, f"scripts/sdk-nodejs.sh:\n{done.stdout}\n{done.stderr}"
    compiled = Path(done.stdout.strip().splitlines()[-1])
    assert "class FargateCluster" in (compiled / "compute" / "fargateCluster.js").read_text()
    assert "export declare class SecureVpc" in (compiled / "network" / "secureVpc.d.ts").read_text()


def test_the_api_reference_is_what_the_schema_generates(tmp_path):
    fresh = tmp_path / "api"
    subprocess.run(["python3", str(REPO / "scripts" / "apidocs.py"), str(REPO / "provider" / "schema.json"),
                    str(fresh)], check=True, capture_output=True, text=True)
    committed = REPO / "docs" / "api"
    made, kept = files(fresh), files(committed)
    stale = sorted(made ^ kept) + sorted(
        f for f in made & kept if not filecmp.cmp(fresh / f, committed / f, shallow=False))
    assert not stale, f"docs/api is stale (run make sdks): {stale}"
    index = (committed / "README.md").read_text()
    for page in ("network-SecureVpc.md", "compute-FargateCluster.md", "types.md"):
        assert page in index
