//! Hand-written command-line parsing (no argument-parsing dependency).

use std::path::PathBuf;

/// The top-level help text.
pub const USAGE: &str = "\
ttm-lab: run TTM Lab scenario files (walkthroughs of the Linux 3.3 TTM memory manager)

USAGE:
    ttm-lab run FILE [--step N | --steps A-B] [--json | --ndjson] [--trace]
                     [--func NAME,...] [--kind KIND,...]
    ttm-lab code FILE [--step N]
    ttm-lab debugfs FILE [--step N]
    ttm-lab diff FILE --a KEY=VALUE... --b KEY=VALUE...
    ttm-lab check DIR
    ttm-lab list
    ttm-lab quiz FILE [--all] [--json]
    ttm-lab problem SEED [--difficulty N]
    ttm-lab generate churn|cycle --steps N
    ttm-lab help [COMMAND]  |  ttm-lab --help  |  ttm-lab --version

COMMANDS:
    run      Run a scenario: print every step (action, kernel result, narration, expectations)
             and the final state: pools, DMA pools, zones, tts, buffer objects, findings.
               --step N   stop the report after step N (steps are numbered from 0) and show
                          the state right after it
               --steps A-B  report only steps A to B (and their trace events)
               --json     print JSON instead: the state summary's fields (pools, dma_pools,
                          zones, tts, bos, pages_out_of_system, leaked, findings, ...) plus
                          name, title, step, steps (one record per step: what it changed)
                          and mismatches
               --ndjson   print one JSON object per line, as the run is read: the run, each
                          step, each trace event (with --trace), each mismatch, the summary
               --trace    also print the call tree of the kernel functions the run went
                          through, with argument names, state changes and findings
                          (with --json: a \"trace\" array of events)
               --func NAME,...  only the calls of these functions and what they call
               --kind KIND,...  only these kinds of event: enter, exit, call (both),
                          delta, finding, mark
    code     Run a scenario and print its trace as a code view: every call (\"->\" with decoded
             arguments, \"<-\" with the result) and, under it, each pseudocode line the call
             executes (\"> N  text\"), then the v3.3 source link of every function seen.
               --step N   only the calls of step N
    debugfs  Run a scenario (up to step N) and print the pool allocator's debugfs file
             ttm_page_pool, and ttm_dma_page_pool when the machine has swiotlb.
    diff     Run a scenario on two machines, each the file's machine with KEY=VALUE
             overrides, and print per step both results and the state fields that differ,
             marking the first divergence. Keys:
               era=E0|E1|E2|E3            fidelity=faithful|fixed
               driver=radeon|nouveau|vmwgfx
               swiotlb=BOOL  agp=BOOL  accel=BOOL  root=BOOL  need_dma32=BOOL  nv50=BOOL
               ram_mib=N  vram_mib=N  visible_vram_mib=N  gtt_mib=N
               arch=x86_64|x86_32_highmem  kernel=3.3|6.12 (then and now)
             (BOOL is true/false, yes/no, on/off or 1/0)
    check    Run every *.json file in DIR and print PASS or FAIL for each.
    list     List the built-in walkthroughs (the scenarios/ files embedded in the program).
    quiz     Print the answer key of a scenario's exercises: the question at each step marked
             \"ask\", the model's answer and why (--all: the best question of every step).
    problem  Print a seeded random problem (a scenario file whose steps all ask); the same SEED
             and difficulty (1, 2 or 3; default 1) always give the same problem.
    generate Print a generated scenario file of N steps for the scale benchmarks
             (docs/BENCHMARKS.md): churn (a new tt every 2 steps) or cycle (four tts
             populated and unpopulated in turn).

FILE is a path to a scenario file, or the name of a built-in walkthrough (see list) when no
such file exists.

EXIT STATUS:
    0  success
    1  the file, directory or command line cannot be used (the message names the file and,
       for scenario files, the line, column and JSON path of the problem); for check: a file
       failed
    2  run: at least one expectation does not hold (the mismatches are printed on stderr)

EXAMPLES:
    ttm-lab run scenarios/pool-refill.json
    ttm-lab run scenarios/pool-refill.json --step 1 --trace
    ttm-lab code pool-refill --step 1
    ttm-lab debugfs scenarios/dma-pool.json
    ttm-lab diff scenarios/cpu-fault-after-seed.json --a era=E1 --b era=E3
    ttm-lab diff scenarios/pool-refill.json --a --b kernel=6.12
    ttm-lab check scenarios
    ttm-lab problem 17 --difficulty 2 > p.json && ttm-lab quiz p.json

The scenario format is described in docs/scenarios.md.
";

/// Help text of `ttm-lab run --help`.
const RUN_HELP: &str = "\
ttm-lab run FILE [--step N | --steps A-B] [--json | --ndjson] [--trace]
                 [--func NAME,...] [--kind KIND,...]

Run the scenario FILE. For each step print its label (the action), the kernel's result (\"ok\" or
an error such as -ENOMEM), the narration and every expectation with its outcome; then the state
after the last step (or after step N). Everything is written as it is produced: the output
needs no more memory than the run, however long the scenario or its trace.

    --step N     report steps 0..=N and the state right after step N
    --steps A-B  report steps A..=B (A alone: that step) and the state right after step B;
                 the trace then holds only their events
    --json       JSON output, one document: the state summary (pools, dma_pools, zones,
                 swap_work_queued, tts, bos, pages_out_of_system, leaked, findings) with name,
                 title, step, steps (records with index, label, first_event, end_event, result,
                 output, say and changes: the summary entries the step changed) and mismatches
    --ndjson     JSON Lines (NDJSON): one object per line, each with a \"type\": \"run\" (name,
                 title, steps, events), then per step \"step\" (its record) followed by its
                 \"event\" lines with --trace (index, step, depth, symbol, event), then
                 \"mismatch\" lines and last \"summary\" (the state summary)
    --trace      print the trace: every traced kernel function as an indented call tree
                 (\"-> symbol(arg=value, ...)\" with placements, page flags and caching by name /
                 \"<- symbol = result\"), state changes (\"delta\") and findings (\"!!\"); with
                 --json a \"trace\" array of events, with --ndjson \"event\" lines
    --func NAME,...  only the calls of these functions, each with everything it calls:
                 kernel symbols (ttm_pool_populate, or pool_populate without the ttm_ prefix)
                 or a driver's own (radeon_ttm_tt_populate); step headers stay
    --kind KIND,...  only these kinds of event: enter, exit, call (enter and exit), delta,
                 finding, mark (the step headers)

--func and --kind narrow the trace (they need --trace); repeat them or separate names by
commas. Example: ttm-lab run pool-refill --trace --steps 1 --func ttm_page_pool_fill_locked
--kind call

Exit status: 0 all expectations hold, 1 the file cannot be used, 2 an expectation does not hold
(the whole scenario always runs, so with --step the expectations of later steps count too).
";

/// Help text of `ttm-lab code --help`.
const CODE_HELP: &str = "\
ttm-lab code FILE [--step N]

Run the scenario FILE and print the kernel calls it made as a code view. Each call is a line
\"-> symbol(arguments)\" (driver callbacks under the driver's own symbol; placements, page flags
and caching by name) and its return \"<- symbol = result\". Between them, indented under the
call, every line of the function's pseudocode as it executes, \"> N  text\" (N counts from 1):
the line calling the next callee, or making the state change that just happened; a line is
printed again only when the function moves to another line. Findings are marked \"!!\". The
pseudocode is a short description in our own words, not the kernel's source; the last section
links every function seen to its definition at https://elixir.bootlin.com/linux/v3.3.

    --step N   only the calls of step N (steps are numbered from 0; default: every step,
               after the boot-time actions)
";

/// Help text of `ttm-lab debugfs --help`.
const DEBUGFS_HELP: &str = "\
ttm-lab debugfs FILE [--step N]

Run the scenario FILE (only steps 0..=N with --step) and print the text of the debugfs file
ttm_page_pool (ttm_page_alloc_debugfs) and, when the machine has swiotlb, ttm_dma_page_pool
(ttm_dma_page_alloc_debugfs), byte for byte as the kernel prints them.
";

/// Help text of `ttm-lab diff --help`.
const DIFF_HELP: &str = "\
ttm-lab diff FILE --a KEY=VALUE... --b KEY=VALUE...

Run the steps of FILE on two machines, A and B. Each starts from the file's machine and applies
its KEY=VALUE overrides:

    era=E0|E1|E2|E3             kernel era (E1: just before the seed commit; E3: 3.3/3.4 release)
    fidelity=faithful|fixed     reproduce the 3.3 defects, or behave like later kernels
    driver=radeon|nouveau|vmwgfx
    swiotlb=BOOL  agp=BOOL  root=BOOL  need_dma32=BOOL
    accel=BOOL                  radeon GFX ring / nouveau channel ready (false: memcpy moves)
    nv50=BOOL                   nouveau: NV50 or later
    ram_mib=N  vram_mib=N  visible_vram_mib=N  gtt_mib=N
    arch=x86_64|x86_32_highmem
    kernel=3.3|6.12             the kernel: Linux 3.3 (the eras above) or Linux 6.12

BOOL is true/false, yes/no, on/off or 1/0. Either side may have no overrides (\"--a\" followed
directly by \"--b\" means the file's machine). For each step print both results and every field
of the state summary that differs, as \"path: A → B\" (pools.wc.npages, tts.0.state,
zones.kernel.used_mem, ...); the first step whose result or state differs is marked
\"<== first divergence\". A machine that cannot be built, or on which a step cannot run at all,
is an error (exit status 1).

Then and now: when A and B run different kernels (\"--a --b kernel=6.12\" on a 3.3 file), the
3.3 steps are replayed on Linux 6.12 by the modern spec's translation rules (mspec 9.6) and each
step prints, for both kernels, what both have: the result, the kernel calls made, the pages taken
from system memory and how (3.3's refill batches, 6.12's blocks by order), the caching changes,
the pooled pages, the bytes counted against the memory limit, the swap-outs, the tts and the BOs.
Each difference is marked with the rule behind it (spec and mspec sections), and what of a step
has no 6.12 counterpart is printed as a note.
";

/// Help text of `ttm-lab check --help`.
const CHECK_HELP: &str = "\
ttm-lab check DIR

Parse and run every *.json file in DIR (in name order) and print PASS or FAIL for each, with the
expectations that do not hold. Exit status 1 if any file fails.
";

/// Help text of `ttm-lab list --help`.
const LIST_HELP: &str = "\
ttm-lab list

Print the name and title of every built-in walkthrough. A name can be given instead of a FILE to
run, debugfs and diff.
";

/// Help text of `ttm-lab quiz --help`.
const QUIZ_HELP: &str = "\
ttm-lab quiz FILE [--all] [--json]

Run the scenario FILE and print its exercises (\"predict, then reveal\"): for each step marked
with \"ask\" (docs/scenarios.md), the question asked before the step runs, the options, the
model's answer and the explanation. The answers come from running the model, so this is the
answer key a teacher hands out last.

    --all    the most telling question of every step, marked or not (to choose steps to mark)
    --json   print the questions as JSON (step, prompt, answer, explanation)
";

/// Help text of `ttm-lab problem --help`.
const PROBLEM_HELP: &str = "\
ttm-lab problem SEED [--difficulty N]

Print a random problem as a scenario file: SEED (0 to 18446744073709551615) and the difficulty
(1: pool arithmetic; 2: plus the pool limit and the shrinker; 3: buffer objects competing for
VRAM; default 1) choose it, and the same pair always gives the same problem, here and in the web
app (?problem=SEED&difficulty=N). Every step asks; `ttm-lab quiz` prints the answers.
";

/// Help text of `ttm-lab generate --help`.
const GENERATE_HELP: &str = "\
ttm-lab generate churn|cycle --steps N

Print a scenario file of N steps (one per line; a million steps are written without holding
the text in memory), for the scale benchmarks of docs/BENCHMARKS.md:

    churn   a one-page write-combined tt is created every 2 steps and populated by the next,
            so N steps leave N/2 tts (the machine has RAM enough for their pages)
    cycle   four one-page tts, then each populated and unpopulated in turn: the state stays
            small however long the scenario runs
";

/// What the user asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// Print this help text.
    Help(&'static str),
    /// Print the version.
    Version,
    /// `run FILE [--step N | --steps A-B] [--json | --ndjson] [--trace] [--func ..] [--kind ..]`.
    Run {
        /// Scenario file.
        file: PathBuf,
        /// The steps reported, first and last (`--step N` is `0..=N`).
        steps: Option<(usize, usize)>,
        /// How to print.
        format: Format,
        /// Print the trace.
        trace: bool,
        /// Which trace events.
        filter: crate::stream::Filter,
    },
    /// `code FILE [--step N]`.
    Code {
        /// Scenario file.
        file: PathBuf,
        /// Only this step.
        step: Option<usize>,
    },
    /// `debugfs FILE [--step N]`.
    Debugfs {
        /// Scenario file.
        file: PathBuf,
        /// Stop after this step.
        step: Option<usize>,
    },
    /// `diff FILE --a KEY=VALUE... --b KEY=VALUE...`.
    Diff {
        /// Scenario file.
        file: PathBuf,
        /// Overrides of machine A.
        a: Vec<(String, String)>,
        /// Overrides of machine B.
        b: Vec<(String, String)>,
    },
    /// `check DIR`.
    Check {
        /// Directory of scenario files.
        dir: PathBuf,
    },
    /// `list`: the built-in walkthroughs.
    List,
    /// `quiz FILE [--all] [--json]`.
    Quiz {
        /// Scenario file.
        file: PathBuf,
        /// Every step, not only the marked ones.
        all: bool,
        /// JSON output.
        json: bool,
    },
    /// `problem SEED [--difficulty N]`.
    Problem {
        /// The seed.
        seed: u64,
        /// 1, 2 or 3.
        difficulty: u8,
    },
    /// `generate KIND --steps N`.
    Generate {
        /// One of [`crate::generate::KINDS`].
        kind: String,
        /// Number of steps.
        steps: usize,
    },
}

/// How `run` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Text for people.
    Text,
    /// One JSON document.
    Json,
    /// One JSON object per line.
    Ndjson,
}

/// The help text of a command, if it is one.
fn help_for(cmd: &str) -> Option<&'static str> {
    Some(match cmd {
        "run" => RUN_HELP,
        "code" => CODE_HELP,
        "debugfs" => DEBUGFS_HELP,
        "diff" => DIFF_HELP,
        "check" => CHECK_HELP,
        "list" => LIST_HELP,
        "quiz" => QUIZ_HELP,
        "problem" => PROBLEM_HELP,
        "generate" => GENERATE_HELP,
        _ => return None,
    })
}

/// Parse the arguments after the program name.
pub fn parse(argv: &[String]) -> Result<Command, String> {
    let Some(cmd) = argv.first() else {
        return Ok(Command::Help(USAGE));
    };
    let rest = &argv[1..];
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        return help_for(cmd)
            .map(Command::Help)
            .ok_or_else(|| format!("unknown command {cmd:?}"));
    }
    match cmd.as_str() {
        "--help" | "-h" => Ok(Command::Help(USAGE)),
        "help" => match rest.first() {
            None => Ok(Command::Help(USAGE)),
            Some(c) => help_for(c)
                .map(Command::Help)
                .ok_or_else(|| format!("unknown command {c:?}")),
        },
        "--version" | "-V" => Ok(Command::Version),
        "run" => parse_run(rest),
        "code" => {
            let (file, step, _) = file_step_flags(cmd, rest, &[])?;
            Ok(Command::Code { file, step })
        }
        "debugfs" => {
            let (file, step, _) = file_step_flags(cmd, rest, &[])?;
            Ok(Command::Debugfs { file, step })
        }
        "diff" => parse_diff(rest),
        "quiz" => {
            let (file, step, flags) = file_step_flags(cmd, rest, &["--all", "--json"])?;
            if step.is_some() {
                return Err("quiz: unknown option \"--step\"".into());
            }
            Ok(Command::Quiz {
                file,
                all: flags.contains(&"--all"),
                json: flags.contains(&"--json"),
            })
        }
        "problem" => parse_problem(rest),
        "generate" => parse_generate(rest),
        "list" => match rest {
            [] => Ok(Command::List),
            _ => Err(format!("list takes no arguments, got {}", rest.join(" "))),
        },
        "check" => match rest {
            [dir] if !dir.starts_with('-') => Ok(Command::Check {
                dir: PathBuf::from(dir),
            }),
            [] => Err("check needs a directory: ttm-lab check DIR".into()),
            _ => Err(format!(
                "check takes exactly one directory, got {}",
                rest.join(" ")
            )),
        },
        other => Err(format!(
            "unknown command {other:?}; the commands are run, code, debugfs, diff, check, list, quiz, problem, generate"
        )),
    }
}

