//! "Predict, then reveal" (issue 7): questions about the state after a step, asked before the step
//! runs, whose answers come from the model; and seeded random problems a teacher can hand out.

use crate::config::{DriverConfig, MachineConfig};
use crate::consts::Caching;
use crate::narrate::narrate;
use crate::ops::Action;
use crate::scenario::{Run, Scenario, Step, StepRecord, FORMAT, VERSION};
use crate::sim::Sim;
use crate::state::State;
use crate::summary::Summary;
use serde::Serialize;

/// What kind of answer a question takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Answer {
    /// A number (pages, bytes).
    Number(u64),
    /// One of the options.
    Choice {
        /// The options shown.
        options: Vec<String>,
        /// Index of the right one.
        correct: usize,
    },
    /// Yes or no.
    YesNo(bool),
}

/// A question asked before step `step` runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Question {
    /// The step the question is about (asked just before it).
    pub step: usize,
    /// The question.
    pub prompt: String,
    /// The model's answer.
    pub answer: Answer,
}

/// Why the model answers as it does: the step's narration, told from `before` (the state at the
/// step's first event), after the walkthrough's own text for the step if it has one. Made when
/// the answer is shown, not with the run (a page opening a walkthrough narrates nothing it does
/// not show, issue 16).
pub fn explanation(sim: &Sim, before: &State, rec: &StepRecord) -> String {
    let n = narrate(sim, before, rec.first_event, rec.end_event);
    match &rec.say {
        Some(s) => format!("{s} ({n})"),
        None => n,
    }
}

/// [`explanation`] of question `q` of `run`, replaying the run's trace up to its step (for the
/// command line; the web app has a recording to seek).
pub fn explain(run: &Run, q: &Question) -> String {
    let Some(rec) = run.steps.get(q.step) else {
        return String::new();
    };
    let mut before = run.sim.boot_state().clone();
    for e in run.sim.trace().events().take(rec.first_event as usize) {
        if let crate::trace::Event::Delta(d) = e {
            before.apply(&d);
        }
    }
    explanation(&run.sim, &before, rec)
}

impl Question {
    /// Is `given` right? Numbers may contain separators ("81,920"); choices and yes/no are
    /// matched case-insensitively (a choice may also be given by its 1-based number).
    pub fn check(&self, given: &str) -> bool {
        let g = given.trim().to_lowercase();
        match &self.answer {
            Answer::Number(n) => {
                let digits: String = g.chars().filter(|c| c.is_ascii_digit()).collect();
                !digits.is_empty() && digits.parse::<u64>().ok() == Some(*n)
            }
            Answer::Choice { options, correct } => {
                g == options[*correct].to_lowercase()
                    || g.parse::<usize>().ok() == Some(correct + 1)
            }
            Answer::YesNo(b) => {
                matches!((g.as_str(), b), ("yes" | "y", true) | ("no" | "n", false))
            }
        }
    }

    /// The answer as text.
    pub fn answer_text(&self) -> String {
        match &self.answer {
            Answer::Number(n) => n.to_string(),
            Answer::Choice { options, correct } => options[*correct].clone(),
            Answer::YesNo(b) => if *b { "yes" } else { "no" }.to_string(),
        }
    }
}

/// What a marked step asks about (the scenario's `"ask"`, docs/scenarios.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ask {
    /// The most telling question the step allows (the first kind below that applies).
    Auto,
    /// What the step returns (only when it fails: "ok" is no puzzle).
    Result,
    /// Which buffer object is evicted (or how many).
    Evicted,
    /// Whether a buffer object's data survives a move.
    Data,
    /// Whether a swapped-out tt gets its own contents back.
    Swap,
    /// How many pages a pool holds afterwards.
    Pool,
    /// Which memory type a buffer object ends up in.
    Placement,
    /// Which state a tt ends up in.
    TtState,
    /// How many pages a tt holds afterwards.
    Pages,
    /// A zone's used_mem afterwards.
    Zone,
}

impl Ask {
    /// Every kind, in the order `Auto` tries them.
    pub const KINDS: [Ask; 9] = [
        Ask::Result,
        Ask::Evicted,
        Ask::Data,
        Ask::Swap,
        Ask::Pool,
        Ask::Placement,
        Ask::TtState,
        Ask::Pages,
        Ask::Zone,
    ];

