//! `ttm-lab`: the command-line runner for TTM Lab scenario files (`docs/scenarios.md`).
//!
//! * `ttm-lab run FILE [--step N | --steps A-B] [--json | --ndjson] [--trace] [--func ..] [--kind ..]`
//!   runs a walkthrough and prints every step, its expectations and the final state, streamed
//!   ([`stream`]), the trace narrowed by function, step range and kind of event (exit 1: broken
//!   file, exit 2: an expectation does not hold).
//! * `ttm-lab code FILE [--step N]` prints the trace as a code view: each call with the
//!   pseudocode line it is executing (`ttm_core::code`).
//! * `ttm-lab debugfs FILE [--step N]` prints the pools' debugfs files after the run.
//! * `ttm-lab diff FILE --a KEY=VALUE... --b KEY=VALUE...` runs the steps on two machines and shows
//!   where their states part.
//! * `ttm-lab check DIR` runs every scenario file of a directory.
//! * `ttm-lab quiz FILE [--all] [--json]` prints the answer key of a scenario's exercises.
//! * `ttm-lab problem SEED [--difficulty N]` prints a seeded random problem as a scenario file.
//! * `ttm-lab generate churn|cycle --steps N` prints a generated scenario (scale benchmarks).
//! * `ttm-lab list` names the built-in walkthroughs, which may be given instead of a FILE.
//!
//! Arguments are parsed by hand (see [`args`]) to keep the dependencies to `ttm-core` and
//! serde (`serde_json` and the trait it writes through).

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
mod generate;
mod render;
mod stream;
mod trace;

use args::Command;
use std::path::Path;
use std::process::ExitCode;
use ttm_core::scenario::{Run, ScenarioError};
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
            steps,
            format,
            trace,
            filter,
        } => cmd_run(&file, steps, format, trace, &filter),
        Command::Code { file, step } => cmd_code(&file, step),
        Command::Debugfs { file, step } => cmd_debugfs(&file, step),
        Command::Diff { file, a, b } => diff::cmd_diff(&file, &a, &b),
        Command::Check { dir } => cmd_check(&dir),
        Command::List => cmd_list(),
        Command::Quiz { file, all, json } => cmd_quiz(&file, all, json),
        Command::Generate { kind, steps } => {
            generate::write(&kind, steps, &mut |t| print!("{t}"));
            Ok(ExitCode::SUCCESS)
        }
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
    let located = |e: ScenarioError| CliError(format!("{}: {e}", file.display()));
    // Bytes, not text: a file that is not UTF-8 gets the place of its first bad byte.
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            let builtin = (!file.exists())
                .then(|| file.to_str().and_then(ttm_core::catalog::get))
                .flatten();
            return match builtin {
                Some(t) => Scenario::load(t).map_err(located),
                None => Err(CliError(format!(
                    "{}: cannot read: {e} (and there is no built-in walkthrough of that name; see ttm-lab list)",
                    file.display()
                ))),
            };
        }
    };
    // The file's text is not held while it runs (a 10^6-step file is 53 MB, issue 16): an
    // error or notice of the run is placed in the file read again, if it is still the same
    // length and modification time (a pipe, read again, is empty: its errors stay at line 1).
    let modified = |f: &Path| std::fs::metadata(f).and_then(|m| m.modified()).ok();
    let (len, read_at) = (bytes.len(), modified(file));
    let scenario = Scenario::from_bytes(&bytes).map_err(located)?;
    drop(bytes);
    let reread = || {
        let again = std::fs::read(file).ok()?;
        (again.len() == len && modified(file) == read_at)
            .then(|| String::from_utf8(again).ok())
            .flatten()
    };
    scenario.run_placed(&reread).map_err(located)
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
        // Each question with the model's explanation (made here, not with the run).
        #[derive(serde::Serialize)]
        struct Shown<'a> {
            #[serde(flatten)]
            question: &'a ttm_core::exercise::Question,
            explanation: String,
        }
        let shown: Vec<Shown> = qs
            .iter()
            .map(|q| Shown {
                question: q,
                explanation: ttm_core::exercise::explain(&run, q),
            })
            .collect();
        let text = serde_json::to_string_pretty(&shown)
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
        println!("  Why: {}", ttm_core::exercise::explain(&run, q));
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

