"""Compare the project's .proto files with Pulumi's compiled descriptors.

The `pulumi` wheel ships the descriptors Pulumi itself was built from
(`pulumi.runtime.proto.<name>_pb2.DESCRIPTOR`); they are the authority for
every name, number, type and label of the wire protocol.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from google.protobuf import descriptor_pb2
from grpc_tools import protoc

PROTO_DIR = Path(__file__).resolve().parents[2] / "proto"

# Project file -> wheel module holding the reference descriptor. Files under
# pulumi/ map by stem; status.proto is named differently in the wheel, and the
# codegen files sit in a subpackage.
EXTRA_REFERENCES = {"google/rpc/status.proto": "status", "pulumi/codegen/hcl.proto": "codegen.hcl"}

FDP = descriptor_pb2.FileDescriptorProto
FieldDP = descriptor_pb2.FieldDescriptorProto


@dataclass
class Report:
    files: int = 0
    messages: int = 0
    fields: int = 0
    enums: int = 0
    enum_values: int = 0
    methods: int = 0
    mismatches: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"proto conformance: {self.files} files, {self.messages} messages, "
            f"{self.fields} fields, {self.enums} enums ({self.enum_values} values), "
            f"{self.methods} methods compared; {len(self.mismatches)} mismatches"
        )


def project_proto_files(proto_dir: Path = PROTO_DIR) -> list[str]:
    names = sorted(p.relative_to(proto_dir).as_posix() for p in proto_dir.rglob("*.proto"))
    if not names:
        raise FileNotFoundError(f"no .proto files under {proto_dir}")
    return names


def compile_protos(out_dir: Path, proto_dir: Path = PROTO_DIR) -> dict[str, FDP]:
    """Compile proto_dir with grpc_tools.protoc; return its files by name."""
    wkt = resources.files("grpc_tools") / "_proto"
    out = out_dir / "project.fds"
    files = project_proto_files(proto_dir)
    args = [
        "protoc",
        f"-I{proto_dir}",
        f"-I{wkt}",
        "--include_imports",
        f"--descriptor_set_out={out}",
        *files,
    ]
    if protoc.main(args) != 0:
        raise RuntimeError(f"protoc failed on {proto_dir}: {' '.join(args)}")
    fds = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
    wanted = set(files)
    return {f.name: f for f in fds.file if f.name in wanted}


def reference_module(file_name: str) -> str | None:
    if file_name in EXTRA_REFERENCES:
        return EXTRA_REFERENCES[file_name]
    if file_name.startswith("pulumi/") and file_name.count("/") == 1:
        return Path(file_name).stem
    return None


def reference_file(module: str) -> FDP | None:
    try:
        mod = importlib.import_module(f"pulumi.runtime.proto.{module}_pb2")
    except ModuleNotFoundError:
        return None
    fdp = FDP()
    mod.DESCRIPTOR.CopyToProto(fdp)
    return fdp


def _by_name(items) -> dict:
    return {i.name: i for i in items}


def _oneof_name(msg: descriptor_pb2.DescriptorProto, f: FieldDP) -> str | None:
    return msg.oneof_decl[f.oneof_index].name if f.HasField("oneof_index") else None


def _field_facts(msg: descriptor_pb2.DescriptorProto, f: FieldDP) -> dict:
    return {
        "number": f.number,
        "type": FieldDP.Type.Name(f.type),
        "type_name": f.type_name,
        "label": FieldDP.Label.Name(f.label),
        "proto3_optional": f.proto3_optional,
        "oneof": _oneof_name(msg, f),
    }


def _missing_and_extra(where: str, kind: str, ours: dict, theirs: dict, report: Report) -> list[str]:
    for name in sorted(theirs.keys() - ours.keys()):
        report.mismatches.append(f"{where}.{name}: {kind} missing from the project")
    for name in sorted(ours.keys() - theirs.keys()):
        report.mismatches.append(f"{where}.{name}: {kind} not in the Pulumi descriptor")
    return sorted(ours.keys() & theirs.keys())


def _compare_enum(full: str, ours, theirs, report: Report) -> None:
    report.enums += 1
    ov = {v.name: v.number for v in ours.value}
    tv = {v.name: v.number for v in theirs.value}
    for name in _missing_and_extra(full, "enum value", ov, tv, report):
        report.enum_values += 1
        if ov[name] != tv[name]:
            report.mismatches.append(f"{full}.{name}: number {ov[name]} != {tv[name]}")


def _compare_message(full: str, ours, theirs, report: Report) -> None:
    report.messages += 1
    if ours.options.map_entry != theirs.options.map_entry:
        report.mismatches.append(
            f"{full}: map_entry {ours.options.map_entry} != {theirs.options.map_entry}"
        )
    of, tf = _by_name(ours.field), _by_name(theirs.field)
    for name in _missing_and_extra(full, "field", of, tf, report):
        report.fields += 1
        mine, ref = _field_facts(ours, of[name]), _field_facts(theirs, tf[name])
        for key in mine:
            if mine[key] != ref[key]:
                report.mismatches.append(f"{full}.{name}: {key} {mine[key]!r} != {ref[key]!r}")
    _compare_children(full, ours, theirs, report)


def _messages(scope):
    return scope.message_type if isinstance(scope, FDP) else scope.nested_type


def _compare_children(scope: str, ours, theirs, report: Report) -> None:
    """Messages and enums declared in a file or message, recursively."""
    om, tm = _by_name(_messages(ours)), _by_name(_messages(theirs))
    for name in _missing_and_extra(scope, "message", om, tm, report):
        _compare_message(f"{scope}.{name}", om[name], tm[name], report)
    oe, te = _by_name(ours.enum_type), _by_name(theirs.enum_type)
    for name in _missing_and_extra(scope, "enum", oe, te, report):
        _compare_enum(f"{scope}.{name}", oe[name], te[name], report)


def _compare_services(scope: str, ours: FDP, theirs: FDP, report: Report) -> None:
    os_, ts = _by_name(ours.service), _by_name(theirs.service)
    for sname in _missing_and_extra(scope, "service", os_, ts, report):
        full = f"{scope}.{sname}"
        om, tm = _by_name(os_[sname].method), _by_name(ts[sname].method)
        for mname in _missing_and_extra(full, "method", om, tm, report):
            report.methods += 1
            a, b = om[mname], tm[mname]
            for key in ("input_type", "output_type", "client_streaming", "server_streaming"):
                if getattr(a, key) != getattr(b, key):
                    report.mismatches.append(
                        f"{full}.{mname}: {key} {getattr(a, key)!r} != {getattr(b, key)!r}"
                    )


def compare_file(ours: FDP, theirs: FDP, report: Report | None = None) -> Report:
    """Compare one project file with its reference; mismatches go into the report."""
    report = report or Report()
    report.files += 1
    if ours.package != theirs.package:
        report.mismatches.append(f"{ours.name}: package {ours.package!r} != {theirs.package!r}")
    scope = ours.package
    _compare_children(scope, ours, theirs, report)
    _compare_services(scope, ours, theirs, report)
    return report


def compare_project(files: dict[str, FDP]) -> Report:
    report = Report()
    for name, fdp in sorted(files.items()):
        module = reference_module(name)
        if module is None:
            continue
        reference = reference_file(module)
        if reference is None:
            report.mismatches.append(f"{name}: no such file in the Pulumi wheel")
            continue
        compare_file(fdp, reference, report)
    return report
