//! The walkthrough page: pick a built-in walkthrough, step through its trace at three zoom levels,
//! and see the machine's state at the current position. Every number comes from `ttm_core`
//! (`Scenario::run`, `Stepper`, `narrate`); this module only keeps the view state (position, zoom,
//! play/pause, theme) and turns user input into stepper calls.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use gloo_timers::callback::Interval;
use ttm_core::exercise::Question;
use ttm_core::narrate::narrate;
use ttm_core::scenario::StepRecord;
use ttm_core::series::Sample;
use ttm_core::{catalog, Func, Landmark, MachineConfig, Run, Scenario, Stepper, Zoom};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, KeyboardEvent};
use yew::prelude::*;

use crate::panels;
use crate::url;

/// Play speeds: (milliseconds per step, label).
pub const SPEEDS: [(u32, &str); 7] = [
    (2000, "0.5 steps/s"),
    (1000, "1 step/s"),
    (500, "2 steps/s"),
    (250, "4 steps/s"),
    (100, "10 steps/s"),
    (40, "25 steps/s"),
    (16, "60 steps/s"),
];
const DEFAULT_SPEED: usize = 2;
const REDUCED_MOTION_SPEED: usize = 1;
/// Spans longer than this are summarised by their size only (narrating them would stall the page).
const NARRATE_MAX: u64 = 200_000;

/// A loaded walkthrough: the run and a cursor over its trace.
pub struct Walk {
    /// Catalog name (URL) or the file's `name`.
    pub name: String,
    /// A built-in walkthrough (its name goes into the URL).
    pub builtin: bool,
    /// The scenario as loaded (with its own machine).
    pub scenario: Scenario,
    /// The scenario's JSON (for the URL of a scenario that is not built in).
    pub json: String,
    /// The machine this run used (the scenario's, or the one chosen in the form).
    pub machine: MachineConfig,
    /// Title.
    pub title: String,
    /// Goal paragraph.
    pub goal: String,
    /// What each step did.
    pub steps: Vec<StepRecord>,
    /// Expectations of the scenario that did not hold.
    pub mismatches: Vec<ttm_core::scenario::Mismatch>,
    /// The cursor (shared; the reducer moves it, renders read it).
    pub stepper: RefCell<Stepper>,
    /// Functions called in the trace (breakpoint choices), with their displayed symbols.
    pub funcs: Vec<(Func, &'static str)>,
    /// Pool and zone figures over the whole trace (for the chart), computed once.
    pub series: Rc<Vec<Sample>>,
    /// Names of the accounting zones.
    pub zone_names: Rc<Vec<String>>,
    /// The exercises: a question before each step the scenario marks with `ask`, answered by
    /// the model (`ttm_core::exercise::questions`).
    pub questions: Vec<Question>,
    /// The seed and difficulty of a random problem (its URL is `?problem=&difficulty=`).
    pub problem: Option<(u64, u8)>,
}

/// Samples of the chart.
const CHART_POINTS: usize = 800;

impl Walk {
    /// Run a built-in walkthrough.
    pub fn load(name: &str) -> Result<Walk, String> {
        let scenario = catalog::load(name)
            .ok_or_else(|| {
                format!(
                    "There is no built-in walkthrough called {:?}.",
                    url::clip(name)
                )
            })?
            .map_err(|e| format!("The walkthrough {name:?} cannot be read: {e}"))?;
        Walk::run(scenario, true, None)
            .map_err(|e| format!("The walkthrough {name:?} cannot run: {e}"))
    }

    /// Run a scenario, on its own machine or on `machine`.
    pub fn run(
        scenario: Scenario,
        builtin: bool,
        machine: Option<MachineConfig>,
    ) -> Result<Walk, String> {
        let run = match machine {
            Some(m) => {
                m.validate().map_err(|e| format!("machine.{e}"))?;
                scenario.run_with(m)
            }
            None => scenario.run(),
        }
        .map_err(|e| e.to_string())?;
        Ok(Walk::from_run(run, scenario, builtin))
    }

    /// Wrap a finished run.
    pub fn from_run(run: Run, scenario: Scenario, builtin: bool) -> Walk {
        let questions = ttm_core::exercise::questions(&run).0;
        let sim = Rc::new(run.sim);
        let funcs = crate::view::funcs_seen(&sim);
        let series = Rc::new(ttm_core::series::series(&sim, CHART_POINTS));
        let zone_names = Rc::new(sim.state().zones.iter().map(|z| z.name.clone()).collect());
        Walk {
            name: if scenario.name.is_empty() {
                "scenario".to_string()
            } else {
                scenario.name.clone()
            },
            builtin,
            machine: sim.config().clone(),
            json: if builtin {
                String::new()
            } else {
                scenario.to_json()
            },
            scenario,
            title: run.scenario.title.clone(),
            goal: run.scenario.goal.clone(),
            steps: run.steps,
            mismatches: run.mismatches,
            stepper: RefCell::new(Stepper::new(sim)),
            funcs,
            series,
            zone_names,
            questions,
            problem: None,
        }
    }

    /// A seeded random problem (`ttm_core::exercise::random_problem`).
    pub fn problem(seed: u64, difficulty: u8) -> Result<Walk, String> {
        let (scenario, _) = ttm_core::exercise::random_problem(seed, difficulty);
        let mut w = Walk::run(scenario, false, None)
            .map_err(|e| format!("Problem {seed} cannot run: {e}"))?;
        w.problem = Some((seed, difficulty));
        Ok(w)
    }

    /// The exercise asked at `pos` (just before its step runs), with its index.
    pub fn question_at(&self, pos: u64) -> Option<(usize, &Question)> {
        self.questions
            .iter()
            .enumerate()
            .find(|(_, q)| self.steps.get(q.step).is_some_and(|s| s.first_event == pos))
    }

    /// The step whose events hold position `pos` (the step just done at a boundary).
    pub fn step_at(&self, pos: u64) -> Option<usize> {
        self.steps
            .iter()
            .position(|s| s.first_event < pos && pos <= s.end_event)
    }

