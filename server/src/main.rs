//! The `dlint` binary: parse the command line, dispatch to [`dlint::cli`], and map the
//! outcome to an exit code (0 clean, 1 findings, 2 error).

use std::io;
use std::process::ExitCode;

use clap::Parser;
use dlint::cli::{self, Cli, ExitStatus};

// mimalloc: the lint allocates many small strings and vectors per file; glibc's malloc
// was a seventh of the CPU time over a corpus of 1,783 Dockerfiles.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // `--help` and `--version` come here too, and are not errors.
            let _ = err.print();
            return if err.use_stderr() {
                ExitStatus::Error.into()
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli::run(&cli) {
        Ok(status) => status.into(),
        // The reader went away (`dlint check | head`): nothing left to say.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("dlint: error: {err:#}");
            ExitStatus::Error.into()
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<io::Error>())
        .any(|e| e.kind() == io::ErrorKind::BrokenPipe)
}
