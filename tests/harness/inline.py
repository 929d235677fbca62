"""Automation API inline programs: a Python program function run through the real CLI
(.tools/bin/pulumi), its language runtime served in this process, so that no language host
is needed. The provider is the build in bin/ (found on PATH, as an ambient plugin)."""

import contextlib
import os
from pathlib import Path

from pulumi import automation as auto

REPO = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def inline_stack(tmp_path, project, program, endpoint, region="us-east-1", config=None):
    """A fresh stack `dev` of `project` running `program` against `endpoint`; destroyed and
    removed on exit."""
    state, home = tmp_path / "state", tmp_path / "home"
    state.mkdir(exist_ok=True)
    home.mkdir(exist_ok=True)
    env = {
        "PATH": os.pathsep.join([str(REPO / "bin"), str(REPO / ".tools" / "bin"), os.environ["PATH"]]),
        "PULUMI_BACKEND_URL": f"file://{state}",
        "PULUMI_CONFIG_PASSPHRASE": project,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
    }
    opts = auto.LocalWorkspaceOptions(
        work_dir=str(tmp_path), pulumi_home=str(home), env_vars=env,
        pulumi_command=auto.PulumiCommand(root=str(REPO / ".tools")),
        project_settings=auto.ProjectSettings(name=project, runtime="python"))
    stack = auto.create_stack("dev", project_name=project, program=program, opts=opts)
    settings = {"healthcare:endpoint": endpoint, "healthcare:region": region, "healthcare:maxRetries": "1",
                **(config or {})}
    stack.set_all_config({k: auto.ConfigValue(v) for k, v in settings.items()})
    try:
        yield stack
    finally:
        stack.destroy(on_output=lambda _: None)
        stack.workspace.remove_stack("dev")


def quiet(_line):
    """An on_output that drops the CLI's progress lines."""
