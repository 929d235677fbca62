//! The command line: what the binary does with its arguments. The Pulumi engine starts it as
//! `pulumi-resource-healthcare [--logtostderr] [-v=N] [--tracing ENDPOINT] HOST:PORT`, or with
//! no address at all when a provider is attached for debugging; a person may ask it for its
//! help or version, its schema, or a compliance report.

use pulumi_provider::Launch;

/// The name the binary answers to.
pub const NAME: &str = "pulumi-resource-healthcare";

/// What to do.
#[derive(Debug, PartialEq)]
pub enum Command {
    /// Serve the provider to the engine.
    Serve(Launch),
    Help,
    Version,
    /// Print the package schema.
    Schema,
    /// Write a compliance report; its own arguments follow.
    Report(Vec<String>),
    /// Arguments it does not take; says which.
    Refuse(String),
}

/// Usage, for `--help` and after a refusal.
pub fn usage() -> String {
    format!(
        "{NAME} {version}: the pulumi-healthcare resource provider plugin (HIPAA-ready AWS \
         building blocks for Pulumi).\n\
         \n\
         The Pulumi engine starts it; there is no need to run it by hand.\n\
         \n\
         Usage:\n  \
         {NAME} [--logtostderr] [-v=N] [--tracing ENDPOINT] [HOST:PORT]\n      \
         serve the provider; with HOST:PORT it reports to the engine there and stops when\n      \
         the engine goes away, without it (attach mode) it waits for an engine to attach.\n      \
         It prints the port it listens on.\n  \
         {NAME} schema           print the package schema (JSON)\n  \
         {NAME} report --help    write the HIPAA compliance report of an exported stack\n  \
         {NAME} --version        print the version\n  \
         {NAME} --help           print this help\n",
        version = env!("CARGO_PKG_VERSION"),
    )
}

/// The command `args` (without the program's name) ask for.
pub fn parse(args: Vec<String>) -> Command {
    match args.first().map(String::as_str) {
        Some("report") => return Command::Report(args[1..].to_vec()),
        Some("schema") if args.len() == 1 => return Command::Schema,
        Some("help" | "--help" | "-h" | "-help") => return Command::Help,
        Some("version" | "--version" | "-version" | "-V") => return Command::Version,
        _ => {}
    }
    let mut rest = args.iter();
    let mut address = None;
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--logtostderr" | "-logtostderr" => {}
            "--tracing" | "-tracing" => {
                if rest.next().is_none() {
                    return Command::Refuse(format!("{arg} needs an endpoint"));
                }
            }
            a if a.starts_with("-v=") || a.starts_with("--v=") => {
                let level = a.split_once('=').map(|(_, v)| v).unwrap_or_default();
                if level.parse::<u8>().is_err() {
                    return Command::Refuse(format!("{a}: the level is a number, as -v=9"));
                }
            }
            a if a.starts_with('-') => return Command::Refuse(format!("unknown option {a}")),
            a if address.is_some() => {
                return Command::Refuse(format!("one engine address only, and {a} is another"));
            }
            a if is_address(a) => address = Some(a),
            a => {
                return Command::Refuse(format!(
                    "unknown command {a} (the engine's address is HOST:PORT)"
                ));
            }
        }
    }
    Command::Serve(Launch::parse(args))
}

/// `HOST:PORT` (`127.0.0.1:41234`, `localhost:41234`, `[::1]:41234`).
fn is_address(arg: &str) -> bool {
    match arg.rsplit_once(':') {
        Some((host, port)) => !host.is_empty() && port.parse::<u16>().is_ok(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_of(args: &[&str]) -> Command {
        parse(args.iter().map(|a| a.to_string()).collect())
    }

    #[test]
    fn every_form_the_engine_launches_a_provider_with_serves() {
        for args in [
            vec!["127.0.0.1:41234"],
            vec!["--logtostderr", "-v=9", "127.0.0.1:41234"],
            vec![
                "--logtostderr",
                "--tracing",
                "tcp://127.0.0.1:1",
                "-v=3",
                "[::1]:41234",
            ],
            vec!["-logtostderr", "localhost:41234"],
            vec![],
            vec!["--logtostderr", "-v=5"],
        ] {
            assert!(
                matches!(parse_of(&args), Command::Serve(_)),
                "{args:?} does not serve"
            );
        }
        match parse_of(&["-v=7", "127.0.0.1:41234"]) {
            Command::Serve(launch) => {
                assert_eq!(launch.verbosity, 7);
                assert_eq!(launch.engine_address.as_deref(), Some("127.0.0.1:41234"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn help_and_version_are_answered_and_never_serve() {
        for a in ["--help", "-h", "help", "-help"] {
            assert_eq!(parse_of(&[a]), Command::Help);
        }
        for a in ["--version", "-V", "version"] {
            assert_eq!(parse_of(&[a]), Command::Version);
        }
        assert_eq!(parse_of(&["schema"]), Command::Schema);
        assert_eq!(
            parse_of(&["report", "--stack", "x"]),
            Command::Report(vec!["--stack".into(), "x".into()])
        );
        assert!(usage().contains("--version"));
    }

    #[test]
    fn unknown_arguments_are_refused_naming_them() {
        for (args, word) in [
            (vec!["--port", "1"], "--port"),
            (vec!["serve"], "serve"),
            (vec!["127.0.0.1:1", "127.0.0.1:2"], "127.0.0.1:2"),
            (vec!["-v=loud"], "-v=loud"),
            (vec!["--tracing"], "--tracing"),
            (vec!["schema", "extra"], "schema"),
            (vec!["127.0.0.1:notaport"], "127.0.0.1:notaport"),
        ] {
            match parse_of(&args) {
                Command::Refuse(why) => assert!(why.contains(word), "{why}"),
                other => panic!("{args:?}: {other:?}"),
            }
        }
    }
}
