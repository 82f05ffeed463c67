//! The page's state, what the user (or a host page, a timer, the URL) asks of it, and the reducer.
//!
//! **Invariant:** nothing here touches the browser: no `web_sys`, `js_sys`, `gloo` or `yew`
//! (`tests/` checks the imports), so all of it runs and is tested natively. [`reduce`] changes a
//! [`Lab`] for a [`Msg`] and returns what the browser should do about it as [`Effect`]s (write
//! the URL, keep text in local storage, post to the host page, start the play timer…); the shell
//! ([`crate::effects`]) performs them. Every TTM number comes from `ttm_core`: a walkthrough is
//! recorded once ([`Walk`]) and then scrubbed with its `Stepper`.

mod walk;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::rc::Rc;

use ttm_core::narrate;
use ttm_core::{Func, Landmark, MachineConfig, Stepper, Zoom};

pub use walk::{scenario_error, CodeView, Compare, Side, Source, Walk, BENCH_SCENARIO};

use crate::travel::{self, Journey};
use crate::url::{self, Request};
use crate::view::group_digits;

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
/// About how long "Play step" after a question takes (ms): it picks the tempo.
const PLAY_STEP_MS: u64 = 10_000;
/// Spans longer than this are summarised by their size only (narrating them would stall the page).
const NARRATE_MAX: u64 = 200_000;
/// How long pages take to travel after a step (ms).
const TRAVEL_MS: f64 = 500.0;
/// The longest a single leg of a journey plays (ms); legs share the travel time otherwise.
const LEG_MAX_MS: f64 = 420.0;
/// The longest a whole journey plays when stepping by hand (ms).
const TRAVEL_MAX_MS: f64 = 2_400.0;
/// Moves spanning more events than this are jumps (no travel is computed).
const TRAVEL_MAX_EVENTS: u64 = 1 << 20;

/// All zooms, coarsest first.
pub const ZOOMS: [Zoom; 3] = [Zoom::Action, Zoom::Call, Zoom::Change];

/// The landmarks the "Next:" buttons jump to.
pub const LANDMARKS: [Landmark; 6] = [
    Landmark::Refill,
    Landmark::Swapout,
    Landmark::Swapin,
    Landmark::Eviction,
    Landmark::Shrink,
    Landmark::Finding,
];

/// A landmark's name on its button and in "No … after this position".
pub fn landmark_name(l: Landmark) -> &'static str {
    match l {
        Landmark::Refill => "refill",
        Landmark::Swapout => "swap-out",
        Landmark::Swapin => "swap-in",
        Landmark::Eviction => "eviction",
        Landmark::Shrink => "shrink",
        Landmark::Finding => "finding",
    }
}

/// Local-storage key of the theme choice.
pub const THEME_KEY: &str = "ttm-lab-theme";
/// Local-storage key of the scenario editor's text.
pub const EDITOR_KEY: &str = "ttm-lab-editor";
/// Local-storage key of the user's own typing in the editor (never overwritten by a load).
pub const DRAFT_KEY: &str = "ttm-lab-editor-draft";
/// Local-storage key of the reader's answers to the exercises, per walkthrough (JSON).
pub const ANSWERS_KEY: &str = "ttm-lab-answers";
/// Local-storage key set once the first-visit welcome is dismissed.
pub const WELCOME_KEY: &str = "ttm-lab-welcomed";

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
    /// The theme button's order: auto → light → dark → auto.
    pub fn next(self) -> Theme {
        match self {
            Theme::Auto => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Auto,
        }
    }

    /// The theme of a stored name (anything else: auto).
    pub fn from_name(v: &str) -> Theme {
        match v {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::Auto,
        }
    }

    /// Name (the `data-theme` attribute and the stored value).
    pub fn name(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// What the browser knows before the first render: the stored texts and the media preferences.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Env {
    /// `prefers-reduced-motion: reduce`.
    pub reduced_motion: bool,
    /// The stored theme name ([`THEME_KEY`]).
    pub theme: Option<String>,
    /// The stored editor text ([`EDITOR_KEY`]).
    pub editor: Option<String>,
    /// The stored draft ([`DRAFT_KEY`]).
    pub draft: Option<String>,
    /// The stored answers ([`ANSWERS_KEY`]).
    pub answers: Option<String>,
    /// The welcome was dismissed on an earlier visit ([`WELCOME_KEY`]).
    pub welcomed: bool,
    /// The page's address without query or fragment (`https://host/path/`), for links to share.
    pub base: String,
}

/// An answer the reader gave to an exercise, or their choice to skip it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answered {
    /// What they answered (empty when skipped).
    pub given: String,
    /// Whether the model agrees (false when skipped).
    pub correct: bool,
    /// They skipped the question explicitly.
    pub skipped: bool,
}

impl Answered {
    /// A question skipped explicitly.
    pub fn skipped() -> Answered {
        Answered {
            given: String::new(),
            correct: false,
            skipped: true,
        }
    }
}

/// Every walkthrough's answers, by [`Walk::answers_key`], as [`ANSWERS_KEY`] keeps them:
/// `{"pool-refill": {"0": {"given": "492", "correct": true}, "1": {"skipped": true}}}`.
/// Anything unreadable is dropped (a stored text is never trusted to be well formed).
pub fn read_answers(text: &str) -> BTreeMap<String, BTreeMap<usize, Answered>> {
    // Read with ttm-core's JSON reader: the app then has no serde_json parser (issue 16).
    let Ok(serde_json::Value::Object(walks)) = ttm_core::json::parse(text).map(|v| v.to_serde())
    else {
        return BTreeMap::new();
    };
    walks
        .into_iter()
        .filter_map(|(walk, v)| {
            let serde_json::Value::Object(qs) = v else {
                return None;
            };
            let qs = qs
                .into_iter()
                .filter_map(|(i, a)| {
                    let i = i.parse::<usize>().ok()?;
                    if a.get("skipped").and_then(|v| v.as_bool()) == Some(true) {
                        return Some((i, Answered::skipped()));
                    }
                    Some((
                        i,
                        Answered {
                            given: a.get("given")?.as_str()?.to_string(),
                            correct: a.get("correct")?.as_bool()?,
                            skipped: false,
                        },
                    ))
                })
                .collect();
            Some((walk, qs))
        })
        .collect()
}