    /// True at an action boundary (start, end, or between two steps).
    pub fn at_boundary(&self, pos: u64, len: u64) -> bool {
        pos == 0
            || pos == len
            || self
                .steps
                .iter()
                .any(|s| s.first_event == pos || s.end_event == pos)
    }
}

/// Colour theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Follow prefers-color-scheme.
    Auto,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl Theme {
    fn next(self) -> Theme {
        match self {
            Theme::Auto => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Auto,
        }
    }

    /// The theme of a stored name (anything else: auto).
    fn from_name(v: &str) -> Theme {
        match v {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::Auto,
        }
    }

    /// Name (the `data-theme` attribute).
    pub fn name(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// The page's state. Cheap to clone: the walkthrough is shared.
#[derive(Clone)]
pub struct Lab {
    /// The loaded walkthrough.
    pub walk: Option<Rc<Walk>>,
    /// Bumped on every move (the stepper is shared, so this is what changes).
    pub version: u64,
    /// Step size of ←/→ and play.
    pub zoom: Zoom,
    /// Playing.
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// URL problems (shown until dismissed).
    pub notices: Vec<String>,
    /// Result of the last jump that found nothing.
    pub status: Option<String>,
    /// Breakpoint function.
    pub breakpoint: Option<Func>,
    /// Show the debugfs text.
    pub debugfs: bool,
    /// Theme.
    pub theme: Theme,
    /// prefers-reduced-motion: reduce.
    pub reduced_motion: bool,
    /// Narration: the `say` of the step just done, at an action boundary.
    pub say: Option<String>,
    /// Narration: what the last step (at the current zoom) did, and its span.
    pub did: String,
    /// The span `did` describes.
    pub span: (u64, u64),
    /// What `did` covers ("Step 2 (populate tt 0): ", "Last call (events 3–5): ").
    pub did_label: String,
    /// The event at the current position, in words.
    pub event: String,
    /// Counters at the start of the narrated span, to mark what changed.
    pub before: Option<Before>,
    /// Why the last file, drop or editor run was not loaded (the view is kept).
    pub load_error: Option<String>,
    /// The scenario editor's text (kept in localStorage).
    pub editor: String,
    /// What the user last typed in the editor (kept in localStorage under its own key, so that
    /// opening a walkthrough or a file, which fills the editor, never loses it).
    pub draft: Option<String>,
    /// Why the last machine change was not applied (the view is kept).
    pub machine_error: Option<String>,
    /// Compare mode: the current scenario under two machines.
    pub compare: Option<Rc<Compare>>,
    /// The step the comparison shows.
    pub compare_step: usize,
    /// Benchmark mode (`?bench=1`).
    pub bench: bool,
    /// The benchmark's figures (JSON), once measured.
    pub bench_result: Option<String>,
    /// Pages travelling since the last small move (the overlay animates them).
    pub travel: Option<Rc<crate::travel::Travel>>,
    /// Embed mode (`?embed=1`): the step range and looping.
    pub embed: Option<Embed>,
    /// The full app's "Embed" snippet is shown.
    pub show_snippet: bool,
    /// The export panel is shown.
    pub show_export: bool,
    /// Exercises are asked (the full app: on unless `exercises=0`; embeds: only with `exercises=1`).
    pub exercises: bool,
    /// The reader's answers, by question index (reset when another walkthrough opens).
    pub answers: Rc<std::collections::BTreeMap<usize, Answered>>,
    /// The URL armed the test-only panic trigger (`debug_panic=` with its token; `crate::panic`).
    pub debug_panic: bool,
}

/// An answer the reader gave to an exercise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answered {
    /// What they answered.
    pub given: String,
    /// Whether the model agrees.
    pub correct: bool,
}

/// Embed mode: the stage limited to the positions `[from, to]` of the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Embed {
    /// First position of the range.
    pub from: u64,
    /// Last position of the range.
    pub to: u64,
    /// Play from `from` again after `to`.
    pub looping: bool,
}

/// One side of a comparison.
pub struct Side {
    /// The machine in words.
    pub label: String,
    /// A cursor over this side's run.
    pub stepper: RefCell<Stepper>,
}

/// The current scenario run under machines A and B, aligned by step.
pub struct Compare {
    /// Run A (the current machine).
    pub a: Side,
    /// Run B (the machine chosen in the form).
    pub b: Side,
    /// The aligned steps with what differs after each.
    pub rows: Vec<ttm_core::compare::Row>,
    /// The first step that differs.
    pub first_divergence: Option<usize>,
}

/// Pool and zone counters at the start of the narrated span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Before {
    /// (npages, nrefills, nfrees) of each normal pool.
    pub pools: Vec<(u64, u64, u64)>,
    /// used_mem of each zone.
    pub zones: Vec<u64>,
}

/// What the user did.
pub enum Msg {
    /// Open a walkthrough at position 0.
    Load(String),
    /// Step forward (true) or back at a zoom (None: the current zoom).
    Step(bool, Option<Zoom>),
    /// Jump to position 0.
    Start,
    /// Jump to the end.
    End,
    /// Jump to a position.
    Seek(u64),
    /// Play or pause.
    TogglePlay,
    /// One play tick.
    Tick,
    /// Faster (true) or slower.
    Speed(bool),
    /// Set the zoom.
    SetZoom(Zoom),
    /// Jump to the next (true) or previous landmark.
    Landmark(Landmark, bool),
    /// Choose the breakpoint.
    SetBreakpoint(Option<Func>),
    /// Run to the next (true) or previous call of the breakpoint.
    RunToBreakpoint(bool),
    /// Show or hide the debugfs text.
    ToggleDebugfs,
    /// Cycle the theme.
    CycleTheme,
    /// Dismiss the URL notices.
    DismissNotices,
    /// Load a scenario text (from a file, a drop or the editor); the first field names the source.
    LoadText(String, String),
    /// The editor's text changed (the user typed).
    EditorInput(String),
    /// Put the user's kept draft back into the editor.
    RestoreDraft,
    /// Forget the user's kept draft.
    DiscardDraft,
    /// Run the editor's text.
    RunEditor,
    /// Re-run the current scenario on another machine (or say why the form's values cannot be used).
    SetMachine(Result<MachineConfig, String>),
    /// Compare the current machine (A) with another (B).
    Compare(Result<MachineConfig, String>),
    /// Show step i of the comparison.
    CompareStep(usize),
    /// Leave compare mode.
    CloseCompare,
    /// The benchmark finished (its figures as JSON).
    BenchDone(String),
    /// Play (no-op when playing).
    Play,
    /// Pause (no-op when paused).
    Pause,
    /// Show or hide the embed snippet.
    ToggleSnippet,
    /// Show or hide the export panel.
    ToggleExport,
    /// Ask the exercises or not.
    ToggleExercises,
    /// The reader's answer to exercise `i`.
    Answer(usize, String),
    /// Open the random problem of a seed and difficulty.
    OpenProblem(u64, u8),
    /// Panic (the test trigger `window.__ttmLabPanic()`, defined only when the URL armed it).
    DebugPanic,
}

/// A scenario error in words: "line L, column C at path: message" (no place when unknown).
pub fn scenario_error(e: &ttm_core::ScenarioError) -> String {
    if e.line == 0 {
        if e.path.is_empty() {
            e.message.clone()
        } else {
            format!("{}: {}", e.path, e.message)
        }
    } else {
        e.to_string()
    }
}

fn landmark_name(l: Landmark) -> &'static str {
    match l {
        Landmark::Refill => "refill",
        Landmark::Swapout => "swap-out",
        Landmark::Swapin => "swap-in",
        Landmark::Eviction => "eviction",
        Landmark::Shrink => "shrink",
        Landmark::Finding => "finding",
    }
}

impl Lab {
    fn empty() -> Lab {
        let reduced_motion = media_matches("(prefers-reduced-motion: reduce)");
        Lab {
            walk: None,
            version: 0,
            zoom: Zoom::Call,
            playing: false,
            speed: if reduced_motion {
                REDUCED_MOTION_SPEED
            } else {
                DEFAULT_SPEED
            },
            notices: Vec::new(),
            status: None,
            breakpoint: None,
            debugfs: false,
            theme: local_storage()
                .and_then(|s| s.get_item(THEME_KEY).ok().flatten())
                .map_or(Theme::Auto, |v| Theme::from_name(&v)),
            reduced_motion,
            say: None,
            did: String::new(),
            span: (0, 0),
            did_label: String::new(),
            event: String::new(),
            before: None,
            load_error: None,
            editor: local_storage()
                .and_then(|s| s.get_item(EDITOR_KEY).ok().flatten())
                .unwrap_or_default(),
            draft: local_storage()
                .and_then(|s| s.get_item(DRAFT_KEY).ok().flatten())
                .filter(|d| !d.trim().is_empty()),
            machine_error: None,
            compare: None,
            compare_step: 0,
            bench: false,
            bench_result: None,
            travel: None,
            embed: None,
            show_snippet: false,
            show_export: false,
            exercises: true,
            answers: Rc::default(),
            debug_panic: false,
        }
    }

    /// Show a freshly run walkthrough at position 0.
    fn set_walk(&mut self, walk: Walk) {
        self.walk = Some(Rc::new(walk));
        self.travel = None;
        self.playing = false;
        self.status = None;
        self.breakpoint = None;
        self.notices.clear();
        self.compare = None;
        self.load_error = None;
        self.machine_error = None;
        self.answers = Rc::default();
        self.refresh();
    }

