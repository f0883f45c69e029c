//! Prints the crictl(1) man page in roff, generated from the same clap
//! definition as the binary: `cargo run --example manpage > crictl.1`.

use clap::CommandFactory;

fn main() -> std::io::Result<()> {
    let command = crictl_rs::cli::Cli::command();
    clap_mangen::Man::new(command).render(&mut std::io::stdout())
}