/// The text [`read_answers`] reads.
pub fn write_answers(all: &BTreeMap<String, BTreeMap<usize, Answered>>) -> String {
    let walks: serde_json::Map<String, serde_json::Value> = all
        .iter()
        .filter(|(_, qs)| !qs.is_empty())
        .map(|(walk, qs)| {
            let qs: serde_json::Map<String, serde_json::Value> = qs
                .iter()
                .map(|(i, a)| {
                    let v = if a.skipped {
                        serde_json::json!({ "skipped": true })
                    } else {
                        serde_json::json!({ "given": a.given, "correct": a.correct })
                    };
                    (i.to_string(), v)
                })
                .collect();
            (walk.clone(), serde_json::Value::Object(qs))
        })
        .collect();
    serde_json::Value::Object(walks).to_string()
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

/// Pool and zone counters at the start of the narrated span (what the panels mark as changed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Before {
    /// (npages, nrefills, nfrees) of each normal pool.
    pub pools: Vec<(u64, u64, u64)>,
    /// used_mem of each zone.
    pub zones: Vec<u64>,
}

/// The narration of the current position: the same text whichever way you arrived.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Narration {
    /// The `say` of the step just done, at an action boundary.
    pub say: Option<String>,
    /// What the last step (at the current zoom) did.
    pub did: String,
    /// The span `did` describes.
    pub span: (u64, u64),
    /// What `did` covers ("Step 2 (populate tt 0): ", "Last call (events 3–5): ").
    pub did_label: String,
    /// The event at the current position, in words.
    pub event: String,
}

/// The page's state. Cheap to clone: the walkthrough and the comparison are shared.
#[derive(Clone)]
pub struct Lab {
    /// The loaded walkthrough.
    pub walk: Option<Rc<Walk>>,
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
    /// prefers-reduced-motion: reduce (no page travel; a slower default speed).
    pub reduced_motion: bool,
    /// What the narration panel says about the current position.
    pub narration: Narration,
    /// Counters at the start of the narrated span, to mark what changed.
    pub before: Option<Before>,
    /// Why the last file, drop or editor run was not loaded (the view is kept).
    pub load_error: Option<String>,
    /// The scenario editor's text (kept in local storage).
    pub editor: String,
    /// What the user last typed in the editor (kept under its own key, so that opening a
    /// walkthrough or a file, which fills the editor, never loses it).
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
    /// What travelled in the last small move, leg by leg along the kernel's path (the stage
    /// lists it; the overlay plays it unless motion is reduced).
    pub travel: Option<Rc<Journey>>,
    /// Embed mode (`?embed=1`): the step range and looping.
    pub embed: Option<Embed>,
    /// The full app's "Embed" snippet is shown.
    pub show_snippet: bool,
    /// The export panel is shown.
    pub show_export: bool,
    /// Exercises are asked (the full app: on unless `exercises=0`; embeds: only with `exercises=1`).
    pub exercises: bool,
    /// Every walkthrough's answers, by [`Walk::answers_key`] (what [`ANSWERS_KEY`] holds; the
    /// open walkthrough's are [`Lab::answers`]).
    pub saved: Rc<BTreeMap<String, BTreeMap<usize, Answered>>>,
    /// Playing the step after a question until this position (then pause).
    pub play_until: Option<u64>,
    /// The speed to go back to when that step has played ([`Msg::PlayStep`] picks a tempo).
    pub resume_speed: Option<usize>,
    /// Show the first-visit welcome.
    pub welcome: bool,
    /// The URL armed the test-only panic trigger (`debug_panic=` with its token; `crate::panic`).
    pub debug_panic: bool,
    /// The page's address without its query (from [`Env::base`]).
    pub base: String,
    /// The call the code pane shows (its Enter event), chosen in the call stack; None: the
    /// innermost. Every move of the cursor goes back to the innermost, as a debugger does.
    pub frame: Option<u64>,
    /// The first screen has been painted, so the panels below it (the details, the machine form,
    /// the scenario files) are drawn too. False only while a full page opens (issue 16: the
    /// first usable render draws what a laptop screen shows, [`Effect::AfterFirstPaint`]).
    pub settled: bool,
}

/// What the user (or the host page, the play timer, the benchmark) asks for.
#[derive(Clone, Debug, PartialEq)]
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
    /// The system's reduced-motion preference changed.
    ReducedMotion(bool),
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
    /// Then and now: compare the current machine (A) with the same machine on Linux 6.12 (B).
    ThenAndNow,
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
    /// Show the code of an open call (its Enter event) in the code pane; None: the innermost.
    SelectFrame(Option<u64>),
    /// Skip exercise `i` explicitly (forward moves then pass it).
    SkipQuestion(usize),
    /// Forget the reader's answers to this walkthrough.
    ResetAnswers,
    /// Play the step that starts at the position, at the current zoom, pausing at its end.
    PlayStep,
    /// Dismiss the first-visit welcome (remembered).
    DismissWelcome,
    /// The first screen has been painted: draw the panels below it ([`Lab::settled`]).
    Settled,
    /// Close the walkthrough and show the course.
    ShowCourse,
    /// A host page's `goto` (docs/embedding.md): a seek that, going forward, stops at an
    /// unanswered question on the way, so a host's buttons cannot skip the exercises.
    HostGoto(u64),
    /// The browser went Back or Forward to this query string (`popstate`): show what it names.
    Navigate(String),
}

/// What the panic screen offers after a panic: the position that rendered last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resume {
    /// The full app's query at that position; None in an embed (its own URL with `step=` is used).
    pub query: Option<String>,
    /// The position.
    pub pos: u64,
    /// The position in words ([`Walk::place_words`]).
    pub place: String,
    /// Shown in an embed.
    pub embed: bool,
}