    /// Step forward at zoom `z`, stopping at the first unanswered exercise on the way (a move
    /// that starts at one passes it: that is "reveal"). True when it stopped at one.
    fn forward(&mut self, z: Zoom) -> bool {
        let from = match &self.walk {
            Some(w) => w.stepper.borrow().pos(),
            None => return false,
        };
        // The first unanswered question after the start (one at the start is passed: "reveal").
        let stop = self.open_question_after(from, false).map(|(_, b)| b);
        let mut stopped = false;
        self.with_stepper(|s| {
            s.forward(z);
            if let Some(b) = stop.filter(|&b| b < s.pos()) {
                s.seek(b);
                stopped = true;
            }
            None
        });
        stopped || self.pending_question().is_some()
    }

    /// The first unanswered exercise whose boundary (the start of its step) is after `pos` (or
    /// at it, with `inclusive`), when exercises are on: (question index, boundary).
    fn open_question_after(&self, pos: u64, inclusive: bool) -> Option<(usize, u64)> {
        let walk = self.walk.as_ref().filter(|_| self.exercises)?;
        walk.questions
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.answers.contains_key(i))
            .filter_map(|(i, q)| walk.steps.get(q.step).map(|s| (i, s.first_event)))
            .filter(|&(_, b)| b > pos || (inclusive && b == pos))
            .min_by_key(|&(_, b)| b)
    }

    /// The first unanswered exercise at or after the current position: what happens after its
    /// boundary would give its answer away, so the chart and the steps list stop there.
    /// (question index, boundary position)
    pub fn next_question(&self) -> Option<(usize, u64)> {
        let pos = self.walk.as_ref()?.stepper.borrow().pos();
        self.open_question_after(pos, true)
    }

    /// The unanswered exercise at the current position, if exercises are on.
    pub fn pending_question(&self) -> Option<usize> {
        let pos = self.walk.as_ref()?.stepper.borrow().pos();
        self.open_question_after(pos, true)
            .filter(|&(_, b)| b == pos)
            .map(|(i, _)| i)
    }

    fn set_editor(&mut self, text: String) {
        if let Some(store) = local_storage() {
            let _ = store.set_item(EDITOR_KEY, &text);
        }
        self.editor = text;
    }

    /// Move both sides of the comparison to the end of step `i`.
    fn show_compare_step(&mut self, i: usize) {
        if let Some(c) = &self.compare {
            if let Some(r) = c.rows.get(i) {
                c.a.stepper.borrow_mut().seek(r.events_a.1);
                c.b.stepper.borrow_mut().seek(r.events_b.1);
                self.compare_step = i;
            }
        }
        self.version += 1;
    }

    /// The page as the URL asks for it; broken parameters become notices.
    pub fn from_url() -> Lab {
        let mut lab = Lab::empty();
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        let params = web_sys::UrlSearchParams::new_with_str(&search).ok();
        let get = |k: &str| params.as_ref().and_then(|p| p.get(k));
        if get("bench").is_some_and(|v| v == "1") {
            lab.bench = true;
            lab.speed = SPEEDS.len() - 1;
            match serde_json::from_str::<Scenario>(crate::bench::SCENARIO)
                .map_err(|e| e.to_string())
                .and_then(|sc| Walk::run(sc, false, None))
            {
                Ok(w) => lab.set_walk(w),
                Err(e) => lab.notices.push(format!("The benchmark cannot run: {e}")),
            }
            return lab;
        }
        lab.debug_panic = get("debug_panic").as_deref() == Some(crate::panic::DEBUG_PANIC_TOKEN);
        let embed = get("embed").is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes"));
        if embed {
            lab.embed = Some(Embed {
                from: 0,
                to: 0,
                looping: false,
            });
            match get("theme").as_deref().map(str::trim) {
                Some(t @ ("light" | "dark" | "auto")) => lab.theme = Theme::from_name(t),
                Some(t) => lab.notices.push(format!(
                    "The theme parameter {:?} is not light, dark or auto; using auto.",
                    url::clip(t)
                )),
                None => lab.theme = Theme::Auto,
            }
        }
        // Exercises: asked in the full app unless exercises=0; in an embed only with exercises=1.
        lab.exercises = match get("exercises").as_deref().map(str::trim) {
            Some("1" | "true" | "yes" | "on") => true,
            Some("0" | "false" | "no" | "off") => false,
            Some(v) => {
                lab.notices.push(format!(
                    "The exercises parameter {:?} is not 1 or 0; {}.",
                    url::clip(v),
                    if embed { "not asking" } else { "asking" }
                ));
                !embed
            }
            None => !embed,
        };
        let problem = url::parse_problem(get("problem").as_deref(), get("difficulty").as_deref())
            .unwrap_or_else(|e| {
                lab.notices.push(e);
                None
            });
        let machine_pairs: Vec<(String, String)> = url::MACHINE_KEYS
            .iter()
            .filter_map(|k| get(k).map(|v| (k.to_string(), v)))
            .collect();
        let pairs: Vec<(String, String)> = ["walkthrough", "step", "zoom"]
            .iter()
            .filter_map(|k| {
                params
                    .as_ref()
                    .and_then(|p| p.get(k))
                    .map(|v| (k.to_string(), v))
            })
            .collect();
        let q = url::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        lab.notices.extend(q.problems.clone());
        if let Some(z) = q.zoom {
            lab.zoom = z;
        }
        // A scenario from a file or the editor travels in the URL as base64url JSON.
        let loaded = match get("scenario") {
            Some(b64) => Some(
                url::decode_scenario(&b64)
                    .and_then(|text| Scenario::from_json(&text).map_err(|e| scenario_error(&e)))
                    .and_then(|sc| Walk::run(sc, false, None))
                    .map_err(|e| {
                        format!(
                            "The scenario in the URL cannot be used ({}); showing the default view.",
                            url::clip(&e)
                        )
                    }),
            ),
            None => match problem {
                Some((seed, d)) => Some(Walk::problem(seed, d)),
                None => q.walkthrough.as_ref().map(|name| {
                    Walk::load(name)
                        .map_err(|e| format!("{e} Pick one of the walkthroughs below."))
                }),
            },
        };
        match loaded {
            Some(loaded) => match loaded {
                Ok(mut walk) => {
                    if !machine_pairs.is_empty() {
                        let mut m = walk.machine.clone();
                        let mut ok = true;
                        for (k, v) in &machine_pairs {
                            if let Err(e) = url::apply_machine(&mut m, k, v) {
                                lab.notices.push(e);
                                ok = false;
                            }
                        }
                        if ok {
                            match Walk::run(walk.scenario.clone(), walk.builtin, Some(m)) {
                                Ok(w) => {
                                    walk = Walk {
                                        problem: walk.problem,
                                        ..w
                                    }
                                }
                                Err(e) => lab.notices.push(format!(
                                    "The machine in the URL cannot run this walkthrough ({e}); showing its own machine."
                                )),
                            }
                        }
                    }
                    if lab.editor.is_empty() && !embed {
                        lab.set_editor(walk.scenario.to_json());
                    }
                    let len = walk.stepper.borrow().len();
                    let mut target = q.step.unwrap_or(0);
                    if embed {
                        let (from, to, problems) =
                            url::embed_range(get("from").as_deref(), get("to").as_deref(), len);
                        lab.notices.extend(problems);
                        lab.embed = Some(Embed {
                            from,
                            to,
                            looping: get("loop").is_some_and(|v| v == "1" || v == "true"),
                        });
                        target = q.step.filter(|s| (from..=to).contains(s)).unwrap_or(from);
                        lab.playing =
                            get("autoplay").is_some_and(|v| v == "1" || v == "true") && from < to;
                    } else if target > len {
                        lab.notices.push(format!(
                            "Step {target} is past the end of this walkthrough ({len} events); showing the end."
                        ));
                        target = len;
                    }
                    walk.stepper.borrow_mut().seek(target);
                    lab.walk = Some(Rc::new(walk));
                    lab.refresh();
                }
                Err(e) => lab.notices.push(e),
            },
            None if embed => lab.notices.push(
                "This embed names no walkthrough or scenario (add walkthrough=NAME or scenario=…)."
                    .into(),
            ),
            None if q.step.is_some() || q.zoom.is_some() => lab
                .notices
                .push("The URL gives a step but no walkthrough; pick one below.".into()),
            None => {}
        }
        lab
    }

    /// Recompute the narration for the current position: the step's `say` at a boundary, and
    /// what the last step at the current zoom did (the same text whichever way you arrived).
    fn refresh(&mut self) {
        self.version += 1;
        let Some(walk) = &self.walk else {
            return;
        };
        let mut s = walk.stepper.borrow_mut();
        let to = s.pos();
        let len = s.len();
        let done = if walk.at_boundary(to, len) && to > 0 {
            walk.step_at(to)
        } else {
            None
        };
        let from = match done {
            // At an action boundary: the whole step just done.
            Some(i) => walk.steps[i].first_event,
            // Otherwise: the last step at the current zoom.
            None => {
                s.backward(self.zoom);
                s.pos()
            }
        };
        self.span = (from, to);
        self.did_label = match done {
            Some(i) => format!("Step {} ({}): ", i + 1, walk.steps[i].label),
            None => format!("Last {} (events {from}–{to}): ", url::zoom_name(self.zoom)),
        };
        self.say = done.and_then(|i| walk.steps[i].say.clone());
        let sim = s.sim().clone();
        // narrate() reads names from the state at the start of the span: visit it, then come back.
        self.did = if to - from > NARRATE_MAX {
            format!(
                "{} events: too many to summarise here; step by call or change to read them.",
                crate::view::group_digits(to - from)
            )
        } else {
            s.seek(from);
            narrate(&sim, s.state(), from, to)
        };
        s.seek(from);
        let st = s.state();
        self.before = Some(Before {
            pools: st
                .pools
                .iter()
                .map(|p| (p.npages, p.nrefills, p.nfrees))
                .collect(),
            zones: st.zones.iter().map(|z| z.used_mem).collect(),
        });
        self.event = if to == 0 {
            String::new()
        } else {
            s.seek(to - 1);
            narrate(&sim, s.state(), to - 1, to)
        };
        s.seek(to);
    }

    fn with_stepper(&mut self, f: impl FnOnce(&mut Stepper) -> Option<String>) {
        let Some(walk) = &self.walk else {
            return;
        };
        let walk = walk.clone();
        let (from, from_action, swapped) = {
            let s = walk.stepper.borrow();
            (s.pos(), s.action_index(), swapped_tts(s.state()))
        };
        let status = f(&mut walk.stepper.borrow_mut());
        if let Some(e) = self.embed {
            let mut s = walk.stepper.borrow_mut();
            let p = s.pos().clamp(e.from, e.to);
            if p != s.pos() {
                s.seek(p);
            }
        }
        self.status = status;
        self.travel = self.travel_since(&walk, from, from_action, &swapped);
        self.refresh();
    }

    /// The pages that travelled in the move from `from` to the current position, for the
    /// overlay; None for jumps (more than one action at once), for reduced motion, and when
    /// playing too fast for an animation to be seen.
    fn travel_since(
        &self,
        walk: &Walk,
        from: u64,
        from_action: Option<usize>,
        swapped_before: &[bool],
    ) -> Option<Rc<crate::travel::Travel>> {
        if self.bench || self.reduced_motion || media_matches("(prefers-reduced-motion: reduce)") {
            return None;
        }
        let duration = if self.playing {
            (f64::from(SPEEDS[self.speed].0) * 0.85).min(TRAVEL_MS)
        } else {
            TRAVEL_MS
        };
        if duration < 120.0 {
            return None;
        }
        let mut s = walk.stepper.borrow_mut();
        let to = s.pos();
        let rank = |a: Option<usize>| a.map_or(0, |i| i + 1);
        if to == from
            || rank(s.action_index()).abs_diff(rank(from_action)) > 1
            || to.abs_diff(from) > TRAVEL_MAX_EVENTS
        {
            return None;
        }
        let moves = if to > from {
            s.movements_since(from)
        } else {
            // Backwards: the same journeys, reversed.
            s.seek(from);
            let m = s.movements_since(to);
            s.seek(to);
            m.into_iter()
                .map(|m| ttm_core::Movement {
                    from: m.to,
                    to: m.from,
                    ..m
                })
                .collect()
        };
        let st = s.state();
        let after = swapped_tts(st);
        // Page cells only when a tt's contents went to or came back from swap (a big tt's cells
        // cost a pass over its pages).
        let view = if after.as_slice() != swapped_before {
            crate::view::tts(st)
        } else {
            Vec::new()
        };
        let mut swap_out = Vec::new();
        let mut swap_in = Vec::new();
        for (i, t) in view.iter().enumerate() {
            let was = swapped_before.get(i).copied().unwrap_or(false);
            let now = after.get(i).copied().unwrap_or(false);
            let slots = |pick: &dyn Fn(u8) -> bool| -> Vec<u32> {
                (0..t.cells.len() as u32)
                    .filter(|&k| pick(t.cells[k as usize]))
                    .collect()
            };
            const SWAPPED: u8 = crate::view::Cell::Swapped as u8;
            const ABSENT: u8 = crate::view::Cell::Absent as u8;
            if now && !was {
                swap_out.push((t.id, slots(&|c| c == SWAPPED)));
            } else if was && !now {
                swap_in.push((t.id, slots(&|c| c != SWAPPED && c != ABSENT)));
            }
        }
        crate::travel::build(st, &moves, &swap_out, &swap_in, duration).map(Rc::new)
    }
}

