//! `ttm-lab`: the command-line runner for TTM Lab scenario files (`docs/scenarios.md`).
//!
//! * `ttm-lab run FILE [--step N] [--json] [--trace]` runs a walkthrough and prints every step, its
//!   expectations and the final state (exit 1: broken file, exit 2: an expectation does not hold).
//! * `ttm-lab code FILE [--step N]` prints the trace as a code view: each call with the
//!   pseudocode line it is executing (`ttm_core::code`).
//! * `ttm-lab debugfs FILE [--step N]` prints the pools' debugfs files after the run.
//! * `ttm-lab diff FILE --a KEY=VALUE... --b KEY=VALUE...` runs the steps on two machines and shows
//!   where their states part.
//! * `ttm-lab check DIR` runs every scenario file of a directory.
//! * `ttm-lab quiz FILE [--all] [--json]` prints the answer key of a scenario's exercises.
//! * `ttm-lab problem SEED [--difficulty N]` prints a seeded random problem as a scenario file.
//! * `ttm-lab list` names the built-in walkthroughs, which may be given instead of a FILE.
//!
//! Arguments are parsed by hand (see [`args`]) to keep the dependencies to `ttm-core` and
//! `serde_json`.

#![forbid(unsafe_code)]

// `print!` and `println!` for this crate: std's panic when stdout is a closed pipe
// (`ttm-lab run x --trace | head`); these end the program quietly with status 0 instead, as
// command-line tools do. Defined before the modules so that they use them too.
macro_rules! print {
    ($($t:tt)*) => { $crate::stdout(format_args!($($t)*)) };
}
macro_rules! println {
    () => { $crate::stdout(format_args!("\n")) };
    ($($t:tt)*) => { $crate::stdout(format_args!("{}\n", format_args!($($t)*))) };
}

/// Write to standard output; a reader that went away ends the program (status 0), any other
/// write error ends it with status 1 and a message.
fn stdout(text: std::fmt::Arguments) {
    use std::io::Write;
    if let Err(e) = std::io::stdout().lock().write_fmt(text) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("ttm-lab: cannot write the output: {e}");
        std::process::exit(i32::from(EXIT_ERROR));
    }
}

mod args;
mod diff;
mod render;
mod trace;

use args::Command;
use std::path::Path;
use std::process::ExitCode;
use ttm_core::scenario::Run;
use ttm_core::{Scenario, Summary};

/// Exit status when the file or the command line cannot be used.
const EXIT_ERROR: u8 = 1;
/// Exit status of `run` when an expectation does not hold.
const EXIT_MISMATCH: u8 = 2;