/// `ttm-lab run`: the report of steps `first..=last` (every step by default), written as it
/// is produced ([`stream::Out`]).
fn cmd_run(
    file: &Path,
    steps: Option<(usize, usize)>,
    format: args::Format,
    trace: bool,
    filter: &stream::Filter,
) -> Result<ExitCode, CliError> {
    use args::Format;
    let run = load(file)?;
    let sc = &run.scenario;
    if let Some((first, last)) = steps {
        check_step(&run, Some(last))?;
        check_step(&run, Some(first))?;
    }
    let last = steps.map(|(_, b)| b);
    let records = match steps {
        Some((a, b)) => &run.steps[a..=b],
        None => &run.steps[..],
    };
    // The trace of the steps shown; from the boot when the first step is 0.
    let trace_from = match steps {
        Some((a, _)) if a > 0 => run.steps[a].first_event,
        _ => 0,
    };
    let trace_end = last.map_or(run.sim.trace().len(), |n| run.steps[n].end_event);
    let summary: Summary = match last {
        Some(n) => run.summary_after(n),
        None => run.sim.summary(),
    };
    let mut out = stream::Out::new();
    match format {
        Format::Json => json_report(
            &mut out,
            &run,
            records,
            &summary,
            last,
            trace.then_some((trace_from, trace_end)),
            filter,
        ),
        Format::Ndjson => ndjson_report(&mut out, &run, records, &summary, trace, filter),
        Format::Text => {
            out.str(&render::run_header(sc));
            for rec in records {
                out.str(&render::step(
                    rec,
                    &sc.steps[rec.index].expect,
                    &run.mismatches,
                    &run.notices,
                ));
            }
            match last {
                Some(n) => out.fmt(format_args!(
                    "State after step {n} ({}):\n",
                    run.steps[n].label
                )),
                None => out.str("Final state:\n"),
            }
            out.str(&render::summary(&summary));
            if trace {
                out.str("\nTrace:\n");
                trace::render(&mut out, &run, trace_from, trace_end, filter);
            }
        }
    }
    drop(out);
    if run.mismatches.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprint!("{}", render::mismatches(file, &run.mismatches));
        Ok(ExitCode::from(EXIT_MISMATCH))
    }
}

/// `run --json`: one document, the same as [`ttm_core::scenario::report`] builds in memory,
/// written field by field, record by record and event by event.
fn json_report(
    out: &mut stream::Out,
    run: &Run,
    records: &[ttm_core::scenario::StepRecord],
    summary: &Summary,
    step: Option<usize>,
    trace: Option<(u64, u64)>,
    filter: &stream::Filter,
) {
    out.str("{");
    if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(summary) {
        for (k, v) in &fields {
            out.json(k);
            out.str(":");
            out.json(v);
            out.str(",\n");
        }
    }
    out.str("\"name\":");
    out.json(&run.scenario.name);
    out.str(",\n\"title\":");
    out.json(&run.scenario.title);
    out.str(",\n\"step\":");
    out.json(&step);
    out.str(",\n\"steps\":[");
    for (i, rec) in records.iter().enumerate() {
        out.str(if i == 0 { "\n" } else { ",\n" });
        out.json(rec);
    }
    out.str("],\n\"mismatches\":");
    out.json(&run.mismatches);
    if let Some((from, to)) = trace {
        out.str(",\n\"trace\":[");
        let mut first = true;
        stream::walk(run, from, to, filter, |_, it| {
            out.str(if first { "\n" } else { ",\n" });
            first = false;
            out.json(it.event);
        });
        out.str("]");
    }
    out.str("}\n");
}

/// `run --ndjson`: one JSON object per line (see `ttm-lab run --help`).
fn ndjson_report(
    out: &mut stream::Out,
    run: &Run,
    records: &[ttm_core::scenario::StepRecord],
    summary: &Summary,
    trace: bool,
    filter: &stream::Filter,
) {
    use serde_json::json;
    out.json(&json!({
        "type": "run",
        "name": run.scenario.name,
        "title": run.scenario.title,
        "steps": run.steps.len(),
        "events": run.sim.trace().len(),
    }));
    out.str("\n");
    let record = |out: &mut stream::Out, rec: &ttm_core::scenario::StepRecord| {
        let mut line = serde_json::to_value(rec).unwrap_or_default();
        if let Some(m) = line.as_object_mut() {
            m.insert("type".into(), "step".into());
        }
        out.json(&line);
        out.str("\n");
    };
    // One walk over the whole span (boot-time events first when the report starts at step 0);
    // each step's record is written before its first event that is shown.
    let from = match records.first() {
        Some(r) if r.index > 0 => r.first_event,
        _ => 0,
    };
    let to = records.last().map_or(0, |r| r.end_event);
    let mut next = 0;
    if trace {
        stream::walk(run, from, to, filter, |_, it| {
            while records.get(next).is_some_and(|r| r.first_event <= it.index) {
                record(out, &records[next]);
                next += 1;
            }
            out.json(&json!({
                "type": "event",
                "index": it.index,
                "step": it.step,
                "depth": it.depth,
                "symbol": it.symbol,
                "event": it.event,
            }));
            out.str("\n");
        });
    }
    for rec in &records[next..] {
        record(out, rec);
    }
    for m in &run.mismatches {
        let mut line = serde_json::to_value(m).unwrap_or_default();
        if let Some(o) = line.as_object_mut() {
            o.insert("type".into(), "mismatch".into());
        }
        out.json(&line);
        out.str("\n");
    }
    let mut line = serde_json::to_value(summary).unwrap_or_default();
    if let Some(o) = line.as_object_mut() {
        o.insert("type".into(), "summary".into());
    }
    out.json(&line);
    out.str("\n");
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
