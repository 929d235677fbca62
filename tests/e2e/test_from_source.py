"""The provider run from its source through the real pulumi CLI, against moto.

A program names the repository root instead of a binary; there the engine finds
PulumiPlugin.yaml (`runtime: rust`) and starts the plugin through pulumi-language-rust,
which builds it with cargo. Nothing else can supply the plugin: bin/ is not on PATH,
ambient plugins are ignored, and the plugin cache holds only the language host.

The build is the one `make build` fills (CARGO_TARGET_DIR), so it costs one compile of
the provider crate: the first run is made to rebuild by touching a source file. A plugin
whose build fails is a one-file crate of the test's own, built in a target of its own.
"""

import json
import os
import signal
import subprocess
import time
import tomllib
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from pulumi_cli import REPO, TOOLS

TOKEN = "healthcare:streaming:KinesisPipeline"
LANGUAGE_HOST = REPO / "bin" / "pulumi-language-rust"
VERSION = tomllib.loads((REPO / "Cargo.toml").read_text())["workspace"]["package"]["version"]
# The Makefile's default, for a run outside make.
TARGET = Path(os.environ.get("CARGO_TARGET_DIR") or Path.home() / ".cache/pulumi-healthcare/target")
BUILT = TARGET / "release" / "pulumi-resource-healthcare"

PROGRAM = {
    "resources": {"events": {"type": TOKEN, "properties": {"shardCount": 1}}},
    "outputs": {"arn": "${events.streamArn}"},
    "plugins": {"providers": [{"name": "healthcare", "path": str(REPO)}]},
}


def source_env():
    """No bin/ on PATH, no ambient plugins, and the build cache `make build` fills."""
    repo_bin = (REPO / "bin").resolve()
    path = [p for p in os.environ["PATH"].split(os.pathsep) if p and Path(p).resolve() != repo_bin]
    return {"PATH": os.pathsep.join([str(TOOLS), *path]), "PULUMI_IGNORE_AMBIENT_PLUGINS": "1",
            "CARGO_TARGET_DIR": str(TARGET)}


def install_language_host(run):
    """`pulumi plugin install language rust` of bin/pulumi-language-rust, as `make install` does."""
    if not os.access(LANGUAGE_HOST, os.X_OK):
        pytest.fail(f"{LANGUAGE_HOST} is missing: run `make build` (make test does)")
    run("plugin", "install", "language", "rust", VERSION, "--file", str(LANGUAGE_HOST))


@pytest.fixture
def source_stack(new_stack):
    """A stack whose Pulumi.yaml names the repository root as the healthcare plugin."""

    def make(name="app", language_host=True, program=PROGRAM):
        program = {k: v for k, v in program.items() if v is not None}
        stack = new_stack(program, name=name, plugin_path=False, env=source_env())
        if language_host:
            install_language_host(stack.run)
        return stack

    return make


