//! The command line, shared by `pulumi-healthcare-report` and `pulumi-resource-healthcare report`.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::error::{Error, Result};
use crate::model::Report;
use crate::summary::summarize;
use crate::{html, markdown, state, time};

/// How the command is used; `{cmd}` is replaced by the name it was called by.
const USAGE: &str = "Usage: {cmd} [--stack-export FILE] [--out DIR] [--name NAME]

Writes the HIPAA compliance report of a stack that uses the healthcare provider, from its
exported state alone: DIR/NAME.html (one self-contained page that prints to PDF) and
DIR/NAME.md.

  --stack-export FILE  the output of `pulumi stack export` (`-` or absent: standard input)
  --out DIR            the folder to write to (default: the current folder)
  --name NAME          the files' name without extension (default: hipaa-report-<stack>)
  -h, --help           this text

Example: pulumi stack export | {cmd} --out reports";

/// What a run asked for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Options {
    /// `None` reads standard input.
    pub stack_export: Option<PathBuf>,
    pub out: PathBuf,
    pub name: Option<String>,
    pub help: bool,
}

/// What a run wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub html: PathBuf,
    pub markdown: PathBuf,
    pub satisfied: usize,
    pub total: usize,
}

/// Parses the arguments after the command's name.
pub fn parse_args(args: &[String], cmd: &str) -> Result<Options> {
    let mut options = Options {
        out: PathBuf::from("."),
        ..Options::default()
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| rest.next().cloned())
                .ok_or_else(|| Error::Usage(format!("{name} needs a value\n\n{}", usage(cmd))))
        };
        match flag {
            "--stack-export" => {
                let file = value(flag)?;
                options.stack_export = (file != "-").then(|| PathBuf::from(file));
            }
            "--out" => options.out = PathBuf::from(value(flag)?),
            "--name" => options.name = Some(value(flag)?),
            "-h" | "--help" => options.help = true,
            other => {
                return Err(Error::Usage(format!(
                    "unknown argument `{other}`\n\n{}",
                    usage(cmd)
                )));
            }
        }
    }
    Ok(options)
}

/// The usage text for the name the command was called by.
pub fn usage(cmd: &str) -> String {
    USAGE.replace("{cmd}", cmd)
}

/// Reads the export, writes both reports, and says what it wrote.
pub fn run(options: &Options, stdin: impl Read) -> Result<Written> {
    let text = read_export(options.stack_export.as_deref(), stdin)?;
    let report = Report::from_export(&state::parse(&text)?)?;
    let generated = time::now();
    let name = options
        .name
        .clone()
        .unwrap_or_else(|| format!("hipaa-report-{}", file_safe(&report.stack)));
    std::fs::create_dir_all(&options.out).map_err(|source| Error::Write {
        path: options.out.display().to_string(),
        source,
    })?;
    let html_path = options.out.join(format!("{name}.html"));
    let markdown_path = options.out.join(format!("{name}.md"));
    write(&html_path, &html::render(&report, &generated))?;
    write(&markdown_path, &markdown::render(&report, &generated))?;
    let summary = summarize(&report);
    Ok(Written {
        html: html_path,
        markdown: markdown_path,
        satisfied: summary.satisfied,
        total: summary.total,
    })
}

/// The whole command: arguments in, files out, an exit code; `cmd` names it in messages.
pub fn main(args: &[String], cmd: &str) -> ExitCode {
    let options = match parse_args(args, cmd) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let stdin = std::io::stdin();
    if options.help || (options.stack_export.is_none() && stdin.is_terminal()) {
        let _ = writeln!(std::io::stdout(), "{}", usage(cmd));
        return if options.help {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        };
    }
    match run(&options, stdin.lock()) {
        Ok(written) => {
            let missing = written.total - written.satisfied;
            let verdict = if missing == 0 {
                String::new()
            } else {
                format!(", {missing} NOT satisfied")
            };
            let _ = writeln!(
                std::io::stdout(),
                "wrote {} and {}: {} of {} controls satisfied{verdict}",
                written.html.display(),
                written.markdown.display(),
                written.satisfied,
                written.total
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{cmd}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn read_export(path: Option<&Path>, mut stdin: impl Read) -> Result<String> {
    match path {
        Some(path) => std::fs::read_to_string(path).map_err(|source| Error::Read {
            what: path.display().to_string(),
            source,
        }),
        None => {
            let mut text = String::new();
            stdin
                .read_to_string(&mut text)
                .map_err(|source| Error::Read {
                    what: "standard input".into(),
                    source,
                })?;
            Ok(text)
        }
    }
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|source| Error::Write {
        path: path.display().to_string(),
        source,
    })
}

/// A stack name as part of a file name: `org/proj/dev` becomes `org-proj-dev`.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_take_their_value_after_a_space_or_an_equals_sign() {
        let options = parse_args(
            &args(&["--stack-export", "s.json", "--out=r", "--name", "n"]),
            "x",
        )
        .unwrap();
        assert_eq!(options.stack_export, Some(PathBuf::from("s.json")));
        assert_eq!(options.out, PathBuf::from("r"));
        assert_eq!(options.name.as_deref(), Some("n"));
    }

    #[test]
    fn a_dash_or_no_stack_export_means_standard_input() {
        let dash = parse_args(&args(&["--stack-export", "-"]), "x").unwrap();
        assert_eq!(dash.stack_export, None);
        assert_eq!(parse_args(&[], "x").unwrap().out, PathBuf::from("."));
    }

    #[test]
    fn an_unknown_or_incomplete_argument_is_a_usage_error_naming_the_command() {
        let err = parse_args(&args(&["--bogus"]), "my-cmd").unwrap_err();
        assert!(matches!(err, Error::Usage(_)));
        assert!(err.to_string().contains("Usage: my-cmd"), "{err}");
        let err = parse_args(&args(&["--out"]), "my-cmd").unwrap_err();
        assert!(err.to_string().contains("--out needs a value"), "{err}");
    }

    #[test]
    fn a_stack_name_becomes_a_safe_file_name() {
        assert_eq!(file_safe("org/proj/dev"), "org-proj-dev");
        assert_eq!(file_safe("../x"), "..-x");
    }
}