    /// The name used in scenario files (the format's table, `read::ASKS`, which the reader
    /// and the writer use too).
    pub fn name(self) -> &'static str {
        crate::read::ASKS
            .iter()
            .find(|(_, a)| *a == self)
            .map_or("auto", |(n, _)| n)
    }
}

/// A choice question whose options are `options` plus `answer` if missing.
fn choice(mut options: Vec<String>, answer: &str) -> Answer {
    if !options.iter().any(|o| o == answer) {
        options.push(answer.to_string());
    }
    let correct = options.iter().position(|o| o == answer).unwrap_or(0);
    Answer::Choice { options, correct }
}

/// The question of kind `kind` (not `Auto`) the step `rec` allows, given the summary before it;
/// None when the step gives that kind nothing to ask.
fn question_of(
    kind: Ask,
    rec: &StepRecord,
    before: &Summary,
    after: &Summary,
    has_priv0: bool,
) -> Option<(String, Answer)> {
    let label = &rec.label;
    match kind {
        Ask::Auto => None,
        Ask::Result => (rec.result != "ok").then(|| {
            let options = ["ok", "-ENOMEM", "-EBUSY", "-EINVAL"].map(String::from).to_vec();
            (
                format!("What does \"{label}\" return?"),
                choice(options, rec.result),
            )
        }),
        Ask::Evicted => {
            let evicted: Vec<u32> = after
                .bos
                .iter()
                .filter(|b| b.evicted && before.bos.get(b.id as usize).is_none_or(|o| !o.evicted))
                .map(|b| b.id)
                .collect();
            match evicted.as_slice() {
                [] => None,
                [victim] => {
                    let options: Vec<String> = before
                        .bos
                        .iter()
                        .filter(|b| b.alive && !b.ghost)
                        .map(|b| format!("BO {}", b.id))
                        .collect();
                    let answer = format!("BO {victim}");
                    options.contains(&answer).then(|| {
                        (
                            format!("\"{label}\" needs room: which buffer object is evicted?"),
                            choice(options, &answer),
                        )
                    })
                }
                many => Some((
                    format!("\"{label}\" needs room: how many buffer objects are evicted?"),
                    Answer::Number(many.len() as u64),
                )),
            }
        }
        Ask::Data => after.bos.iter().find_map(|now| {
            let was = before.bos.get(now.id as usize)?;
            (was.data.starts_with("seed") && (was.mem_type != now.mem_type || was.tt != now.tt))
                .then(|| {
                    (
                        format!(
                            "BO {} holds data #{}. After \"{label}\", does it still?",
                            was.id,
                            was.data.trim_start_matches("seed ")
                        ),
                        Answer::YesNo(now.data == was.data),
                    )
                })
        }),
        Ask::Swap => after
            .tts
            .iter()
            .find(|t| !t.swapped && before.tts.get(t.id as usize).is_some_and(|o| o.swapped))
            .map(|t| {
                // The contents survive unless the swap storage was overwritten by a second
                // swap-out (defect D8, spec 9; swap-out and swap-in are spec 2.8, 2.9).
                let lost = after.findings.iter().any(|f| f == "D8SwapStorageOverwritten");
                (
                    format!(
                        "tt {} was swapped out. After \"{label}\", are its contents the ones written before the swap-out?",
                        t.id
                    ),
                    Answer::YesNo(!lost),
                )
            }),
        // Linux 6.12 (mspec 4.1, 4.5): the pool's pages over all its pool types,
        // `allocated_pages`, when the step changed it.
        Ask::Pool => match (&before.modern, &after.modern) {
            (Some(b), Some(a)) => (a.pool_allocated != b.pool_allocated).then(|| {
                (
                    format!(
                        "After \"{label}\", how many pages will the pool hold, over all its pool types?"
                    ),
                    Answer::Number(a.pool_allocated),
                )
            }),
            _ => after
            .pools
            .iter()
            .zip(&before.pools)
            .find(|(a, b)| a.npages != b.npages)
            .map(|(p, _)| {
                (
                    format!("After \"{label}\", how many pages will the {} pool hold?", p.name),
                    Answer::Number(p.npages),
                )
            }),
        },
        // Linux 6.12: a BO's resource's memory type (mspec 5.1, 6.6).
        Ask::Placement if after.modern.is_some() => {
            let (b, a) = (before.modern.as_ref()?, after.modern.as_ref()?);
            a.bos.iter().find_map(|now| {
                let was = b.bos.get(now.id as usize)?;
                let (Some(from), Some(to)) = (was.mem_type, now.mem_type) else {
                    return None;
                };
                (now.alive && from != to).then(|| {
                    let options = [0, 1, 2].map(crate::present::mem_type_symbol).to_vec();
                    (
                        format!(
                            "BO {} is in {}. Where will it be after \"{label}\"?",
                            now.id,
                            crate::present::mem_type_symbol(from)
                        ),
                        choice(options, &crate::present::mem_type_symbol(to)),
                    )
                })
            })
        }
        Ask::Placement => after.bos.iter().find_map(|now| {
            let was = before.bos.get(now.id as usize)?;
            (now.alive && !now.ghost && was.mem_type != now.mem_type).then(|| {
                let mut options: Vec<String> = [0, 1, 2].map(crate::present::mem_type_symbol).to_vec();
                if has_priv0 {
                    options.push(crate::present::mem_type_symbol(3));
                }
                (
                    format!(
                        "BO {} is in {}. Where will it be after \"{label}\"?",
                        now.id,
                        crate::present::mem_type_symbol(was.mem_type)
                    ),
                    choice(options, &crate::present::mem_type_symbol(now.mem_type)),
                )
            })
        }),
        Ask::TtState => after.tts.iter().find_map(|now| {
            // A new tt counts only when it is more than unpopulated (a BO created in GTT comes
            // with a bound tt); "a new tt has no pages" is no puzzle.
            let changed = match before.tts.get(now.id as usize) {
                Some(w) => w.state != now.state,
                None => now.state != "tt_unpopulated",
            };
            changed.then(|| {
                let options = ["tt_unpopulated", "tt_unbound", "tt_bound", "destroyed"]
                    .map(String::from)
                    .to_vec();
                (
                    format!("After \"{label}\", which state will tt {} be in?", now.id),
                    choice(options, &now.state),
                )
            })
        }),
        Ask::Pages => after.tts.iter().find_map(|now| {
            let was = before.tts.get(now.id as usize)?;
            (was.pages != now.pages).then(|| {
                (
                    format!(
                        "tt {} holds {} of its {} pages. How many will it hold after \"{label}\"?",
                        now.id, was.pages, now.num_pages
                    ),
                    Answer::Number(u64::from(now.pages)),
                )
            })
        }),
        Ask::Zone => after
            .zones
            .iter()
            .zip(&before.zones)
            .find(|(a, b)| a.used_mem != b.used_mem)
            .map(|(z, _)| {
                (
                    format!(
                        "After \"{label}\", what will the {} zone's used_mem be, in bytes?",
                        z.name
                    ),
                    Answer::Number(z.used_mem),
                )
            }),
    }
}