impl Reducible for Lab {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut lab = (*self).clone();
        match msg {
            Msg::Load(name) => match Walk::load(&name) {
                Ok(walk) => {
                    lab.set_editor(walk.scenario.to_json());
                    lab.set_walk(walk);
                }
                Err(e) => lab.notices = vec![e],
            },
            Msg::LoadText(source, text) => {
                match Scenario::from_json(&text)
                    .map_err(|e| scenario_error(&e))
                    .and_then(|sc| Walk::run(sc, false, None))
                {
                    Ok(walk) => {
                        lab.set_editor(text);
                        lab.set_walk(walk);
                    }
                    Err(e) => {
                        lab.load_error = Some(format!(
                            "{source} was not loaded: {e}. {}",
                            if lab.walk.is_some() {
                                "The walkthrough shown is unchanged."
                            } else {
                                "Nothing was opened."
                            }
                        ))
                    }
                }
            }
            Msg::EditorInput(text) => {
                if let Some(store) = local_storage() {
                    let _ = store.set_item(DRAFT_KEY, &text);
                }
                lab.draft = Some(text.clone()).filter(|d| !d.trim().is_empty());
                lab.set_editor(text);
            }
            Msg::RestoreDraft => {
                if let Some(d) = lab.draft.clone() {
                    lab.set_editor(d);
                }
            }
            Msg::DiscardDraft => {
                if let Some(store) = local_storage() {
                    let _ = store.remove_item(DRAFT_KEY);
                }
                lab.draft = None;
            }
            Msg::RunEditor => {
                let text = lab.editor.clone();
                return self.reduce(Msg::LoadText("The editor's scenario".into(), text));
            }
            Msg::SetMachine(cfg) => {
                let Some(w) = lab.walk.clone() else {
                    return self;
                };
                match cfg.and_then(|m| Walk::run(w.scenario.clone(), w.builtin, Some(m))) {
                    Ok(nw) => {
                        let pos = w.stepper.borrow().pos();
                        lab.set_walk(Walk {
                            problem: w.problem,
                            ..nw
                        });
                        lab.with_stepper(|s| {
                            s.seek(pos.min(s.len()));
                            None
                        });
                    }
                    Err(e) => {
                        lab.machine_error = Some(format!(
                            "This machine cannot be used: {e}. The run shown is unchanged."
                        ))
                    }
                }
            }
            Msg::Compare(cfg) => {
                let Some(w) = lab.walk.clone() else {
                    return self;
                };
                let result = cfg.and_then(|b| {
                    b.validate().map_err(|e| format!("machine.{e}"))?;
                    ttm_core::compare::compare_configs(&w.scenario, w.machine.clone(), b)
                        .map_err(|e| scenario_error(&e))
                });
                match result {
                    Ok((ra, rb, c)) => {
                        let side = |r: Run| Side {
                            label: machine_label(r.sim.config()),
                            stepper: RefCell::new(Stepper::new(Rc::new(r.sim))),
                        };
                        lab.compare = Some(Rc::new(Compare {
                            a: side(ra),
                            b: side(rb),
                            rows: c.rows,
                            first_divergence: c.first_divergence,
                        }));
                        lab.machine_error = None;
                        lab.playing = false;
                        let first = c.first_divergence.unwrap_or(0);
                        lab.show_compare_step(first);
                    }
                    Err(e) => {
                        lab.machine_error = Some(format!(
                            "These machines cannot be compared: {e}. The view is unchanged."
                        ))
                    }
                }
            }
            Msg::CompareStep(i) => lab.show_compare_step(i),
            Msg::CloseCompare => lab.compare = None,
            Msg::BenchDone(json) => {
                lab.playing = false;
                let (pos, len) = lab.walk.as_ref().map_or((0, 0), |w| {
                    let s = w.stepper.borrow();
                    (s.pos(), s.len())
                });
                // The figures, plus how far the play got (zoom: call) in the trace.
                lab.bench_result = Some(format!(
                    "{},\n  \"events_played\": {pos},\n  \"trace_events\": {len}\n}}",
                    json.trim_end().trim_end_matches('}').trim_end()
                ));
            }
            Msg::Step(fwd, zoom) => {
                let z = zoom.unwrap_or(lab.zoom);
                lab.playing = false;
                if fwd {
                    lab.forward(z);
                } else {
                    lab.with_stepper(|s| {
                        s.backward(z);
                        None
                    });
                }
            }
            Msg::Start => {
                lab.playing = false;
                lab.with_stepper(|s| {
                    s.seek(0);
                    None
                });
            }
            Msg::End => {
                lab.playing = false;
                lab.with_stepper(|s| {
                    s.seek(s.len());
                    None
                });
            }
            Msg::Seek(p) => lab.with_stepper(|s| {
                s.seek(p);
                None
            }),
            Msg::TogglePlay => {
                let Some(walk) = &lab.walk else {
                    return self;
                };
                let (start, end) = lab
                    .embed
                    .map_or((0, walk.stepper.borrow().len()), |e| (e.from, e.to));
                let at_end = walk.stepper.borrow().pos() >= end;
                if !lab.playing && at_end {
                    // Play from the start again.
                    lab.with_stepper(|s| {
                        s.seek(start);
                        None
                    });
                }
                lab.playing = !lab.playing;
            }
            Msg::Tick => {
                if !lab.playing {
                    return self;
                }
                let z = lab.zoom;
                let Some(walk) = lab.walk.clone() else {
                    return self;
                };
                let end = lab.embed.map_or(walk.stepper.borrow().len(), |e| e.to);
                match lab.embed {
                    // Looping embed at the end of its range: back to its start.
                    Some(e) if e.looping && walk.stepper.borrow().pos() >= e.to => {
                        lab.with_stepper(|s| {
                            s.seek(e.from);
                            None
                        });
                    }
                    _ => {
                        if lab.forward(z) {
                            // An exercise: wait for the reader's prediction.
                            lab.playing = false;
                        }
                    }
                }
                let at_end = walk.stepper.borrow().pos() >= end;
                if at_end && !lab.embed.is_some_and(|e| e.looping) {
                    lab.playing = false;
                }
            }
            Msg::Speed(faster) => {
                lab.speed = if faster {
                    (lab.speed + 1).min(SPEEDS.len() - 1)
                } else {
                    lab.speed.saturating_sub(1)
                };
            }
            Msg::SetZoom(z) => {
                lab.zoom = z;
                lab.refresh();
            }
            Msg::Landmark(kind, fwd) => {
                lab.playing = false;
                lab.with_stepper(|s| {
                    let found = if fwd {
                        s.next_landmark(kind)
                    } else {
                        s.prev_landmark(kind)
                    };
                    (!found).then(|| {
                        format!(
                            "No {} {} this position.",
                            landmark_name(kind),
                            if fwd { "after" } else { "before" }
                        )
                    })
                });
            }
            Msg::SetBreakpoint(f) => lab.breakpoint = f,
            Msg::RunToBreakpoint(fwd) => {
                let Some(f) = lab.breakpoint else {
                    lab.status = Some("Choose a function for the breakpoint first.".into());
                    return Rc::new(lab);
                };
                let sym = lab
                    .walk
                    .as_ref()
                    .and_then(|w| w.funcs.iter().find(|(g, _)| *g == f).map(|(_, s)| *s))
                    .unwrap_or(f.symbol());
                lab.playing = false;
                lab.with_stepper(|s| {
                    let found = if fwd { s.next_call(f) } else { s.prev_call(f) };
                    (!found).then(|| {
                        format!(
                            "No call of {sym} {} this position.",
                            if fwd { "after" } else { "before" }
                        )
                    })
                });
            }
            Msg::ToggleDebugfs => lab.debugfs = !lab.debugfs,
            Msg::CycleTheme => {
                lab.theme = lab.theme.next();
                if let Some(store) = local_storage() {
                    let _ = store.set_item(THEME_KEY, lab.theme.name());
                }
            }
            Msg::DismissNotices => lab.notices.clear(),
            Msg::Play if !lab.playing => return self.reduce(Msg::TogglePlay),
            Msg::Pause if lab.playing => lab.playing = false,
            Msg::Play | Msg::Pause => return self,
            Msg::ToggleSnippet => lab.show_snippet = !lab.show_snippet,
            Msg::ToggleExport => lab.show_export = !lab.show_export,
            Msg::ToggleExercises => lab.exercises = !lab.exercises,
            Msg::Answer(i, given) => {
                let Some(q) = lab.walk.as_ref().and_then(|w| w.questions.get(i)) else {
                    return self;
                };
                if given.trim().is_empty() || lab.answers.contains_key(&i) {
                    return self;
                }
                let correct = q.check(&given);
                let step = q.step;
                Rc::make_mut(&mut lab.answers).insert(i, Answered { given, correct });
                if lab.embed.is_some() {
                    post_answer(step, correct);
                }
            }
            Msg::OpenProblem(seed, difficulty) => match Walk::problem(seed, difficulty) {
                Ok(walk) => {
                    lab.set_editor(walk.scenario.to_json());
                    lab.set_walk(walk);
                }
                Err(e) => lab.notices = vec![e],
            },
            Msg::DebugPanic => {
                panic!(
                    "deliberate panic from window.__ttmLabPanic() (the debug_panic test trigger)"
                )
            }
        }
        Rc::new(lab)
    }
}

