//! "Predict, then reveal" (issue 7): questions about the state after a step, asked before the step
//! runs, whose answers come from the model; and seeded random problems a teacher can hand out.

use crate::config::{DriverConfig, MachineConfig};
use crate::consts::Caching;
use crate::narrate::narrate;
use crate::ops::Action;
use crate::scenario::{Run, Scenario, Step, FORMAT, VERSION};
use crate::summary::{summarize, Summary};
use serde::{Deserialize, Serialize};

/// What kind of answer a question takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// The step the question is about (asked just before it).
    pub step: usize,
    /// The question.
    pub prompt: String,
    /// The model's answer.
    pub answer: Answer,
    /// Why, from the step's narration and the walkthrough's own text.
    pub explanation: String,
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

/// At most one question per step, the most telling first: does it fail, which BO is evicted, does
/// swapped data come back, how many pages a pool holds, what a zone's used_mem becomes.
pub fn questions(run: &Run) -> Vec<Question> {
    let boot = summarize(&run.sim, run.sim.boot_state(), 0);
    let mut out = Vec::new();
    let mut before: &Summary = &boot;
    let mut state_before = run.sim.boot_state().clone();
    for rec in &run.steps {
        let after = &rec.after;
        let why = {
            let n = narrate(&run.sim, &state_before, rec.first_event, rec.end_event);
            match &rec.say {
                Some(s) => format!("{s} ({n})"),
                None => n,
            }
        };
        let q = |prompt: String, answer: Answer| Question {
            step: rec.index,
            prompt,
            answer,
            explanation: why.clone(),
        };
        let label = &rec.label;
        let evicted: Vec<u32> = after
            .bos
            .iter()
            .filter(|b| b.evicted && before.bos.get(b.id as usize).is_none_or(|o| !o.evicted))
            .map(|b| b.id)
            .collect();
        let swapped_in = after
            .tts
            .iter()
            .find(|t| !t.swapped && before.tts.get(t.id as usize).is_some_and(|o| o.swapped));
        let pool = after
            .pools
            .iter()
            .zip(&before.pools)
            .find(|(a, b)| a.npages != b.npages);
        let zone = after
            .zones
            .iter()
            .zip(&before.zones)
            .find(|(a, b)| a.used_mem != b.used_mem);
        let question = if rec.result != "ok" {
            let mut options: Vec<String> = ["ok", "-ENOMEM", "-EBUSY", "-EINVAL"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            if !options.contains(&rec.result) {
                options.push(rec.result.clone());
            }
            let correct = options.iter().position(|o| *o == rec.result).unwrap_or(0);
            Some(q(
                format!("What does \"{label}\" return?"),
                Answer::Choice { options, correct },
            ))
        } else if evicted.len() > 1 {
            Some(q(
                format!("\"{label}\" needs room: how many buffer objects are evicted?"),
                Answer::Number(evicted.len() as u64),
            ))
        } else if let [victim] = evicted.as_slice() {
            let options: Vec<String> = before
                .bos
                .iter()
                .filter(|b| b.alive && !b.ghost)
                .map(|b| format!("BO {}", b.id))
                .collect();
            let correct = options.iter().position(|o| *o == format!("BO {victim}"));
            correct.map(|correct| {
                q(
                    format!("\"{label}\" needs room: which buffer object is evicted?"),
                    Answer::Choice { options, correct },
                )
            })
        } else if let Some((was, now)) = after.bos.iter().find_map(|b| {
            let o = before.bos.get(b.id as usize)?;
            (o.data.starts_with("seed") && (o.mem_type != b.mem_type || o.tt != b.tt))
                .then_some((o, b))
        }) {
            Some(q(
                format!(
                    "BO {} holds data #{}. After \"{label}\", does it still?",
                    was.id,
                    was.data.trim_start_matches("seed ")
                ),
                Answer::YesNo(now.data == was.data),
            ))
        } else if let Some(t) = swapped_in {
            let lost = after
                .findings
                .iter()
                .any(|f| f == "D8SwapStorageOverwritten");
            Some(q(
                format!(
                    "tt {} was swapped out. After \"{label}\", are its contents the ones written before the swap-out?",
                    t.id
                ),
                Answer::YesNo(!lost),
            ))
        } else if let Some((p, _)) = pool {
            Some(q(
                format!(
                    "After \"{label}\", how many pages will the {} pool hold?",
                    p.name
                ),
                Answer::Number(p.npages),
            ))
        } else {
            zone.map(|(z, _)| {
                q(
                    format!(
                        "After \"{label}\", what will the {} zone's used_mem be, in bytes?",
                        z.name
                    ),
                    Answer::Number(z.used_mem),
                )
            })
        };
        out.extend(question);
        // Advance the "before" views.
        for e in run
            .sim
            .trace()
            .events_from(rec.first_event)
            .take((rec.end_event - rec.first_event) as usize)
        {
            if let crate::trace::Event::Delta(d) = e {
                state_before.apply(&d);
            }
        }
        before = after;
    }
    out
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
            }));
        }
        steps.push(step(Action::BoSwapout));
    } else {
        let a = 1 + rng.below(700) as u32;
        let b = 1 + rng.below(300) as u32;
        let c = caching(&mut rng);
        steps.push(step(Action::TtCreate {
            pages: a,
            caching: c,
            flags: 0,
            dma: false,
        }));
        steps.push(step(Action::TtPopulate { tt: 0 }));
        steps.push(step(Action::TtCreate {
            pages: b,
            caching: c,
            flags: 0,
            dma: false,
        }));
        steps.push(step(Action::TtPopulate { tt: 1 }));
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
    let sc = Scenario {
        format: FORMAT.to_string(),
        version: VERSION,
        name: format!("random-{seed}-{difficulty}"),
        title: format!("Random problem {seed} (difficulty {difficulty})"),
        goal: "Predict each step before it runs; the model reveals the answer.".to_string(),
        machine,
        steps,
    };
    let qs = sc.run().map(|r| questions(&r)).unwrap_or_default();
    (sc, qs)
}
