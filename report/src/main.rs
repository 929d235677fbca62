//! `pulumi-healthcare-report`: the HIPAA compliance report of an exported stack.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    healthcare_report::cli::main(&args, "pulumi-healthcare-report")
}
