//! Runs a command and reports its wall time and peak resident set size, for
//! `scripts/bench`. A Python parent cannot measure the RSS itself: the
//! forked child inherits the interpreter's pages before `exec`, and
//! `ru_maxrss` counts them. This small process forks from a few hundred KiB.
//!
//! Usage: `measure COMMAND [ARG...]`; prints `<wall nanoseconds> <peak RSS KiB>`
//! and exits with the command's status (stdout and stderr go to /dev/null).

use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(program) = args.next() else {
        eprintln!("usage: measure COMMAND [ARG...]");
        std::process::exit(2);
    };
    let start = Instant::now();
    let child = match Command::new(&program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => child,
        Err(error) => {
            eprintln!("measure: cannot run {program}: {error}");
            std::process::exit(2);
        }
    };

    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pointers are to live locals, and `pid` is our own child,
    // which std has not reaped because we never called wait on `child`.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    if reaped != pid {
        eprintln!("measure: wait4 failed: {}", std::io::Error::last_os_error());
        std::process::exit(2);
    }
    println!("{} {}", elapsed.as_nanos(), usage.ru_maxrss);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        1
    };
    std::process::exit(code);
}
