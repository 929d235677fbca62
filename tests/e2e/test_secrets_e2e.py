"""Secrets of the wrong type, through the real pulumi CLI: named in the error, never shown."""

SECRET = "s3cr3t-do-not-print"


def test_a_secret_config_value_of_the_wrong_type_is_named_never_shown(new_stack):
    stack = new_stack({"resources": {"events": {"type": "healthcare:streaming:KinesisPipeline",
                                                "properties": {"shardCount": 1}}}})
    stack.run("config", "set", "--secret", "healthcare:maxRetries", SECRET)
    failed = stack.preview(check=False)
    text = failed.stdout + failed.stderr
    assert failed.returncode != 0, text
    assert "maxRetries" in text, text
    assert SECRET not in text, text


def test_a_secret_input_of_the_wrong_type_is_named_never_shown(new_stack):
    # The YAML host type-checks literal inputs itself (and quotes the program's text when one
    # is wrong), so the wrong-typed secret comes from another stack's output, which it cannot
    # type: a list where the stream's name belongs.
    source = new_stack({"outputs": {"names": {"fn::secret": [SECRET]}}}, name="source", stack="source")
    source.up()
    stack = new_stack({"resources": {
        "ref": {"type": "pulumi:pulumi:StackReference",
                "properties": {"name": "organization/healthcare-e2e/source"}},
        "events": {"type": "healthcare:streaming:KinesisPipeline",
                   "properties": {"shardCount": 1, "streamName": '${ref.outputs["names"]}'}}}},
        env={"PULUMI_BACKEND_URL": source.env["PULUMI_BACKEND_URL"]})
    for command in (("preview", "--diff"), ("up", "--yes", "--skip-preview")):
        failed = stack.run(*command, check=False)
        text = failed.stdout + failed.stderr
        assert failed.returncode != 0, text
        assert "streamName" in text and "expected a string" in text, text
        assert SECRET not in text, text
