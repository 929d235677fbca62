"""The project's proto/ must match Pulumi's own compiled descriptors exactly."""

import pytest

import protocompare as pc


@pytest.fixture(scope="module")
def project_files(tmp_path_factory):
    return pc.compile_protos(tmp_path_factory.mktemp("protos"))


def test_project_protos_match_pulumi(project_files, capsys):
    assert {"pulumi/provider.proto", "pulumi/engine.proto", "pulumi/language.proto",
            "pulumi/codegen/hcl.proto"} <= project_files.keys()
    report = pc.compare_project(project_files)
    with capsys.disabled():  # show the summary even when output is captured
        print(f"\n{report.summary()}")
    assert report.messages > 0 and report.fields > 0
    assert not report.mismatches, "\n".join([report.summary(), *report.mismatches])


def test_checker_reports_alterations(project_files):
    altered = pc.FDP()
    altered.CopyFrom(project_files["pulumi/provider.proto"])
    check = next(m for m in altered.message_type if m.name == "CheckRequest")
    seed = next(f for f in check.field if f.name == "randomSeed")
    seed.number = 4
    configure = next(m for m in altered.message_type if m.name == "ConfigureRequest")
    next(f for f in configure.field if f.name == "urn").proto3_optional = False
    extra = altered.message_type.add(name="NotInPulumi")
    extra.field.add(name="x", number=1, type=pc.FieldDP.TYPE_STRING, label=pc.FieldDP.LABEL_OPTIONAL)
    altered.service[0].method[0].server_streaming = True

    report = pc.compare_file(altered, pc.reference_file("provider"))
    print(report.summary())
    assert "pulumirpc.CheckRequest.randomSeed: number 4 != 5" in report.mismatches
    assert "pulumirpc.ConfigureRequest.urn: proto3_optional False != True" in report.mismatches
    assert "pulumirpc.NotInPulumi: message not in the Pulumi descriptor" in report.mismatches
    assert any(m.startswith("pulumirpc.ResourceProvider.Handshake: server_streaming") for m in report.mismatches)
    assert len(report.mismatches) == 4