/// `run FILE ...`: the options in any order; `--func` and `--kind` may repeat.
fn parse_run(rest: &[String]) -> Result<Command, String> {
    let mut plain = Vec::new();
    let mut range = None;
    let mut filter = crate::stream::Filter::default();
    let mut it = rest.iter();
    let list = |v: &str, to: &mut Vec<String>| {
        to.extend(
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from),
        )
    };
    while let Some(a) = it.next() {
        let (opt, inline) = match a.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value = |what: &str| {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("run: {opt} needs {what}"))
        };
        match opt {
            "--steps" => range = Some(parse_range(&value("a step range such as 2-5")?)?),
            "--func" => list(&value("function names")?, &mut filter.funcs),
            "--kind" => list(&value("kinds of event")?, &mut filter.kinds),
            _ => plain.push(a.clone()),
        }
    }
    let (file, step, flags) = file_step_flags("run", &plain, &["--json", "--ndjson", "--trace"])?;
    let format = match (flags.contains(&"--json"), flags.contains(&"--ndjson")) {
        (true, true) => return Err("run: --json and --ndjson are two formats; choose one".into()),
        (true, false) => Format::Json,
        (false, true) => Format::Ndjson,
        (false, false) => Format::Text,
    };
    let trace = flags.contains(&"--trace");
    let steps = match (step, range) {
        (Some(_), Some(_)) => {
            return Err("run: --step N means --steps 0-N; give one of them".into())
        }
        (Some(n), None) => Some((0, n)),
        (None, r) => r,
    };
    if !trace && (!filter.funcs.is_empty() || !filter.kinds.is_empty()) {
        return Err("run: --func and --kind narrow the trace: add --trace".into());
    }
    filter.validate()?;
    Ok(Command::Run {
        file,
        steps,
        format,
        trace,
        filter,
    })
}