/// Why a command could not do its work; printed on stderr, exit status 1.
#[derive(Debug)]
pub struct CliError(pub String);

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parse the command line, run the command, map the outcome to the exit status.
fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let cmd = match args::parse(&argv) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("ttm-lab: {e}");
            eprintln!("Try 'ttm-lab --help'.");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let result = match cmd {
        Command::Help(text) => {
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Version => {
            println!("ttm-lab {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        Command::Run {
            file,
            step,
            json,
            trace,
        } => cmd_run(&file, step, json, trace),
        Command::Code { file, step } => cmd_code(&file, step),
        Command::Debugfs { file, step } => cmd_debugfs(&file, step),
        Command::Diff { file, a, b } => diff::cmd_diff(&file, &a, &b),
        Command::Check { dir } => cmd_check(&dir),
        Command::List => cmd_list(),
        Command::Quiz { file, all, json } => cmd_quiz(&file, all, json),
        Command::Problem { seed, difficulty } => {
            println!(
                "{}",
                ttm_core::exercise::random_problem(seed, difficulty)
                    .0
                    .to_json()
            );
            Ok(ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Read and run a scenario file (once), or the built-in walkthrough of that name when no such
/// file exists; errors name the file and the place in it, also those only the run finds.
pub fn load(file: &Path) -> Result<Run, CliError> {
    // Bytes, not text: a file that is not UTF-8 gets the place of its first bad byte.
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            let builtin = (!file.exists())
                .then(|| file.to_str().and_then(ttm_core::catalog::get))
                .flatten();
            match builtin {
                Some(t) => t.as_bytes().to_vec(),
                None => {
                    return Err(CliError(format!(
                        "{}: cannot read: {e} (and there is no built-in walkthrough of that name; see ttm-lab list)",
                        file.display()
                    )))
                }
            }
        }
    };
    Scenario::load_bytes(&bytes).map_err(|e| CliError(format!("{}: {e}", file.display())))
}

/// `ttm-lab quiz`: the exercises of a scenario with the model's answers.
fn cmd_quiz(file: &Path, all: bool, json: bool) -> Result<ExitCode, CliError> {
    use ttm_core::exercise::{all_questions, Answer};
    let run = load(file)?;
    // Loading has checked that every marked step has something to ask.
    let qs = if all {
        all_questions(&run)
    } else {
        run.questions.clone()
    };
    if json {
        let text = serde_json::to_string_pretty(&qs)
            .map_err(|e| CliError(format!("cannot print the questions: {e}")))?;
        println!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    if qs.is_empty() {
        println!(
            "{}: no step {}; ttm-lab quiz --all shows what each step could ask.",
            file.display(),
            if all {
                "allows a question"
            } else {
                "is marked \"ask\""
            }
        );
    }
    for q in &qs {
        println!("Before step {} ({}):", q.step, run.steps[q.step].label);
        println!("  Q: {}", q.prompt);
        if let Answer::Choice { options, .. } = &q.answer {
            for (i, o) in options.iter().enumerate() {
                println!("     {}. {o}", i + 1);
            }
        }
        println!("  A: {}", q.answer_text());
        println!("  Why: {}", q.explanation);
    }
    Ok(ExitCode::SUCCESS)
}

/// Check that `--step N` names a step of the run.
fn check_step(run: &Run, step: Option<usize>) -> Result<(), CliError> {
    match step {
        Some(n) if n >= run.steps.len() => Err(CliError(if run.steps.is_empty() {
            format!("--step {n}: the scenario has no steps")
        } else {
            format!(
                "--step {n}: the scenario has {} steps, numbered 0 to {}",
                run.steps.len(),
                run.steps.len() - 1
            )
        })),
        _ => Ok(()),
    }
}

/// `ttm-lab run`.
fn cmd_run(
    file: &Path,
    step: Option<usize>,
    json: bool,
    trace: bool,
) -> Result<ExitCode, CliError> {
    let run = load(file)?;
    let sc = &run.scenario;
    check_step(&run, step)?;
    let shown = step.map_or(run.steps.len(), |n| n + 1);
    let summary: Summary = match step {
        Some(n) => run.steps[n].after.clone(),
        None => run.sim.summary(),
    };
    let trace_end = step.map_or(run.sim.trace().len(), |n| run.steps[n].end_event);
    if json {
        let v = ttm_core::scenario::report(sc, &run.sim, &run.steps, &run.mismatches, step, trace);
        let text = serde_json::to_string_pretty(&v)
            .map_err(|e| CliError(format!("cannot serialize the run: {e}")))?;
        println!("{text}");
    } else {
        print!("{}", render::run_header(sc));
        for rec in &run.steps[..shown] {
            print!(
                "{}",
                render::step(rec, &sc.steps[rec.index].expect, &run.mismatches)
            );
        }
        match step {
            Some(n) => println!("State after step {n} ({}):", run.steps[n].label),
            None => println!("Final state:"),
        }
        print!("{}", render::summary(&summary));
        if trace {
            println!();
            println!("Trace:");
            print!("{}", trace::render(&run, 0, trace_end));
        }
    }
    if run.mismatches.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprint!("{}", render::mismatches(file, &run.mismatches));
        Ok(ExitCode::from(EXIT_MISMATCH))
    }
}

/// `ttm-lab code`: the code view of every step, or of step N.
fn cmd_code(file: &Path, step: Option<usize>) -> Result<ExitCode, CliError> {
    let run = load(file)?;
    check_step(&run, step)?;
    let (from, to) = match step {
        Some(n) => (run.steps[n].first_event, run.steps[n].end_event),
        None => (
            run.steps.first().map_or(0, |s| s.first_event),
            run.sim.trace().len(),
        ),
    };
    // A closed pipe (`ttm-lab code x | head`) ends the output quietly.
    let text = trace::code_view(&run, from, to);
    match std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError(format!("cannot write the code view: {e}")))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// `ttm-lab debugfs`.
fn cmd_debugfs(file: &Path, step: Option<usize>) -> Result<ExitCode, CliError> {
    let run = load(file)?;
    check_step(&run, step)?;
    // The state after step N: the trace replayed up to the step's end (no second run).
    let end = step.map_or(run.sim.trace().len(), |n| run.steps[n].end_event);
    let swiotlb = run.sim.config().swiotlb;
    let st = ttm_core::Recording::new(std::rc::Rc::new(run.sim), 2).state_at(end);
    if let Some(m) = st.modern.as_deref() {
        // Linux 6.12: debugfs ttm/page_pool (mspec 4.10).
        println!("page_pool:");
        print!("{}", m.debugfs_page_pool());
        return Ok(ExitCode::SUCCESS);
    }
    println!("ttm_page_pool:");
    print!("{}", ttm_core::page_alloc_debugfs(&st));
    if swiotlb {
        println!();
        println!("ttm_dma_page_pool:");
        print!("{}", ttm_core::dma_page_alloc_debugfs(&st));
    }
    Ok(ExitCode::SUCCESS)
}

/// `ttm-lab list`.
fn cmd_list() -> Result<ExitCode, CliError> {
    for e in ttm_core::catalog::list() {
        println!("{:<24} {}", e.name, e.title);
    }
    Ok(ExitCode::SUCCESS)
}

/// `ttm-lab check`.
fn cmd_check(dir: &Path) -> Result<ExitCode, CliError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| CliError(format!("{}: cannot read the directory: {e}", dir.display())))?;
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(CliError(format!(
            "{}: no scenario files (*.json) found",
            dir.display()
        )));
    }
    let (mut passed, mut failed) = (0, 0);
    for f in &files {
        let name = f
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        match load(f) {
            Err(e) => {
                failed += 1;
                println!("FAIL {name}: {e}");
            }
            Ok(r) if !r.mismatches.is_empty() => {
                failed += 1;
                println!(
                    "FAIL {name}: {} expectation(s) do not hold",
                    r.mismatches.len()
                );
                for m in &r.mismatches {
                    println!("       {}", render::mismatch(m));
                }
            }
            Ok(r) => {
                let sc = &r.scenario;
                passed += 1;
                let expects: usize = sc.steps.iter().map(|s| s.expect.len()).sum();
                println!(
                    "PASS {name}: {} step(s), {expects} expectation(s)",
                    r.steps.len()
                );
                let stem = f.file_stem().map(|s| s.to_string_lossy());
                if stem.as_deref() != Some(sc.name.as_str()) {
                    println!(
                        "       note: \"name\" is {:?}, the file stem is {:?}",
                        sc.name,
                        stem.unwrap_or_default()
                    );
                }
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_ERROR)
    })
}