/// How long pages take to travel after a step (ms).
const TRAVEL_MS: f64 = 500.0;
/// Moves spanning more events than this are jumps (no travel is computed).
const TRAVEL_MAX_EVENTS: u64 = 1 << 20;

/// The SWAPPED flag of every tt, by id.
fn swapped_tts(st: &ttm_core::State) -> Vec<bool> {
    st.tts.iter().map(|t| t.swapped()).collect()
}

/// Where the theme choice is remembered.
const THEME_KEY: &str = "ttm-lab-theme";
/// Where the scenario editor's text is kept.
const EDITOR_KEY: &str = "ttm-lab-editor";
/// Where the user's own typing in the editor is kept (never overwritten by a load).
const DRAFT_KEY: &str = "ttm-lab-editor-draft";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn media_matches(query: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .is_some_and(|m| m.matches())
}

/// "64 MiB · x86-64 · E3 · faithful · radeon".
pub fn machine_label(cfg: &MachineConfig) -> String {
    let arch = match cfg.arch {
        ttm_core::Arch::X86_64 => "x86-64",
        ttm_core::Arch::X86_32Highmem => "x86-32 highmem",
    };
    let fidelity = match cfg.fidelity {
        ttm_core::Fidelity::Faithful => "faithful",
        ttm_core::Fidelity::Fixed => "fixed",
    };
    format!(
        "{} RAM · {arch} · {:?} · {fidelity} · {}",
        crate::view::human_bytes(cfg.ram_bytes),
        cfg.era,
        format!("{:?}", cfg.driver.kind).to_lowercase()
    )
}