/// `A-B` (or `A..B`, both inclusive) or a single step `A`.
fn parse_range(v: &str) -> Result<(usize, usize), String> {
    let bad = || format!("--steps needs A-B (steps A to B, from 0) or one step, not {v:?}");
    let (a, b) = match v.split_once('-').or_else(|| v.split_once("..")) {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (v.trim(), v.trim()),
    };
    let a: usize = a.parse().map_err(|_| bad())?;
    let b: usize = b.parse().map_err(|_| bad())?;
    if a > b {
        return Err(format!("--steps {v}: the first step comes after the last"));
    }
    Ok((a, b))
}

/// FILE, an optional `--step N` and the given boolean flags, in any order.
fn file_step_flags<'f>(
    cmd: &str,
    rest: &[String],
    flags: &[&'f str],
) -> Result<(PathBuf, Option<usize>, Vec<&'f str>), String> {
    let mut file = None;
    let mut step = None;
    let mut seen = Vec::new();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        if a == "--step" {
            let v = it
                .next()
                .ok_or_else(|| "--step needs a step number".to_string())?;
            step = Some(parse_step(v)?);
        } else if let Some(v) = a.strip_prefix("--step=") {
            step = Some(parse_step(v)?);
        } else if let Some(f) = flags.iter().find(|f| **f == a) {
            seen.push(*f);
        } else if a.starts_with('-') && a.len() > 1 {
            return Err(format!("{cmd}: unknown option {a:?}"));
        } else if file.is_none() {
            file = Some(PathBuf::from(a));
        } else {
            return Err(format!("{cmd}: more than one FILE ({a:?})"));
        }
    }
    let file = file.ok_or_else(|| format!("{cmd} needs a scenario FILE"))?;
    Ok((file, step, seen))
}

