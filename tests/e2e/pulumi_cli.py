"""Drive the real `pulumi` CLI (built into .tools/bin by scripts/tools.sh) on a local backend."""

import json
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / ".tools" / "bin"
PASSPHRASE = "healthcare-e2e"


class PulumiError(AssertionError):
    pass


class Stack:
    """One project directory and stack, with its own backend and PULUMI_HOME."""

    def __init__(self, workdir, program, endpoint, stack="e2e", env=None, plugin_path=True):
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.home = self.dir.parent / f"{self.dir.name}-home"
        self.backend = self.dir.parent / f"{self.dir.name}-state"
        self.home.mkdir(exist_ok=True)
        self.backend.mkdir(exist_ok=True)
        self.stack = stack
        self.env = {
            **os.environ,
            "PATH": f"{TOOLS}{os.pathsep}{os.environ['PATH']}",
            "PULUMI_BACKEND_URL": f"file://{self.backend}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_HOME": str(self.home),
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            **(env or {}),
        }
        self.plugin_path = plugin_path
        self.write(program)
        self.run("stack", "init", stack)
        self.run("config", "set", "healthcare:endpoint", endpoint)
        self.run("config", "set", "healthcare:region", "us-east-1")
        self.run("config", "set", "healthcare:maxRetries", "1")

    def write(self, program):
        """Writes Pulumi.yaml from a dict of `resources`/`outputs`/`config` (YAML runtime)."""
        project = {"name": "healthcare-e2e", "runtime": "yaml", **program}
        if self.plugin_path:
            project["plugins"] = {"providers": [{"name": "healthcare", "path": str(REPO / "bin")}]}
        (self.dir / "Pulumi.yaml").write_text(json.dumps(project, indent=2))

    def run(self, *args, check=True, timeout=600):
        proc = subprocess.run(["pulumi", *args, "--non-interactive"], cwd=self.dir, env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise PulumiError(f"pulumi {' '.join(args)} failed ({proc.returncode}):\n"
                              f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
        return proc

    def preview(self, *extra, check=True):
        return self.run("preview", "--diff", *extra, check=check)

    def preview_json(self):
        return json.loads(self.run("preview", "--json").stdout)

    def preview_steps(self):
        """`pulumi preview --json`'s steps by resource name (the URN's last part): each with
        "op" and, for an update or replace, "diffReasons" and "detailedDiff"."""
        return {s["urn"].rsplit("::", 1)[-1]: s for s in self.preview_json()["steps"]}

    def up(self, *extra):
        return self.run("up", "--yes", "--skip-preview", *extra)

    def up_summary(self):
        """The resource changes of one `pulumi up`, e.g. {'update': 1, 'same': 2}."""
        self.up()
        history = json.loads(self.run("stack", "history", "--json").stdout)
        return history[0].get("resourceChanges", {})

    def refresh(self):
        return self.run("refresh", "--yes")

    def destroy(self):
        return self.run("destroy", "--yes")

    def outputs(self, show_secrets=False):
        args = ["stack", "output", "--json"] + (["--show-secrets"] if show_secrets else [])
        return json.loads(self.run(*args).stdout)

    def export(self):
        return json.loads(self.run("stack", "export").stdout)

    def resources(self, token):
        """The stack's resources of one type, from the exported state."""
        return [r for r in self.export()["deployment"].get("resources", []) if r["type"] == token]