/// The key bindings (ignored while typing in a field, and Space/Enter on buttons keep their
/// native meaning).
fn key_msg(e: &KeyboardEvent) -> Option<Msg> {
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    let tag = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| el.tag_name().to_ascii_uppercase())
        .unwrap_or_default();
    if matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA") {
        return None;
    }
    let on_control = matches!(tag.as_str(), "BUTTON" | "A" | "SUMMARY");
    let shift = e.shift_key();
    Some(match e.key().as_str() {
        " " | "Spacebar" if !on_control => Msg::TogglePlay,
        "ArrowRight" => Msg::Step(true, shift.then_some(Zoom::Action)),
        "ArrowLeft" => Msg::Step(false, shift.then_some(Zoom::Action)),
        "Home" => Msg::Start,
        "End" => Msg::End,
        "+" | "=" => Msg::Speed(true),
        "-" | "_" => Msg::Speed(false),
        _ => return None,
    })
}

/// The full app's query string for `w` at `pos` (walkthrough or scenario, step, zoom, machine).
pub fn full_query(w: &Walk, pos: u64, zoom: Zoom) -> String {
    let head = if let Some((seed, d)) = w.problem {
        url::format_problem(seed, d, pos, zoom)
    } else if w.builtin {
        url::format(&w.name, pos, zoom)
    } else {
        url::format_scenario(&w.json, pos, zoom)
    };
    format!(
        "{head}{}",
        url::machine_params(&w.scenario.machine, &w.machine)
    )
}

/// The embed's query string for `w` over `[from, to]`.
pub fn embed_query(w: &Walk, from: u64, to: u64) -> String {
    let head = if let Some((seed, d)) = w.problem {
        format!("?embed=1&problem={seed}&difficulty={d}")
    } else if w.builtin {
        format!("?embed=1&walkthrough={}", w.name)
    } else {
        format!(
            "?embed=1&scenario={}",
            url::base64url_encode(w.json.as_bytes())
        )
    };
    format!(
        "{head}&from={from}&to={to}{}",
        url::machine_params(&w.scenario.machine, &w.machine)
    )
}

/// A host page's command (`{type: "ttm-lab", command: "goto" | "play" | "pause", step}`); None
/// for anything else.
pub fn host_command(data: &wasm_bindgen::JsValue) -> Option<Msg> {
    if !data.is_object() {
        return None;
    }
    let field = |k: &str| js_sys::Reflect::get(data, &wasm_bindgen::JsValue::from_str(k)).ok();
    if field("type")?.as_string()? != "ttm-lab" {
        return None;
    }
    match field("command")?.as_string()?.as_str() {
        "goto" => {
            let n = field("step")?.as_f64()?;
            (n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n < 9.0e15)
                .then_some(Msg::Seek(n as u64))
        }
        "play" => Some(Msg::Play),
        "pause" => Some(Msg::Pause),
        _ => None,
    }
}

/// This embed's own URL (range, theme, machine…) at position `pos`, without the test-only
/// `debug_panic` (a reload must not re-arm it).
fn embed_here(pos: u64) -> String {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    match web_sys::UrlSearchParams::new_with_str(&search) {
        Ok(p) => {
            p.delete("debug_panic");
            p.set("step", &pos.to_string());
            format!("./?{}", String::from(p.to_string()))
        }
        Err(_) => format!("./{search}"),
    }
}

/// Post `{type: "ttm-lab", ...fields}` to the parent window (embed mode; docs/embedding.md).
fn post_to_parent(fields: &[(&str, wasm_bindgen::JsValue)]) {
    let Some(w) = web_sys::window() else { return };
    let Ok(Some(parent)) = w.parent() else { return };
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &"type".into(), &"ttm-lab".into());
    for (k, v) in fields {
        let _ = js_sys::Reflect::set(&msg, &(*k).into(), v);
    }
    let _ = parent.post_message(&msg, "*");
}

/// Tell the parent window about the position: `{event: "step", step, of, action}`.
fn post_step(step: u64, of: u64, action: &str) {
    post_to_parent(&[
        ("event", "step".into()),
        ("step", (step as f64).into()),
        ("of", (of as f64).into()),
        ("action", action.into()),
    ]);
}

/// Tell the parent window about an answer: `{event: "answer", step, correct}`, so a course page
/// can keep score.
fn post_answer(step: usize, correct: bool) {
    post_to_parent(&[
        ("event", "answer".into()),
        ("step", (step as f64).into()),
        ("correct", correct.into()),
    ]);
}

/// The label of the action at `pos` (for step events).
pub fn action_label(w: &Walk, pos: u64) -> String {
    match w.step_at(pos) {
        Some(i) => w.steps[i].label.clone(),
        None if pos == 0 => "boot".into(),
        None => "device setup".into(),
    }
}

/// The position in words, for the panic screen: which walkthrough, scenario or problem, the event
/// and the step (`walkthrough “pool-refill”, event 12 of 2097 (populate tt 0)`).
pub fn place_words(w: &Walk, pos: u64) -> String {
    let what = match w.problem {
        Some((seed, d)) => format!("random problem {seed} (difficulty {d})"),
        None if w.builtin => format!("walkthrough “{}”", w.name),
        None => format!("scenario “{}” (from a file or the editor)", w.name),
    };
    let len = w.stepper.borrow().len();
    format!("{what}, event {pos} of {len} ({})", action_label(w, pos))
}

/// Copy every `data-style` attribute to the element's `style.cssText` (CSSOM; allowed under a
/// strict style-src).
fn apply_data_styles() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(list) = doc.query_selector_all("[data-style]") else {
        return;
    };
    for i in 0..list.length() {
        let Some(el) = list
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            continue;
        };
        let want = el.get_attribute("data-style").unwrap_or_default();
        let style = el.style();
        if el.get_attribute("data-style-applied").as_deref() != Some(want.as_str()) {
            style.set_css_text(&want);
            let _ = el.set_attribute("data-style-applied", &want);
        }
    }
}