/// The number after `--step`.
fn parse_step(v: &str) -> Result<usize, String> {
    v.parse()
        .map_err(|_| format!("--step needs a step number (0, 1, ...), not {v:?}"))
}

/// `problem SEED [--difficulty N]` (also `-d N`, `--difficulty=N`).
fn parse_problem(rest: &[String]) -> Result<Command, String> {
    let mut seed = None;
    let mut difficulty = 1u8;
    let mut it = rest.iter();
    let level = |v: &str| match v.trim() {
        "1" => Ok(1),
        "2" => Ok(2),
        "3" => Ok(3),
        _ => Err(format!("problem: the difficulty is 1, 2 or 3, not {v:?}")),
    };
    while let Some(a) = it.next() {
        if a == "--difficulty" || a == "-d" {
            difficulty = level(it.next().ok_or("problem: --difficulty needs 1, 2 or 3")?)?;
        } else if let Some(v) = a.strip_prefix("--difficulty=") {
            difficulty = level(v)?;
        } else if a.starts_with('-') && a.len() > 1 {
            return Err(format!("problem: unknown option {a:?}"));
        } else if seed.is_none() {
            seed = Some(a.trim().parse::<u64>().map_err(|_| {
                format!(
                    "problem: the seed is a whole number from 0 to {}, not {a:?}",
                    u64::MAX
                )
            })?);
        } else {
            return Err(format!("problem: more than one SEED ({a:?})"));
        }
    }
    let seed = seed.ok_or("problem needs a SEED (a whole number): ttm-lab problem 17")?;
    Ok(Command::Problem { seed, difficulty })
}