/// What the browser should do after a change: the reducer's side effects, as data.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Replace the address bar's query (`history.replaceState`: stepping does not flood the
    /// history).
    ReplaceUrl(String),
    /// Add a history entry with this query (`history.pushState`): another walkthrough was
    /// opened, so Back returns to the one before (or to the course).
    PushUrl(String),
    /// Set the document's title.
    SetTitle(String),
    /// Keep a text in local storage under a key (None: remove it).
    Store(&'static str, Option<String>),
    /// Set `<html data-theme>`.
    SetTheme(Theme),
    /// Tick the play timer every so many milliseconds (None: stop it).
    Timer(Option<u32>),
    /// Tell the host page about the position: `{type: "ttm-lab", event: "step", step, of, action,
    /// position}`.
    PostStep {
        /// The position (the raw event index, as in links).
        step: u64,
        /// The trace length.
        of: u64,
        /// The action's label there.
        action: String,
        /// The position as people read it, the same words as the app's ("step 2 of 3 (…) ·
        /// call 14 of 61", [`Walk::position_words`]).
        position: String,
    },
    /// Tell the host page about an answer: `{type: "ttm-lab", event: "answer", step, correct}`.
    PostAnswer {
        /// The step the question is asked before.
        step: usize,
        /// Whether the model agrees.
        correct: bool,
    },
    /// Listen to the host page's commands (embed mode, from the start).
    ListenToHost,
    /// Bring the exercise card into view and put the keyboard focus in it (the answer field or
    /// its first choice; full app only: an embed must not scroll its host).
    ScrollToExercise,
    /// Bring a newly opened comparison into view, its heading focused (it opens below the
    /// machine form, out of sight on a laptop screen).
    ShowCompare,
    /// Record where the panic screen goes back to.
    Remember(Resume),
    /// Define `window.__ttmLabPanic()` (the URL armed the test trigger).
    ArmPanicTrigger,
    /// Start the benchmark (`?bench=1`, once the walkthrough is open).
    StartBench,
    /// Send [`Msg::Settled`] once the browser has painted the first screen.
    AfterFirstPaint,
    /// Put the User Timing mark [`FIRST_SCREEN_MARK`] on the page's timeline: the first screen
    /// is in the document (performed after the first render; `e2e/first-render.mjs` reads it).
    MarkFirstScreen,
}

/// The `performance.mark` name of [`Effect::MarkFirstScreen`].
pub const FIRST_SCREEN_MARK: &str = "ttm-lab:first-screen";

/// The outward facts effects follow: compared before and after each change, a difference is an
/// effect.
#[derive(Default, PartialEq)]
struct Outward {
    query: Option<String>,
    /// What is open (a change of it is a new history entry).
    opened: Option<String>,
    title: String,
    resume: Option<Resume>,
    timer: Option<u32>,
    theme: Option<Theme>,
    step_event: Option<(u64, u64, String, String)>,
    asking: Option<usize>,
    /// The open comparison, by identity (a new one is brought into view).
    comparing: Option<usize>,
}

impl Outward {
    fn of(lab: &Lab) -> Outward {
        let query = lab.query();
        let resume = lab.walk.as_ref().filter(|_| !lab.bench).map(|w| {
            let pos = w.pos();
            Resume {
                query: query.clone(),
                pos,
                place: w.place_words(pos),
                embed: lab.embed.is_some(),
            }
        });
        Outward {
            opened: lab.walk.as_ref().map(|w| w.answers_key()),
            title: match &lab.walk {
                Some(w) => match ttm_core::catalog::lesson_of(&w.name).filter(|_| w.builtin) {
                    Some((n, _)) => format!("Lesson {n}: {} · TTM Lab", w.title),
                    None => format!("{} · TTM Lab", w.title),
                },
                None => "TTM Lab: step through the Linux 3.3 TTM memory manager".to_string(),
            },
            query,
            resume,
            timer: lab.playing.then(|| SPEEDS[lab.speed].0),
            theme: Some(lab.theme),
            step_event: lab.embed.and(lab.walk.as_ref()).map(|w| {
                let pos = w.pos();
                (
                    pos,
                    w.trace_len(),
                    w.action_label(pos),
                    w.position_words(pos),
                )
            }),
            asking: lab.pending_question().filter(|_| lab.embed.is_none()),
            comparing: lab.compare.as_ref().map(|c| Rc::as_ptr(c) as usize),
        }
    }

    /// The effects that bring the browser from `self` to `now`.
    fn changes(self, now: Outward, fx: &mut Vec<Effect>) {
        if now.theme != self.theme {
            if let Some(t) = now.theme {
                fx.push(Effect::SetTheme(t));
            }
        }
        if now.timer != self.timer {
            fx.push(Effect::Timer(now.timer));
        }
        if now.title != self.title {
            fx.push(Effect::SetTitle(now.title.clone()));
        }
        if now.query != self.query {
            match &now.query {
                Some(q) if now.opened != self.opened => fx.push(Effect::PushUrl(q.clone())),
                Some(q) => fx.push(Effect::ReplaceUrl(q.clone())),
                // The course (nothing open): its address has no query.
                None if self.query.is_some() && now.opened.is_none() => {
                    fx.push(Effect::PushUrl(String::new()))
                }
                None => {}
            }
        }
        if now.resume != self.resume {
            if let Some(r) = now.resume {
                fx.push(Effect::Remember(r));
            }
        }
        if now.step_event != self.step_event {
            if let Some((step, of, action, position)) = now.step_event {
                fx.push(Effect::PostStep {
                    step,
                    of,
                    action,
                    position,
                });
            }
        }
        if now.asking.is_some() && now.asking != self.asking {
            fx.push(Effect::ScrollToExercise);
        }
        if now.comparing.is_some() && now.comparing != self.comparing {
            fx.push(Effect::ShowCompare);
        }
    }
}

/// Apply `msg` to `lab`. Returns None when nothing changed (the page need not re-render), else
/// the effects to perform.
pub fn reduce(lab: &mut Lab, msg: Msg) -> Option<Vec<Effect>> {
    let before = Outward::of(lab);
    let mut fx = Vec::new();
    // Back and Forward have moved the history already: the address is only tidied.
    let navigated = matches!(msg, Msg::Navigate(_));
    if !lab.apply(msg, &mut fx) {
        return None;
    }
    before.changes(Outward::of(lab), &mut fx);
    if navigated {
        no_new_history(&mut fx);
    }
    Some(fx)
}

/// Turn history entries into replacements (opening from the URL, Back and Forward).
fn no_new_history(fx: &mut [Effect]) {
    for e in fx {
        if let Effect::PushUrl(q) = e {
            *e = Effect::ReplaceUrl(std::mem::take(q));
        }
    }
}

/// The notice for a scenario in the URL that cannot be used.
/// The editor's text for a walkthrough just opened: a built-in walkthrough's own file as it is
/// written (no serializing at load: issue 16's first render), else the scenario's JSON the walk
/// already holds for its URL.
fn editor_text(walk: &Walk) -> String {
    walk.builtin
        .then(|| ttm_core::catalog::get(&walk.name))
        .flatten()
        .map_or_else(|| walk.json.clone(), str::to_string)
}

fn url_scenario_error(e: &str) -> String {
    format!(
        "The scenario in the URL cannot be used ({}); showing the default view.",
        url::clip(e)
    )
}

