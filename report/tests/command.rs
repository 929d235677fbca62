//! The `pulumi-healthcare-report` binary as a user runs it: a file or standard input in, two
//! files out and a line saying so; a refusal on standard error with a failing exit code.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::{export, scratch, stack_resource};

const BINARY: &str = env!("CARGO_BIN_EXE_pulumi-healthcare-report");
const DEMO: &str = "tests/fixtures/demo-platform.json";

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BINARY)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_stack_export_file_becomes_an_html_and_a_markdown_report_named_after_the_stack() {
    let dir = scratch("command-file");
    let out = run(
        &["--stack-export", DEMO, "--out", dir.to_str().unwrap()],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(said.contains("39 of 39 controls satisfied"), "{said}");
    for file in ["hipaa-report-demo.html", "hipaa-report-demo.md"] {
        assert!(said.contains(file), "{said}");
        assert!(std::fs::metadata(dir.join(file)).unwrap().len() > 1000);
    }
}

#[test]
fn an_export_on_standard_input_is_read_when_no_file_is_named() {
    let dir = scratch("command-stdin");
    let text = std::fs::read_to_string(DEMO).unwrap();
    let out = run(&["--out", dir.to_str().unwrap(), "--name", "audit"], &text);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("audit.html").exists() && dir.join("audit.md").exists());
}

#[test]
fn a_stack_without_healthcare_resources_fails_with_the_reason_and_writes_nothing() {
    let dir = scratch("command-empty");
    let out = run(
        &["--out", dir.to_str().unwrap()],
        &export(vec![stack_resource()]),
    );
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8(out.stderr).unwrap();
    assert!(
        said.starts_with("pulumi-healthcare-report: the stack dev holds no healthcare resources"),
        "{said}"
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    let out = run(&["--bogus"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("Usage: pulumi-healthcare-report")
    );
}