/// `generate KIND --steps N` (also `--steps=N`).
fn parse_generate(rest: &[String]) -> Result<Command, String> {
    let mut kind = None;
    let mut steps = None;
    let mut it = rest.iter();
    let count = |v: &str| {
        v.trim()
            .parse::<usize>()
            .map_err(|_| format!("generate: --steps needs a number of steps, not {v:?}"))
    };
    while let Some(a) = it.next() {
        if a == "--steps" {
            steps = Some(count(it.next().ok_or("generate: --steps needs a number")?)?);
        } else if let Some(v) = a.strip_prefix("--steps=") {
            steps = Some(count(v)?);
        } else if a.starts_with('-') && a.len() > 1 {
            return Err(format!("generate: unknown option {a:?}"));
        } else if kind.is_none() {
            if !crate::generate::KINDS.contains(&a.as_str()) {
                return Err(format!(
                    "generate: the kinds are {}, not {a:?}",
                    crate::generate::KINDS.join(" and ")
                ));
            }
            kind = Some(a.clone());
        } else {
            return Err(format!("generate: more than one KIND ({a:?})"));
        }
    }
    Ok(Command::Generate {
        kind: kind.ok_or("generate needs a KIND: churn or cycle")?,
        steps: steps.ok_or("generate needs --steps N")?,
    })
}

