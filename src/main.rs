//! The `saksflyt` binary: a thin CLI over the library (see `src/cli/`).

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