impl Lab {
    /// Nothing open, preferences from `env`.
    pub fn empty(env: &Env) -> Lab {
        Lab {
            walk: None,
            zoom: Zoom::Call,
            playing: false,
            speed: if env.reduced_motion {
                REDUCED_MOTION_SPEED
            } else {
                DEFAULT_SPEED
            },
            notices: Vec::new(),
            status: None,
            breakpoint: None,
            debugfs: false,
            theme: env.theme.as_deref().map_or(Theme::Auto, Theme::from_name),
            reduced_motion: env.reduced_motion,
            narration: Narration::default(),
            before: None,
            load_error: None,
            editor: env.editor.clone().unwrap_or_default(),
            draft: env.draft.clone().filter(|d| !d.trim().is_empty()),
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
            saved: Rc::new(env.answers.as_deref().map(read_answers).unwrap_or_default()),
            play_until: None,
            resume_speed: None,
            welcome: !env.welcomed,
            debug_panic: false,
            base: env.base.clone(),
            frame: None,
            settled: true,
        }
    }

    /// The page the URL asks for (broken parameters become notices), and what the browser must
    /// do to show it (the theme, the URL, the timer, the host listener…).
    pub fn open(req: Request, env: &Env) -> (Lab, Vec<Effect>) {
        let mut lab = Lab::empty(env);
        let mut fx = Vec::new();
        lab.open_request(req, &mut fx);
        if lab.embed.is_some() || lab.bench {
            lab.welcome = false;
        }
        let blank = Outward::default();
        blank.changes(Outward::of(&lab), &mut fx);
        no_new_history(&mut fx);
        if lab.embed.is_some() {
            fx.push(Effect::ListenToHost);
        }
        if lab.debug_panic {
            fx.push(Effect::ArmPanicTrigger);
        }
        if lab.bench && lab.walk.is_some() {
            fx.push(Effect::StartBench);
        }
        // A full page draws its first screen first. Not when a comparison opens with it: that
        // is scrolled into view at once, and what is drawn above it later would push it away.
        if lab.embed.is_none() && lab.compare.is_none() {
            lab.settled = false;
            fx.push(Effect::AfterFirstPaint);
        }
        fx.push(Effect::MarkFirstScreen);
        (lab, fx)
    }

    fn open_request(&mut self, req: Request, fx: &mut Vec<Effect>) {
        if req.bench {
            self.bench = true;
            self.speed = SPEEDS.len() - 1;
            match Walk::open(Source::Text(BENCH_SCENARIO)) {
                Ok(w) => self.set_walk(w),
                Err(e) => self.notices.push(format!("The benchmark cannot run: {e}")),
            }
            return;
        }
        self.debug_panic = req.debug_panic;
        let embed = req.embed;
        if embed {
            self.embed = Some(Embed {
                from: 0,
                to: 0,
                looping: false,
            });
            if let Some(t) = &req.theme {
                self.theme = Theme::from_name(t);
            }
        }
        self.exercises = req.exercises;
        self.notices.extend(req.notices);
        let q = req.query;
        if let Some(z) = q.zoom {
            self.zoom = z;
        }
        // A scenario from a file or the editor travels in the URL as base64url JSON.
        let text = match &req.scenario {
            Some(b64) => match url::decode_scenario(b64) {
                Ok(text) => Some(text),
                Err(e) => return self.notices.push(url_scenario_error(&e)),
            },
            None => None,
        };
        let source = match (&text, req.problem, &q.walkthrough) {
            (Some(text), _, _) => Source::Text(text),
            (None, Some((seed, d)), _) => Source::Problem(seed, d),
            (None, None, Some(name)) => Source::Builtin(name),
            (None, None, None) if embed => return self.notices.push(
                "This embed names no walkthrough or scenario (add walkthrough=NAME or scenario=…)."
                    .into(),
            ),
            (None, None, None) if q.step.is_some() || q.zoom.is_some() => {
                return self
                    .notices
                    .push("The URL gives a step but no walkthrough; pick one below.".into())
            }
            (None, None, None) => return,
        };
        // Machine overrides change the scenario's machine before it runs: one run.
        let loaded = if req.machine.is_empty() {
            Walk::open(source)
        } else {
            let mut broken = Vec::new();
            let opened = Walk::open_on(source, |own| {
                let mut m = own.clone();
                for (k, v) in &req.machine {
                    if let Err(e) = url::apply_machine(&mut m, k, v) {
                        broken.push(e);
                    }
                }
                broken.is_empty().then_some(m)
            });
            self.notices.extend(broken);
            opened.map(|(w, refused)| {
                if let Some(e) = refused {
                    self.notices.push(format!(
                        "The machine in the URL cannot run this walkthrough ({e}); showing its own machine."
                    ));
                }
                w
            })
        };
        let mut walk = match loaded {
            Ok(walk) => walk,
            Err(e) => {
                return self.notices.push(match source {
                    Source::Text(_) => url_scenario_error(&e),
                    Source::Builtin(_) => format!("{e} Pick one of the walkthroughs below."),
                    Source::Problem(..) => e,
                })
            }
        };
        if self.editor.is_empty() && !embed {
            let text = text.unwrap_or_else(|| editor_text(&walk));
            self.set_editor(text, fx);
        }
        let len = walk.trace_len();
        // A walkthrough opens at its first user step (the device setup is a step back).
        let first = walk.first_user_step();
        let mut target = q.step.unwrap_or(first);
        if embed {
            let (mut from, to, problems) =
                url::embed_range(req.range.0.as_deref(), req.range.1.as_deref(), len);
            if req.range.0.is_none() {
                from = first.min(to);
            }
            self.notices.extend(problems);
            self.embed = Some(Embed {
                from,
                to,
                looping: req.looping,
            });
            target = q.step.filter(|s| (from..=to).contains(s)).unwrap_or(from);
            self.playing = req.autoplay && from < to;
        } else if target > len {
            self.notices.push(format!(
                "Step {target} is past the end of this walkthrough ({len} events); showing the end."
            ));
            target = len;
        }
        walk.stepper.get_mut().seek(target);
        let walk = Rc::new(walk);
        self.walk = Some(walk.clone());
        if let Some(b) = &req.compare {
            let mut m = walk.scenario.machine.clone();
            let mut broken = Vec::new();
            for (k, v) in b {
                if let Err(e) = url::apply_machine(&mut m, k, v) {
                    broken.push(e);
                }
            }
            self.notices.extend(broken);
            match Compare::of(&walk, m) {
                Ok(c) => {
                    let first = c.first_divergence.unwrap_or(0);
                    self.compare = Some(Rc::new(c));
                    self.show_compare_step(first);
                }
                Err(e) => self
                    .notices
                    .push(format!("The comparison in the URL cannot be made: {e}")),
            }
        }
        self.refresh();
    }