/// The application.
#[component]
pub fn App() -> Html {
    let lab = use_reducer(Lab::from_url);

    // Keyboard shortcuts on the whole document.
    {
        let d = lab.dispatcher();
        use_effect_with((), move |_| {
            let listener = web_sys::window().and_then(|w| w.document()).map(|doc| {
                EventListener::new_with_options(
                    &doc,
                    "keydown",
                    EventListenerOptions::enable_prevent_default(),
                    move |ev| {
                        let Some(e) = ev.dyn_ref::<KeyboardEvent>() else {
                            return;
                        };
                        if let Some(msg) = key_msg(e) {
                            e.prevent_default();
                            d.dispatch(msg);
                        }
                    },
                )
            });
            move || drop(listener)
        });
    }

    // Play: one forward step per tick while playing.
    {
        let d = lab.dispatcher();
        use_effect_with((lab.playing, lab.speed), move |&(playing, speed)| {
            let timer =
                playing.then(|| Interval::new(SPEEDS[speed].0, move || d.dispatch(Msg::Tick)));
            move || drop(timer)
        });
    }

    // Inline styles (bar widths, marks, swatches) are rendered as `data-style` and applied through
    // the CSSOM after each render: a `style` attribute is refused under `style-src 'self'`
    // (docs/embedding.md), CSSOM changes are not.
    use_effect(apply_data_styles);

    // Embed mode: commands from the host page (postMessage), and a step event on every move.
    {
        let d = lab.dispatcher();
        use_effect_with(lab.embed.is_some(), move |&embed| {
            let listener = web_sys::window().filter(|_| embed).map(|w| {
                EventListener::new(&w, "message", move |ev| {
                    if let Some(msg) = ev
                        .dyn_ref::<web_sys::MessageEvent>()
                        .and_then(|m| host_command(&m.data()))
                    {
                        d.dispatch(msg);
                    }
                })
            });
            move || drop(listener)
        });
    }
    let step_event = lab.embed.and(lab.walk.as_ref()).map(|w| {
        let s = w.stepper.borrow();
        (s.pos(), s.len(), action_label(w, s.pos()))
    });
    use_effect_with(step_event, |ev| {
        if let Some((pos, len, action)) = ev {
            post_step(*pos, *len, action);
        }
    });

    // The test-only panic trigger (`?debug_panic=` with its token; crate::panic).
    {
        let d = lab.dispatcher();
        use_effect_with(lab.debug_panic, move |&armed| {
            if armed {
                crate::panic::arm(move || d.dispatch(Msg::DebugPanic));
            }
        });
    }

    // The URL follows the view (replaceState: stepping does not flood the history). A scenario
    // from a file or the editor is carried in the URL itself (`?scenario=<base64url JSON>`).
    let query = lab
        .walk
        .as_ref()
        .filter(|_| !lab.bench && lab.embed.is_none())
        .map(|w| {
            let pos = w.stepper.borrow().pos();
            full_query(w, pos, lab.zoom)
        });
    // What the panic screen reloads (crate::panic): the position that has just rendered, at the
    // URL written below, or for an embed (which never writes its URL) its own URL at this step.
    let good = lab.walk.as_ref().filter(|_| !lab.bench).map(|w| {
        let pos = w.stepper.borrow().pos();
        crate::panic::LastGood {
            href: match &query {
                Some(q) => format!("./{q}"),
                None => embed_here(pos),
            },
            place: place_words(w, pos),
            embed: lab.embed.is_some(),
        }
    });
    use_effect_with(query, move |query| {
        if let Some(q) = query {
            if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(q));
            }
        }
    });
    use_effect_with(good, |good| {
        if let Some(g) = good {
            crate::panic::remember(g.clone());
        }
    });

    // Benchmark mode: time to the first interactive render, then play and time the frames.
    {
        let d = lab.dispatcher();
        let bench = lab.bench && lab.walk.is_some();
        use_effect_with(bench, move |&bench| {
            if bench {
                crate::bench::start(d);
            }
        });
    }

    // Drag and drop a scenario file anywhere on the page.
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = {
        let d = lab.dispatcher();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(f) = e
                .data_transfer()
                .and_then(|t| t.files())
                .and_then(|l| l.get(0))
            {
                read_file(f, d.clone());
            }
        })
    };

    // A question that has just come up is brought into view (the full app only: an embed must
    // not scroll its host page).
    let asking = lab.pending_question().filter(|_| lab.embed.is_none());
    use_effect_with(asking, |asking| {
        if asking.is_some() {
            if let Some(card) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector("[data-testid=exercise]").ok().flatten())
            {
                let opts = web_sys::ScrollIntoViewOptions::new();
                opts.set_block(web_sys::ScrollLogicalPosition::Nearest);
                card.scroll_into_view_with_scroll_into_view_options(&opts);
            }
        }
    });

    // The theme attribute on <html>.
    use_effect_with(lab.theme, |theme| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-theme", theme.name());
        }
    });

    let send = |make: fn() -> Msg| {
        let d = lab.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(make()))
    };

    let theme_label = match lab.theme {
        Theme::Auto => "Theme: auto (follows the system)",
        Theme::Light => "Theme: light",
        Theme::Dark => "Theme: dark",
    };

    if let Some(e) = lab.embed {
        if let Some(w) = &lab.walk {
            return panels::embed(&lab, w, e);
        }
        // An embed that could not open its walkthrough: only the messages.
        return html! {
            <div class="page embed" data-testid="embed">
                <div class="notice" role="alert" data-testid="url-notice">
                    <ul>{ for lab.notices.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
                </div>
                <p class="hint">{ "This TTM Lab embed has nothing to show." }</p>
            </div>
        };
    }

    let snippet = lab.walk.as_ref().filter(|_| lab.show_snippet).map(|w| {
        let s = w.stepper.borrow();
        let (pos, len) = (s.pos(), s.len());
        let (from, to) = match w.step_at(pos) {
            Some(i) => (w.steps[i].first_event, w.steps[i].end_event.max(pos)),
            None => (0, pos.max(w.steps.first().map_or(len, |f| f.first_event))),
        };
        let base = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default();
        let base = base.split(['?', '#']).next().unwrap_or_default().to_string();
        // Ask the exercises of the range in the embed too, if the reader has them on.
        let ask = lab.exercises
            && w.questions.iter().any(|q| {
                w.steps
                    .get(q.step)
                    .is_some_and(|s| (from..to).contains(&s.first_event))
            });
        format!(
            "<iframe title=\"TTM Lab: {}\" width=\"900\" height=\"640\" loading=\"lazy\" src=\"{base}{}{}\"></iframe>",
            w.title.replace('"', "&quot;").replace('<', "&lt;"),
            embed_query(w, from, to).replace('&', "&amp;"),
            if ask { "&amp;exercises=1" } else { "" }
        )
    });

    html! {
        <div class="page" data-reduced-motion={lab.reduced_motion.to_string()}
            data-theme-choice={lab.theme.name()} {ondragover} {ondrop}>
            <header class="masthead">
                <div>
                    <h1>{ "TTM Lab" }</h1>
                    <p class="tagline">
                        { "Step through the Linux 3.3 DRM TTM GPU memory manager: page pools, " }
                        <code>{ "ttm_tt" }</code>{ " pages, buffer objects and memory accounting." }
                    </p>
                </div>
                <div class="masthead-side">
                    if let Some(w) = &lab.walk {
                        <span class="machine" data-testid="machine" title="Simulated machine">
                            { machine_label(w.stepper.borrow().sim().config()) }
                        </span>
                    }
                    <button type="button" class="theme-toggle" data-testid="theme"
                        aria-label={theme_label} title={theme_label}
                        onclick={send(|| Msg::CycleTheme)}>
                        { format!("◐ Theme: {}", lab.theme.name()) }
                    </button>
                    if lab.walk.is_some() {
                        <button type="button" data-testid="embed-button" aria-expanded={lab.show_snippet.to_string()}
                            onclick={send(|| Msg::ToggleSnippet)}>{ "Embed" }</button>
                        <button type="button" data-testid="export-button" aria-expanded={lab.show_export.to_string()}
                            onclick={send(|| Msg::ToggleExport)}>{ "Export" }</button>
                    }
                </div>
            </header>

            <Picker current={lab.walk.as_ref().map(|w| AttrValue::from(w.name.clone()))}
                on_load={{ let d = lab.dispatcher(); Callback::from(move |n: String| d.dispatch(Msg::Load(n))) }} />
            <crate::exercise::ProblemForm current={lab.walk.as_ref().and_then(|w| w.problem)}
                on_open={{ let d = lab.dispatcher(); Callback::from(move |(s, l)| d.dispatch(Msg::OpenProblem(s, l))) }} />

            if !lab.notices.is_empty() {
                <div class="notice" role="alert" data-testid="url-notice">
                    <ul>{ for lab.notices.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
                    <button type="button" onclick={send(|| Msg::DismissNotices)}
                        aria-label="Dismiss the URL message">{ "Dismiss" }</button>
                </div>
            }

            if let Some(code) = snippet {
                <section class="panel snippet" aria-labelledby="snippet-h">
                    <h2 id="snippet-h">{ "Embed this walkthrough" }</h2>
                    <label for="embed-snippet">{ "Copy this into your page (the current step's range):" }</label>
                    <textarea id="embed-snippet" readonly=true rows="4" data-testid="embed-snippet"
                        onfocus={Callback::from(|e: FocusEvent| {
                            if let Some(t) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() { t.select(); }
                        })}
                        value={code.clone()} />
                    <crate::export::CopyButton text={AttrValue::from(code)} testid="embed-copy" what="the embed snippet" />
                </section>
            }

            if let Some(w) = lab.walk.as_ref().filter(|_| lab.show_export) {
                <crate::export::ExportPanel key={format!("{:p}", Rc::as_ptr(w))} walk={w.clone()} />
            }

            { crate::editor::load_bar(&lab) }

            if let Some(json) = &lab.bench_result {
                <section class="panel bench" aria-labelledby="bench-h">
                    <h2 id="bench-h">{ "Benchmark figures" }</h2>
                    <pre data-testid="bench">{ json }</pre>
                </section>
            } else if lab.bench {
                <p class="hint" data-testid="bench-running">{ "Benchmark running: playing the walkthrough and timing animation frames…" }</p>
            }

            if let Some(walk) = &lab.walk {
                { panels::walkthrough(&lab, walk) }
                <crate::machine::MachineForm machine={walk.machine.clone()}
                    error={lab.machine_error.clone().map(AttrValue::from)}
                    on_apply={{ let d = lab.dispatcher(); Callback::from(move |m| d.dispatch(Msg::SetMachine(m))) }}
                    on_compare={{ let d = lab.dispatcher(); Callback::from(move |m| d.dispatch(Msg::Compare(m))) }} />
                if let Some(c) = &lab.compare {
                    { panels::compare(&lab, c) }
                }
            } else {
                <section class="panel intro" data-testid="intro">
                    <h2>{ "No walkthrough open" }</h2>
                    <p>{ "Choose a walkthrough above and press Open. Each one runs a short scenario on the simulated machine and lets you step through every kernel call it makes, forwards and backwards." }</p>
                </section>
            }

            <crate::travel::TravelLayer travel={lab.travel.clone()} />

            <footer class="footer">
                { "Every number on this page comes from the ttm-core model of Linux 3.3 TTM; the page only renders it. Keys: Space play/pause · ←/→ step · Shift+←/→ by action · Home/End · −/+ speed." }
            </footer>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct PickerProps {
    current: Option<AttrValue>,
    on_load: Callback<String>,
}

/// The walkthrough picker: a select of the catalog (titles shown) and an Open button.
#[component]
fn Picker(props: &PickerProps) -> Html {
    let select = use_node_ref();
    // Titles are read once (loading a scenario also dry-runs it).
    let entries = use_memo((), |_| {
        catalog::names()
            .map(|n| {
                let title = catalog::load(n)
                    .and_then(|r| r.ok())
                    .map_or_else(|| n.to_string(), |s| s.title);
                (n, title)
            })
            .collect::<Vec<(&'static str, String)>>()
    });
    {
        // The select shows the open walkthrough (or the first one when none is open or the open
        // one is not built in).
        let select = select.clone();
        let first = entries.first().map(|(n, _)| n.to_string());
        let names: Vec<&'static str> = entries.iter().map(|(n, _)| *n).collect();
        use_effect_with(props.current.clone(), move |current| {
            if let Some(s) = select.cast::<HtmlSelectElement>() {
                // A file, an edited scenario or a random problem is not in the list.
                let builtin = current.as_deref().filter(|c| names.contains(c));
                if let Some(v) = builtin.map(str::to_string).or(first) {
                    s.set_value(&v);
                }
            }
        });
    }
    let on_submit = {
        let select = select.clone();
        let on_load = props.on_load.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(s) = select.cast::<HtmlSelectElement>() {
                on_load.emit(s.value());
            }
        })
    };
    html! {
        <form class="picker" onsubmit={on_submit} data-testid="picker">
            <label for="walkthrough">{ "Walkthrough" }</label>
            <select id="walkthrough" ref={select} data-testid="walkthrough-select">
                { for entries.iter().map(|(n, t)| html! {
                    <option value={*n}>
                        { format!("{t} ({n})") }
                    </option>
                }) }
            </select>
            <button type="submit" class="primary" data-testid="open">{ "Open" }</button>
            <span class="hint">{ format!("{} built-in walkthrough{}", entries.len(), if entries.len() == 1 { "" } else { "s" }) }</span>
        </form>
    }
}

/// Read a dropped or chosen file and load it as a scenario.
pub fn read_file(file: web_sys::File, d: UseReducerDispatcher<Lab>) {
    let name = file.name();
    wasm_bindgen_futures::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
        let source = format!("The file {:?}", url::clip(&name));
        match text.ok().and_then(|t| t.as_string()) {
            Some(t) => d.dispatch(Msg::LoadText(source, t)),
            None => d.dispatch(Msg::LoadText(source, String::new())),
        }
    });
}