def processes_of(home):
    """{pid: (executable, parent pid)} of the live processes started for one stack: those
    whose environment names its PULUMI_HOME (the CLI, the language host, cargo, the plugin)."""
    marker = f"PULUMI_HOME={home}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if fields[0] != "Z":
                found[int(entry.name)] = (os.readlink(entry / "exe"), int(fields[1]))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def wait_for(what, condition, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


@contextmanager
def up_held_at_sts(stack, proxy):
    """`pulumi up` with every STS call held by the proxy, once the plugin is inside its
    create (its credentials check hangs): yields the CLI's Popen and the plugin's pid.
    Afterwards nothing started for the stack is left running, whatever happened."""
    proxy.clear_log()
    rule = proxy.add_rule("hang", service="sts")
    log = (stack.dir / "up.log").open("w+")
    cli = subprocess.Popen(["pulumi", "up", "--yes", "--skip-preview", "--non-interactive"],
                           cwd=stack.dir, env=stack.env, stdout=log, stderr=subprocess.STDOUT,
                           start_new_session=True)
    built = str(BUILT.resolve())

    def running(condition):
        if cli.poll() is not None:
            log.seek(0)
            pytest.fail(f"pulumi up ended ({cli.returncode}) before the test stopped it:\n"
                        f"{log.read()[-4000:]}")
        return condition()

    try:
        plugin = wait_for("the plugin to start", lambda: running(lambda: next(
            (pid for pid, (exe, _) in processes_of(stack.home).items() if exe == built), None)))
        wait_for("the plugin's first AWS call", lambda: running(lambda: any(
            call.get("service") == "sts" for call in proxy.log())))
        yield cli, plugin
    finally:
        proxy.remove_rule(rule)
        if cli.poll() is None:
            cli.kill()
        cli.wait()
        log.close()
        for pid in processes_of(stack.home):
            os.kill(pid, signal.SIGKILL)


def left_behind(stack, names=None, timeout=20):
    """The stack's processes (those whose executable is one of `names`, if given), once
    they have had `timeout` seconds to go."""
    def alive():
        return {pid: exe for pid, (exe, _) in processes_of(stack.home).items()
                if names is None or Path(exe).name in names}

    deadline = time.monotonic() + timeout
    while alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive()


def test_a_program_runs_the_provider_built_from_its_source(source_stack, moto):
    stack = source_stack()
    source = REPO / "provider" / "src" / "main.rs"
    os.utime(source)
    touched = source.stat().st_mtime_ns

    stack.preview()
    built = BUILT.stat().st_mtime_ns
    assert built > touched, "the first run did not rebuild the provider from its changed source"

    stack.up()
    assert BUILT.stat().st_mtime_ns == built, "the second run rebuilt an unchanged provider"
    arn = stack.outputs()["arn"]
    stream = moto.client("kinesis").describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]
    assert stream["EncryptionType"] == "KMS"

    stack.destroy()
    assert stack.resources(TOKEN) == []
    assert arn not in [s["StreamARN"] for s in moto.client("kinesis").list_streams()["StreamSummaries"]]
    # The engine got the plugin from nowhere else: its cache holds only the language host.
    assert sorted(p.name for p in (stack.home / "plugins").iterdir() if p.is_dir()) == \
        [f"language-rust-v{VERSION}"]


def test_packages_in_pulumi_yaml_name_the_source_too(source_stack):
    stack = source_stack(program={**PROGRAM, "plugins": None, "packages": {"healthcare": str(REPO)}})
    steps = stack.preview_steps()
    assert steps["events"]["op"] == "create"


def test_without_the_language_host_the_engine_cannot_run_the_source(source_stack):
    stack = source_stack(language_host=False)
    preview = stack.preview(check=False)
    assert preview.returncode != 0
    assert "no language plugin 'pulumi-language-rust' found" in preview.stdout + preview.stderr


def cli_in(tmp_path, **env):
    """Runs `pulumi ARGS...` in tmp_path with its own PULUMI_HOME holding the language host;
    `env` is laid over the source environment (a None value removes the variable)."""
    merged = {**os.environ, **source_env(), "PULUMI_HOME": str(tmp_path / "home"),
              "PULUMI_SKIP_UPDATE_CHECK": "true", "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
              "PULUMI_BACKEND_URL": f"file://{tmp_path}", "PULUMI_CONFIG_PASSPHRASE": "x", **env}
    merged = {k: v for k, v in merged.items() if v is not None}

    def run(*args, check=True, cwd=tmp_path):
        proc = subprocess.run(["pulumi", *args], cwd=cwd, env=merged, capture_output=True,
                              text=True, timeout=600)
        if check:
            assert proc.returncode == 0, \
                f"pulumi {' '.join(args)}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        return proc

    install_language_host(run)
    return run


def broken_plugin(tmp_path):
    """A plugin source whose build fails: a one-file crate with a typo."""
    source = tmp_path / "broken"
    (source / "src").mkdir(parents=True)
    (source / "Cargo.toml").write_text('[package]\nname = "pulumi-resource-broken"\nversion = "0.1.0"\n'
                                       'edition = "2021"\n\n[workspace]\n')
    (source / "src" / "main.rs").write_text('fn main() {\n    let port = 1;\n    println!("{}", portt);\n}\n')
    (source / "PulumiPlugin.yaml").write_text(yaml.safe_dump(
        {"runtime": {"name": "rust", "options": {"package": "pulumi-resource-broken"}}}))
    return source