/// A marked step that has no question of the kind it asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unanswerable {
    /// Step index.
    pub step: usize,
    /// The kind asked for.
    pub kind: Ask,
}

impl std::fmt::Display for Unanswerable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let why = match self.kind {
            Ask::Auto => "it changes nothing a question could ask about",
            Ask::Result => "it succeeds (only a failing step asks for its result)",
            Ask::Evicted => "no buffer object is evicted",
            Ask::Data => "no buffer object holding data moves",
            Ask::Swap => "no swapped-out tt comes back",
            Ask::Pool => "no pool changes size",
            Ask::Placement => "no buffer object changes memory type",
            Ask::TtState => "no tt changes state",
            Ask::Pages => "no tt gains or loses pages",
            Ask::Zone => "no zone's used_mem changes",
        };
        write!(
            f,
            "nothing to ask of kind \"{}\" here: {why}",
            self.kind.name()
        )
    }
}

/// The questions of a run: one per step that `pick` chooses a kind for.
fn collect(run: &Run, pick: impl Fn(usize) -> Option<Ask>) -> (Vec<Question>, Vec<Unanswerable>) {
    let has_priv0 = run.sim.config().driver.kind == crate::config::DriverKind::Vmwgfx;
    let mut out = Vec::new();
    let mut missing = Vec::new();
    // The summaries are walked step by step; the one before a step is copied only for the
    // steps that ask.
    let mut walk = run.summaries();
    for rec in &run.steps {
        let kind = pick(rec.index);
        let before = kind.map(|_| walk.current().clone());
        let Some((_, after)) = walk.advance() else {
            break;
        };
        if let (Some(kind), Some(before)) = (kind, before) {
            let kinds: &[Ask] = if kind == Ask::Auto {
                &Ask::KINDS
            } else {
                std::slice::from_ref(&kind)
            };
            match kinds
                .iter()
                .find_map(|&k| question_of(k, rec, &before, after, has_priv0))
            {
                Some((prompt, answer)) => out.push(Question {
                    step: rec.index,
                    prompt,
                    answer,
                }),
                None => missing.push(Unanswerable {
                    step: rec.index,
                    kind,
                }),
            }
        }
    }
    (out, missing)
}