/// Callback helpers for the panels.
pub fn on_seek(d: UseReducerDispatcher<Lab>) -> Callback<InputEvent> {
    Callback::from(move |e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        if let Ok(p) = input.value().parse::<u64>() {
            d.dispatch(Msg::Seek(p));
        }
    })
}

/// The breakpoint select.
pub fn on_breakpoint(d: UseReducerDispatcher<Lab>) -> Callback<Event> {
    Callback::from(move |e: Event| {
        let s: HtmlSelectElement = e.target_unchecked_into();
        let f = s.value().parse::<usize>().ok().and_then(Func::from_index);
        d.dispatch(Msg::SetBreakpoint(f));
    })
}

/// The zoom name for labels.
pub fn zoom_label(z: Zoom) -> &'static str {
    match z {
        Zoom::Action => "action",
        Zoom::Call => "call",
        Zoom::Change => "change",
    }
}

/// All zooms.
pub const ZOOMS: [Zoom; 3] = [Zoom::Action, Zoom::Call, Zoom::Change];

/// Landmark buttons.
pub const LANDMARKS: [Landmark; 6] = [
    Landmark::Refill,
    Landmark::Swapout,
    Landmark::Swapin,
    Landmark::Eviction,
    Landmark::Shrink,
    Landmark::Finding,
];

/// Name of a landmark.
pub fn landmark_label(l: Landmark) -> &'static str {
    landmark_name(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_words_name_the_walkthrough_event_and_step() {
        let w = Walk::load("pool-refill").unwrap();
        let len = w.stepper.borrow().len();
        assert_eq!(
            place_words(&w, 0),
            format!("walkthrough “pool-refill”, event 0 of {len} (boot)")
        );
        let (seed, d) = (17, 2);
        let p = Walk::problem(seed, d).unwrap();
        assert!(place_words(&p, 0).starts_with("random problem 17 (difficulty 2), event 0 of "));
    }
}