def test_get_schema_from_source_is_the_schema_of_the_binary(tmp_path):
    run = cli_in(tmp_path)
    from_source = run("package", "get-schema", str(REPO))
    from_binary = run("package", "get-schema", str(REPO / "bin" / "pulumi-resource-healthcare"))
    schema = json.loads(from_source.stdout)
    assert schema == json.loads(from_binary.stdout)
    assert schema["name"] == "healthcare" and TOKEN in schema["resources"]
    # InstallDependencies' progress (the host's cargo build) reached the user.
    assert "pulumi-language-rust: building pulumi-resource-healthcare" in from_source.stderr


def test_a_failed_build_shows_the_user_cargos_errors(tmp_path):
    source = broken_plugin(tmp_path)
    run = cli_in(tmp_path, CARGO_TARGET_DIR=str(tmp_path / "target"))
    # Through InstallDependencies...
    schema = run("package", "get-schema", str(source), check=False)
    # ... and through RunPlugin, for a program naming the source.
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text(yaml.safe_dump({
        "name": "broken", "runtime": "yaml",
        "plugins": {"providers": [{"name": "broken", "path": str(source)}]},
        "resources": {"thing": {"type": "broken:index:Thing"}}}))
    run("stack", "init", "dev", "--non-interactive", cwd=program)
    preview = run("preview", "--non-interactive", check=False, cwd=program)
    for proc in (schema, preview):
        assert proc.returncode != 0
        output = proc.stdout + proc.stderr
        assert "`cargo build` of pulumi-resource-broken failed (exit code 101)" in output
        assert "cannot find value `portt` in this scope" in output


def test_without_cargo_the_error_says_to_install_rust(tmp_path):
    path = [p for p in source_env()["PATH"].split(os.pathsep) if not (Path(p) / "cargo").exists()]
    run = cli_in(tmp_path, PATH=os.pathsep.join(path), CARGO=None)
    proc = run("package", "get-schema", str(REPO), check=False)
    assert proc.returncode != 0
    assert "`cargo` was not found; install Rust (cargo)" in proc.stderr


def test_interrupting_a_run_stops_the_plugin_it_started(source_stack, proxy):
    stack = source_stack()
    with up_held_at_sts(stack, proxy) as (cli, plugin):
        processes = processes_of(stack.home)
        assert Path(processes[processes[plugin][1]][0]).name == "pulumi-language-rust", \
            "the plugin was not started by the language host"
        os.kill(cli.pid, signal.SIGINT)  # Ctrl-C: the CLI alone; plugins have their own groups
        proxy.clear_rules()
        cli.wait(timeout=120)
        assert cli.returncode != 0
        # The engine stopped everything: the YAML host, the language host, the plugin.
        assert left_behind(stack) == {}


def test_a_killed_engine_leaves_no_plugin_or_language_host_behind(source_stack, proxy):
    stack = source_stack()
    with up_held_at_sts(stack, proxy) as (cli, _):
        os.kill(cli.pid, signal.SIGKILL)
        cli.wait(timeout=30)
        proxy.clear_rules()
        assert cli.returncode == -signal.SIGKILL
        # What the language host started, and the host itself, go by themselves (the YAML
        # host is the engine's and is not this project's to stop).
        assert left_behind(stack, {"pulumi-language-rust", BUILT.name, "cargo", "rustc"}) == {}


def test_plugin_yaml_asks_for_the_pinned_cli_or_later():
    plugin = yaml.safe_load((REPO / "PulumiPlugin.yaml").read_text())
    go_mod = (REPO / "scripts" / "tools" / "pulumi" / "go.mod").read_text()
    pin = next(line.split()[-1] for line in go_mod.splitlines()
               if line.strip().startswith("github.com/pulumi/pulumi/pkg/v3 "))
    assert plugin["requiredPulumiVersion"] == f">={pin.lstrip('v')}"
    assert plugin["runtime"]["name"] == "rust"
    assert plugin["runtime"]["options"]["package"] == "pulumi-resource-healthcare"