/// The exercises of a run: a question at each step the scenario marks with `"ask"`, answered by
/// the model. The second list names marked steps that give nothing of the asked kind (another
/// machine may run the same scenario differently).
pub fn questions(run: &Run) -> (Vec<Question>, Vec<Unanswerable>) {
    if run.scenario.steps.iter().all(|s| s.ask.is_none()) {
        return (Vec::new(), Vec::new());
    }
    collect(run, |i| run.scenario.steps.get(i).and_then(|s| s.ask))
}

/// The most telling question of every step that allows one (for authors choosing which steps to
/// mark, and `ttm-lab questions --all`).
pub fn all_questions(run: &Run) -> Vec<Question> {
    collect(run, |_| Some(Ask::Auto)).0
}

/// A tiny deterministic generator (xorshift64*), so a seed gives the same problem everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A fresh problem from a seed and a difficulty (1: pool arithmetic; 2: plus trimming and the
/// shrinker; 3: buffer objects competing for VRAM). Returns the scenario and its questions.
pub fn random_problem(seed: u64, difficulty: u8) -> (Scenario, Vec<Question>) {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let caching = |r: &mut Rng| [Caching::Wc, Caching::Uncached, Caching::Wc][r.below(3) as usize];
    let mut steps = Vec::new();
    let mut machine = MachineConfig::default();
    let step = |a: Action| Step {
        action: a,
        say: None,
        expect: Default::default(),
        ask: None,
    };
    if difficulty >= 3 {
        machine.driver = DriverConfig {
            vram_mib: 1,
            visible_vram_mib: 1,
            ..DriverConfig::default()
        };
        let n = 3 + rng.below(2);
        for _ in 0..n {
            let pages = 40 + rng.below(100) as u32;
            steps.push(step(Action::BoCreate {
                pages,
                placement: "vram".into(),
                kernel: false,
                via_ttm_bo_create: false,
                device: 0,
            }));
        }
        steps.push(step(Action::BoSwapout));
    } else {
        let a = 1 + rng.below(700) as u32;
        let b = 1 + rng.below(300) as u32;
        let c = caching(&mut rng);
        for (tt, pages) in [(0, a), (1, b)] {
            steps.push(step(Action::TtCreate {
                pages,
                caching: c,
                flags: 0,
                dma: false,
            }));
            steps.push(step(Action::TtPopulate { tt }));
        }
        if difficulty >= 2 {
            let max_kib = 4 * (200 + rng.below(600));
            steps.push(step(Action::SysfsWrite {
                attr: crate::config::SysfsAttr::PoolMaxSize,
                zone: 0,
                value: max_kib.to_string(),
            }));
        }
        steps.push(step(Action::TtUnpopulate { tt: 0 }));
        if difficulty >= 2 {
            steps.push(step(Action::PoolShrink {
                nr_to_scan: 50 + rng.below(600),
            }));
        }
        steps.push(step(Action::TtUnpopulate { tt: 1 }));
    }
    let mut sc = Scenario {
        format: FORMAT.to_string(),
        version: VERSION,
        name: format!("random-{seed}-{difficulty}"),
        title: format!("Random problem {seed} (difficulty {difficulty})"),
        goal: "Predict each step before it runs; the model reveals the answer.".to_string(),
        machine,
        steps,
    };
    // Every step that allows a question asks it.
    let qs = sc.run().map(|r| all_questions(&r)).unwrap_or_default();
    for q in &qs {
        sc.steps[q.step].ask = Some(Ask::Auto);
    }
    (sc, qs)
}