    /// The full app's query string for the view (None in an embed, in the benchmark and with
    /// nothing open: those never write their URL).
    pub fn query(&self) -> Option<String> {
        let w = self
            .walk
            .as_ref()
            .filter(|_| !self.bench && self.embed.is_none())?;
        let q = url::full_query(
            w.origin(),
            &w.scenario.machine,
            &w.machine,
            w.pos(),
            self.zoom,
        );
        // Compare mode names machine B (what differs from the walkthrough's own machine).
        Some(match &self.compare {
            Some(c) => format!(
                "{q}{}",
                url::compare_params(&w.scenario.machine, &c.b.machine())
            ),
            None => q,
        })
    }

    /// The "Embed" snippet for the current step's range (an `<iframe>` of this page in embed
    /// mode), when it is shown.
    pub fn snippet(&self) -> Option<String> {
        let w = self.walk.as_ref().filter(|_| self.show_snippet)?;
        let (pos, len) = (w.pos(), w.trace_len());
        let (from, to) = match w.step_at(pos) {
            Some(i) => (w.steps[i].first_event, w.steps[i].end_event.max(pos)),
            None => (0, pos.max(w.steps.first().map_or(len, |f| f.first_event))),
        };
        // Ask the exercises of the range in the embed too, if the reader has them on.
        let ask = self.exercises
            && w.questions.iter().any(|q| {
                w.steps
                    .get(q.step)
                    .is_some_and(|s| (from..to).contains(&s.first_event))
            });
        Some(format!(
            "<iframe title=\"TTM Lab: {}\" width=\"900\" height=\"640\" loading=\"lazy\" src=\"{}{}{}\"></iframe>",
            w.title.replace('"', "&quot;").replace('<', "&lt;"),
            self.base,
            url::embed_query(w.origin(), &w.scenario.machine, &w.machine, from, to)
                .replace('&', "&amp;"),
            if ask { "&amp;exercises=1" } else { "" }
        ))
    }

    /// Show a freshly run walkthrough at its first user step, with the reader's answers to it.
    fn set_walk(&mut self, walk: Walk) {
        if !self.bench {
            let first = walk.first_user_step();
            walk.stepper.borrow_mut().seek(first);
        }
        self.walk = Some(Rc::new(walk));
        self.travel = None;
        self.playing = false;
        self.status = None;
        self.breakpoint = None;
        self.notices.clear();
        self.compare = None;
        self.load_error = None;
        self.machine_error = None;
        self.play_until = None;
        self.frame = None;
        self.refresh();
    }

    fn set_editor(&mut self, text: String, fx: &mut Vec<Effect>) {
        fx.push(Effect::Store(EDITOR_KEY, Some(text.clone())));
        self.editor = text;
    }

    /// Open a walkthrough that has just run, with its scenario in the editor.
    fn open_walk(&mut self, walk: Walk, fx: &mut Vec<Effect>) {
        self.set_editor(editor_text(&walk), fx);
        self.set_walk(walk);
    }

    /// Step forward at zoom `z`, stopping at the first unanswered exercise on the way; at one,
    /// stay until it is answered or skipped. True when it stopped at one (or stayed).
    fn forward(&mut self, z: Zoom) -> bool {
        let Some(from) = self.walk.as_ref().map(|w| w.pos()) else {
            return false;
        };
        if self.pending_question().is_some() {
            self.status = Some("Answer the question above, or skip it, to go on.".into());
            return true;
        }
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
            .filter(|(i, _)| !self.answers().contains_key(i))
            .filter_map(|(i, q)| walk.steps.get(q.step).map(|s| (i, s.first_event)))
            .filter(|&(_, b)| b > pos || (inclusive && b == pos))
            .min_by_key(|&(_, b)| b)
    }

    /// The first unanswered exercise at or after the current position: what happens after its
    /// boundary would give its answer away, so the chart and the steps list stop there.
    /// (question index, boundary position)
    pub fn next_question(&self) -> Option<(usize, u64)> {
        let pos = self.walk.as_ref()?.pos();
        self.open_question_after(pos, true)
    }

    /// The unanswered exercise at the current position, if exercises are on.
    pub fn pending_question(&self) -> Option<usize> {
        let pos = self.walk.as_ref()?.pos();
        self.open_question_after(pos, true)
            .filter(|&(_, b)| b == pos)
            .map(|(i, _)| i)
    }

    /// The step played after a question is over (or interrupted): back to the reader's speed.
    fn end_step_play(&mut self) {
        self.play_until = None;
        if let Some(sp) = self.resume_speed.take() {
            self.speed = sp;
        }
    }

    /// The reader's answers to the open walkthrough, by question index (none when nothing is
    /// open).
    pub fn answers(&self) -> Rc<BTreeMap<usize, Answered>> {
        let key = self.walk.as_ref().map(|w| w.answers_key());
        Rc::new(
            key.and_then(|k| self.saved.get(&k).cloned())
                .unwrap_or_default(),
        )
    }

    /// Record the reader's answer (or skip) to question `i`, and keep every answer in storage.
    fn keep_answer(&mut self, i: usize, a: Answered, fx: &mut Vec<Effect>) {
        let Some(key) = self.walk.as_ref().map(|w| w.answers_key()) else {
            return;
        };
        Rc::make_mut(&mut self.saved)
            .entry(key)
            .or_default()
            .insert(i, a);
        fx.push(Effect::Store(ANSWERS_KEY, Some(write_answers(&self.saved))));
    }

    /// The exercise card to show: the question at the position, or, while its step plays after
    /// it was answered, that question (its verdict stays beside the animation).
    pub fn card(&self) -> Option<usize> {
        let walk = self.walk.as_ref().filter(|_| self.exercises)?;
        let pos = walk.pos();
        if let Some((i, _)) = walk.question_at(pos) {
            return Some(i);
        }
        self.play_until?;
        walk.questions
            .iter()
            .enumerate()
            .find(|(i, q)| {
                self.answers().contains_key(i)
                    && walk
                        .steps
                        .get(q.step)
                        .is_some_and(|s| s.first_event < pos && pos <= s.end_event)
            })
            .map(|(i, _)| i)
    }

    /// Move both sides of the comparison to the end of step `i`.
    fn show_compare_step(&mut self, i: usize) {
        if self.compare.as_ref().is_some_and(|c| c.show(i)) {
            self.compare_step = i;
        }
    }