/// `diff FILE --a KEY=VALUE... --b KEY=VALUE...`: overrides belong to the last `--a` / `--b`.
fn parse_diff(rest: &[String]) -> Result<Command, String> {
    let mut file = None;
    let mut a = Vec::new();
    let mut b = Vec::new();
    let mut side: Option<char> = None;
    let mut seen = (false, false);
    for arg in rest {
        match arg.as_str() {
            "--a" => {
                side = Some('a');
                seen.0 = true;
            }
            "--b" => {
                side = Some('b');
                seen.1 = true;
            }
            s if s.starts_with('-') && s.len() > 1 => {
                return Err(format!("diff: unknown option {s:?} (use --a and --b)"))
            }
            s => match (side, s.split_once('=')) {
                (Some(c), Some((k, v))) => {
                    let kv = (k.trim().to_string(), v.trim().to_string());
                    if c == 'a' {
                        a.push(kv)
                    } else {
                        b.push(kv)
                    }
                }
                (Some(_), None) if file.is_some() => {
                    return Err(format!(
                        "diff: {s:?} is not KEY=VALUE (for example era=E1 or swiotlb=true)"
                    ))
                }
                _ if file.is_none() => file = Some(PathBuf::from(s)),
                _ => return Err(format!("diff: {s:?} is not KEY=VALUE after --a or --b")),
            },
        }
    }
    let file = file.ok_or("diff needs a scenario FILE")?;
    if !seen.0 || !seen.1 {
        return Err(
            "diff needs both --a and --b (each followed by KEY=VALUE overrides, possibly none)"
                .into(),
        );
    }
    Ok(Command::Diff { file, a, b })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Command, String> {
        let v: Vec<String> = s.split_whitespace().map(String::from).collect();
        parse(&v)
    }

    #[test]
    fn run_with_options_in_any_order() {
        assert_eq!(
            p("run --json f.json --step 2").unwrap(),
            Command::Run {
                file: "f.json".into(),
                steps: Some((0, 2)),
                format: Format::Json,
                trace: false,
                filter: Default::default(),
            }
        );
        assert_eq!(
            p("run f.json --ndjson --trace --steps=3-4 --func ttm_get_pages,pool_populate --kind call --kind delta").unwrap(),
            Command::Run {
                file: "f.json".into(),
                steps: Some((3, 4)),
                format: Format::Ndjson,
                trace: true,
                filter: crate::stream::Filter {
                    funcs: vec!["ttm_get_pages".into(), "pool_populate".into()],
                    kinds: vec!["call".into(), "delta".into()],
                },
            }
        );
        assert!(p("run f.json --steps 5-2").is_err());
        assert!(p("run f.json --step 1 --steps 0-1").is_err());
        assert!(p("run f.json --json --ndjson").is_err());
        assert!(
            p("run f.json --func ttm_get_pages").is_err(),
            "needs --trace"
        );
        assert!(p("run f.json --trace --func no_such_function").is_err());
        assert!(p("run f.json --trace --kind calls").is_err());
        assert!(p("run f.json --step x").is_err());
        assert!(p("run f.json --colour").is_err());
        assert!(p("run").is_err());
    }

    #[test]
    fn diff_groups_overrides_by_side() {
        assert_eq!(
            p("diff f.json --a era=E1 swiotlb=true --b era=E3").unwrap(),
            Command::Diff {
                file: "f.json".into(),
                a: vec![
                    ("era".into(), "E1".into()),
                    ("swiotlb".into(), "true".into())
                ],
                b: vec![("era".into(), "E3".into())],
            }
        );
        assert!(p("diff f.json --a era=E1").is_err());
        assert!(p("diff f.json --a era --b").is_err());
    }

    #[test]
    fn help_everywhere() {
        assert_eq!(p("").unwrap(), Command::Help(USAGE));
        assert_eq!(p("--help").unwrap(), Command::Help(USAGE));
        assert_eq!(p("run --help").unwrap(), Command::Help(RUN_HELP));
        assert_eq!(p("help diff").unwrap(), Command::Help(DIFF_HELP));
    }
}