    /// Recompute the narration for the current position: the step's `say` at a boundary, and
    /// what the last step at the current zoom did (the same text whichever way you arrived).
    fn refresh(&mut self) {
        let Some(walk) = &self.walk else {
            return;
        };
        let mut s = walk.stepper.borrow_mut();
        let to = s.pos();
        let done = if walk.at_boundary(to) && to > 0 {
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
        let sim = s.sim().clone();
        // Where a walkthrough opens (the device set up, step 1 next): say so, not the setup's
        // last call.
        let ready = done.is_none() && to > 0 && to == walk.first_user_step();
        // narrate() reads names from the state at the start of the span: visit it, then come back.
        let did = if ready {
            // An embed whose range starts here cannot step back into the setup.
            let back = if self.embed.is_some_and(|e| e.from >= to) {
                ""
            } else {
                "; step back to watch them"
            };
            format!(
                "the device is set up ({} kernel calls{back}). Next, step 1: {}. Press → to step through its calls, Shift+→ for the whole step.",
                group_digits(walk.recording.calls_begun(to)),
                walk.steps[0].label
            )
        } else if to - from > NARRATE_MAX {
            format!(
                "{} events: too many to summarise here; step by call or change to read them.",
                group_digits(to - from)
            )
        } else {
            s.seek(from);
            if to - from == 1 {
                narrate::event(&sim, s.state(), from)
            } else {
                narrate::narrate(&sim, s.state(), from, to)
            }
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
        let event = if to == 0 {
            String::new()
        } else {
            s.seek(to - 1);
            narrate::event(&sim, s.state(), to - 1)
        };
        s.seek(to);
        self.narration = Narration {
            say: done.and_then(|i| walk.say(i)),
            did,
            span: (from, to),
            did_label: match done {
                Some(i) => format!("Step {} ({}): ", i + 1, walk.steps[i].label),
                None if ready => "Ready: ".to_string(),
                None => format!("Last {}: ", url::zoom_name(self.zoom)),
            },
            event,
        };
    }

    /// Move the cursor with `f` (which may say why it found nothing), keep an embed inside its
    /// range, and recompute the travel and the narration.
    fn with_stepper(&mut self, f: impl FnOnce(&mut Stepper) -> Option<String>) {
        let Some(walk) = self.walk.clone() else {
            return;
        };
        let (from, from_action) = {
            let s = walk.stepper.borrow();
            (s.pos(), s.action_index())
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
        self.frame = None;
        self.travel = self.travel_since(&walk, from, from_action);
        self.refresh();
    }

    /// Seek to `p` (through [`Lab::with_stepper`]).
    fn seek(&mut self, p: u64) {
        self.with_stepper(|s| {
            s.seek(p);
            None
        });
    }

    /// What travelled in the move from `from` to the current position, leg by leg
    /// (`Stepper::hops_since`: the kernel's path, in its order; reversed when stepping back).
    /// None for jumps (more than one action at once); listed but not played under reduced motion,
    /// while benchmarking, and when playing too fast for the legs to be seen.
    fn travel_since(
        &self,
        walk: &Walk,
        from: u64,
        from_action: Option<usize>,
    ) -> Option<Rc<Journey>> {
        let s = walk.stepper.borrow();
        let to = s.pos();
        let rank = |a: Option<usize>| a.map_or(0, |i| i + 1);
        if to == from
            || rank(s.action_index()).abs_diff(rank(from_action)) > 1
            || to.abs_diff(from) > TRAVEL_MAX_EVENTS
        {
            return None;
        }
        let hops = s.hops_since(from);
        // Stepping by hand: each leg gets its full time (a refill's two legs take 0.84 s);
        // playing: the legs share the time of one step.
        let total = if self.playing {
            (f64::from(SPEEDS[self.speed].0) * 0.85).min(TRAVEL_MS)
        } else {
            (LEG_MAX_MS * hops.len().min(travel::MAX_LEGS) as f64).min(TRAVEL_MAX_MS)
        };
        let legs = hops.len().clamp(1, travel::MAX_LEGS) as f64;
        let mut leg_ms = (total / legs).min(LEG_MAX_MS);
        if self.bench || self.reduced_motion || leg_ms < 90.0 {
            leg_ms = 0.0;
        }
        travel::build(s.state(), &hops, leg_ms).map(Rc::new)
    }

    /// Change the state for `msg`, pushing the effects that are not visible in the state itself
    /// (storage, answers posted). False when nothing changed.
    fn apply(&mut self, msg: Msg, fx: &mut Vec<Effect>) -> bool {
        match msg {
            Msg::Load(name) => match Walk::open(Source::Builtin(&name)) {
                Ok(walk) => self.open_walk(walk, fx),
                Err(e) => self.notices = vec![e],
            },
            Msg::LoadText(source, text) => match Walk::open(Source::Text(&text)) {
                Ok(walk) => {
                    self.set_editor(text, fx);
                    self.set_walk(walk);
                }
                Err(e) => {
                    self.load_error = Some(format!(
                        "{source} was not loaded: {e}. {}",
                        if self.walk.is_some() {
                            "The walkthrough shown is unchanged."
                        } else {
                            "Nothing was opened."
                        }
                    ))
                }
            },
            Msg::EditorInput(text) => {
                fx.push(Effect::Store(DRAFT_KEY, Some(text.clone())));
                self.draft = Some(text.clone()).filter(|d| !d.trim().is_empty());
                self.set_editor(text, fx);
            }
            Msg::RestoreDraft => {
                if let Some(d) = self.draft.clone() {
                    self.set_editor(d, fx);
                }
            }
            Msg::DiscardDraft => {
                fx.push(Effect::Store(DRAFT_KEY, None));
                self.draft = None;
            }
            Msg::RunEditor => {
                let text = self.editor.clone();
                return self.apply(Msg::LoadText("The editor's scenario".into(), text), fx);
            }
            Msg::SetMachine(cfg) => {
                let Some(w) = self.walk.clone() else {
                    return false;
                };
                match cfg.and_then(|m| w.rerun(m)) {
                    Ok(nw) => {
                        // The same moment of the scenario: the same step, as many calls into it.
                        let pos = nw.same_moment(&w, w.pos());
                        self.set_walk(nw);
                        self.seek(pos);
                    }
                    Err(e) => {
                        self.machine_error = Some(format!(
                            "This machine cannot be used: {e}. The run shown is unchanged."
                        ))
                    }
                }
            }
            Msg::Compare(cfg) => {
                let Some(w) = self.walk.clone() else {
                    return false;
                };
                match cfg.and_then(|b| Compare::of(&w, b)) {
                    Ok(c) => {
                        let first = c.first_divergence.unwrap_or(0);
                        self.compare = Some(Rc::new(c));
                        self.machine_error = None;
                        self.playing = false;
                        self.show_compare_step(first);
                    }
                    Err(e) => {
                        self.machine_error = Some(format!(
                            "These machines cannot be compared: {e}. The view is unchanged."
                        ))
                    }
                }
            }
            Msg::ThenAndNow => {
                let Some(w) = self.walk.as_ref() else {
                    return false;
                };
                let mut b = w.machine.clone();
                b.kernel = ttm_core::Kernel::V6_12;
                return self.apply(Msg::Compare(Ok(b)), fx);
            }
            Msg::CompareStep(i) => self.show_compare_step(i),
            Msg::CloseCompare => self.compare = None,
            Msg::BenchDone(json) => {
                self.playing = false;
                let (pos, len) = self
                    .walk
                    .as_ref()
                    .map_or((0, 0), |w| (w.pos(), w.trace_len()));
                // The figures, plus how far the play got (zoom: call) in the trace.
                self.bench_result = Some(format!(
                    "{},\n  \"events_played\": {pos},\n  \"trace_events\": {len}\n}}",
                    json.trim_end().trim_end_matches('}').trim_end()
                ));
            }
            Msg::Step(fwd, zoom) => {
                let z = zoom.unwrap_or(self.zoom);
                self.playing = false;
                self.end_step_play();
                if fwd {
                    let at = self.walk.as_ref().map(|w| w.pos());
                    if self.forward(z) && self.walk.as_ref().map(|w| w.pos()) == at {
                        // Held at the question: the keyboard goes back to it.
                        fx.push(Effect::ScrollToExercise);
                    }
                } else {
                    self.with_stepper(|s| {
                        s.backward(z);
                        None
                    });
                }
            }
            Msg::Start => {
                self.playing = false;
                self.seek(0);
            }
            Msg::End => {
                self.playing = false;
                self.with_stepper(|s| {
                    s.seek(s.len());
                    None
                });
            }
            Msg::Seek(p) => self.seek(p),
            Msg::TogglePlay => {
                let Some(walk) = self.walk.clone() else {
                    return false;
                };
                let (start, end) = self.embed.map_or((0, walk.trace_len()), |e| (e.from, e.to));
                if !self.playing && walk.pos() >= end {
                    // Play from the start again.
                    self.seek(start);
                }
                self.playing = !self.playing;
                self.end_step_play();
            }
            Msg::Tick => {
                if !self.playing {
                    return false;
                }
                let Some(walk) = self.walk.clone() else {
                    return false;
                };
                let end = self.embed.map_or(walk.trace_len(), |e| e.to);
                match self.embed {
                    // Looping embed at the end of its range: back to its start.
                    Some(e) if e.looping && walk.pos() >= e.to => self.seek(e.from),
                    _ => {
                        if self.forward(self.zoom) {
                            // An exercise: wait for the reader's prediction.
                            self.playing = false;
                        }
                    }
                }
                // Playing one step after its question: pause at its end.
                if let Some(until) = self.play_until {
                    if walk.pos() >= until {
                        if walk.pos() > until {
                            self.seek(until);
                        }
                        self.playing = false;
                        self.end_step_play();
                    }
                }
                if walk.pos() >= end && !self.embed.is_some_and(|e| e.looping) {
                    self.playing = false;
                }
            }
            Msg::Speed(faster) => {
                self.resume_speed = None;
                self.speed = if faster {
                    (self.speed + 1).min(SPEEDS.len() - 1)
                } else {
                    self.speed.saturating_sub(1)
                };
            }
            Msg::SetZoom(z) => {
                self.zoom = z;
                self.refresh();
            }
            Msg::Landmark(kind, fwd) => {
                self.playing = false;
                self.with_stepper(|s| {
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
            Msg::SetBreakpoint(f) => self.breakpoint = f,
            Msg::RunToBreakpoint(fwd) => {
                let Some(f) = self.breakpoint else {
                    self.status = Some("Choose a function for the breakpoint first.".into());
                    return true;
                };
                let sym = self
                    .walk
                    .as_ref()
                    .and_then(|w| {
                        w.recording
                            .funcs_seen()
                            .iter()
                            .find(|(g, _)| *g == f)
                            .map(|(_, s)| *s)
                    })
                    .unwrap_or(f.symbol());
                self.playing = false;
                self.with_stepper(|s| {
                    let found = if fwd { s.next_call(f) } else { s.prev_call(f) };
                    (!found).then(|| {
                        format!(
                            "No call of {sym} {} this position.",
                            if fwd { "after" } else { "before" }
                        )
                    })
                });
            }
            Msg::ToggleDebugfs => self.debugfs = !self.debugfs,
            Msg::CycleTheme => {
                self.theme = self.theme.next();
                fx.push(Effect::Store(THEME_KEY, Some(self.theme.name().into())));
            }
            Msg::ReducedMotion(on) => self.reduced_motion = on,
            Msg::DismissNotices => self.notices.clear(),
            Msg::Play if !self.playing => return self.apply(Msg::TogglePlay, fx),
            Msg::Pause if self.playing => self.playing = false,
            Msg::Play | Msg::Pause => return false,
            Msg::ToggleSnippet => self.show_snippet = !self.show_snippet,
            Msg::ToggleExport => self.show_export = !self.show_export,
            Msg::ToggleExercises => self.exercises = !self.exercises,
            Msg::Answer(i, given) => {
                let Some(q) = self.walk.as_ref().and_then(|w| w.questions.get(i)) else {
                    return false;
                };
                if given.trim().is_empty() || self.answers().contains_key(&i) {
                    return false;
                }
                let correct = q.check(&given);
                let step = q.step;
                self.keep_answer(
                    i,
                    Answered {
                        given,
                        correct,
                        skipped: false,
                    },
                    fx,
                );
                if self.embed.is_some() {
                    fx.push(Effect::PostAnswer { step, correct });
                }
            }
            Msg::OpenProblem(seed, difficulty) => {
                match Walk::open(Source::Problem(seed, difficulty)) {
                    Ok(walk) => self.open_walk(walk, fx),
                    Err(e) => self.notices = vec![e],
                }
            }
            Msg::SkipQuestion(i) => {
                let known = self.walk.as_ref().is_some_and(|w| i < w.questions.len());
                if !known || self.answers().contains_key(&i) {
                    return false;
                }
                self.keep_answer(i, Answered::skipped(), fx);
                self.status = None;
            }
            Msg::ResetAnswers => {
                let Some(key) = self.walk.as_ref().map(|w| w.answers_key()) else {
                    return false;
                };
                if self.answers().is_empty() {
                    return false;
                }
                Rc::make_mut(&mut self.saved).remove(&key);
                fx.push(Effect::Store(ANSWERS_KEY, Some(write_answers(&self.saved))));
            }
            Msg::PlayStep => {
                let Some(walk) = self.walk.clone() else {
                    return false;
                };
                let pos = walk.pos();
                let Some(end) = walk
                    .steps
                    .iter()
                    .find(|s| s.first_event <= pos && pos < s.end_event)
                    .map(|s| s.end_event)
                else {
                    return false;
                };
                if self.pending_question().is_some() {
                    return false;
                }
                // A tempo that shows the whole step in about ten seconds (a call is about two
                // moves at call zoom: its entry and its return), never slower than chosen.
                let moves = match self.zoom {
                    Zoom::Action => 1,
                    Zoom::Call => {
                        2 * (walk.recording.calls_begun(end) - walk.recording.calls_begun(pos)) + 1
                    }
                    Zoom::Change => end - pos,
                };
                // Too many calls to watch one by one even at the fastest tempo: the step in one
                // move, whose pages travel leg after leg along the kernel's path.
                if u64::from(SPEEDS[SPEEDS.len() - 1].0) * moves > PLAY_STEP_MS {
                    self.playing = false;
                    self.with_stepper(|s| {
                        s.seek(end);
                        None
                    });
                    return true;
                }
                let tempo = (self.speed..SPEEDS.len())
                    .find(|&i| u64::from(SPEEDS[i].0) * moves <= PLAY_STEP_MS)
                    .unwrap_or(SPEEDS.len() - 1);
                if tempo != self.speed {
                    self.resume_speed = Some(self.speed);
                    self.speed = tempo;
                }
                self.play_until = Some(end);
                self.playing = true;
            }
            Msg::Settled => {
                if self.settled {
                    return false;
                }
                self.settled = true;
            }
            Msg::DismissWelcome => {
                if !self.welcome {
                    return false;
                }
                self.welcome = false;
                fx.push(Effect::Store(WELCOME_KEY, Some("1".into())));
            }
            Msg::HostGoto(p) => {
                let Some(from) = self.walk.as_ref().map(|w| w.pos()) else {
                    return false;
                };
                let stop = if p > from {
                    self.open_question_after(from, true)
                        .map(|(_, b)| b)
                        .filter(|&b| b <= p)
                } else {
                    None
                };
                self.playing = false;
                self.seek(stop.unwrap_or(p));
                if stop.is_some_and(|b| b < p) {
                    self.status =
                        Some("Stopped at a question: answer it (or skip it) to go on.".into());
                }
            }
            Msg::ShowCourse => {
                if self.walk.is_none() {
                    return false;
                }
                self.walk = None;
                self.compare = None;
                self.playing = false;
                self.play_until = None;
                self.travel = None;
                self.status = None;
            }
            Msg::Navigate(search) => {
                let welcome = self.welcome;
                let env = Env {
                    reduced_motion: self.reduced_motion,
                    theme: Some(self.theme.name().to_string()),
                    editor: Some(self.editor.clone()),
                    draft: self.draft.clone(),
                    answers: None,
                    welcomed: true,
                    base: self.base.clone(),
                };
                let saved = self.saved.clone();
                let mut next = Lab::empty(&env);
                next.saved = saved;
                next.welcome = welcome;
                next.open_request(url::request(&search), fx);
                *self = next;
            }
            Msg::SelectFrame(at) => {
                if self.frame == at {
                    return false;
                }
                self.frame = at;
            }
            Msg::DebugPanic => {
                panic!(
                    "deliberate panic from window.__ttmLabPanic() (the debug_panic test trigger)"
                )
            }
        }
        true
    }
}

/// The modifier keys and focus of a key press, as [`key_msg`] needs them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeyContext<'a> {
    /// Ctrl, Meta or Alt held (the browser's shortcuts are left alone).
    pub command: bool,
    /// Shift held (step by action).
    pub shift: bool,
    /// The focused element's tag name, upper case (`BUTTON`, `INPUT`…).
    pub target: &'a str,
}

/// The key bindings (ignored while typing in a field; Space and Enter on buttons keep their
/// native meaning).
pub fn key_msg(key: &str, cx: KeyContext) -> Option<Msg> {
    if cx.command || matches!(cx.target, "INPUT" | "SELECT" | "TEXTAREA") {
        return None;
    }
    let on_control = matches!(cx.target, "BUTTON" | "A" | "SUMMARY");
    let by_action = cx.shift.then_some(Zoom::Action);
    Some(match key {
        " " | "Spacebar" if !on_control => Msg::TogglePlay,
        "ArrowRight" => Msg::Step(true, by_action),
        "ArrowLeft" => Msg::Step(false, by_action),
        "Home" => Msg::Start,
        "End" => Msg::End,
        "+" | "=" => Msg::Speed(true),
        "-" | "_" => Msg::Speed(false),
        _ => return None,
    })
}

/// A host page's command (docs/embedding.md): `command` is `goto` (with a whole, non-negative
/// `step`), `play` or `pause`; anything else is None.
pub fn host_command(command: &str, step: Option<f64>) -> Option<Msg> {
    match command {
        "goto" => {
            let n = step?;
            (n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n < 9.0e15)
                .then_some(Msg::HostGoto(n as u64))
        }
        "play" => Some(Msg::Play),
        "pause" => Some(Msg::Pause),
        _ => None,
    }
}

/// The version of the postMessage protocol between an embed and its host page
/// (docs/embedding.md, "postMessage API"): every message the embed posts carries it as `version`.
pub const PROTOCOL_VERSION: u32 = 1;

/// A host page's message with its protocol `version`: a command without one is from a host
/// written before versions existed and means version 1; a command for another version (or a
/// version that is not a number, `NaN` here) is ignored, since its meaning may differ.
pub fn host_message(version: Option<f64>, command: &str, step: Option<f64>) -> Option<Msg> {
    match version {
        None => host_command(command, step),
        Some(v) if v == f64::from(PROTOCOL_VERSION) => host_command(command, step),
        Some(_) => None,
    }
}
