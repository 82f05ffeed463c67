//! The shell: the `App` component. It holds the store ([`Lab`]) in a `use_reducer`, queues the
//! effects each change returns and performs them after the render ([`effects::Runtime`]), and
//! lays out the components with the data and callbacks each needs.

use std::cell::RefCell;
use std::rc::Rc;

use ttm_core::present::machine_label;
use yew::prelude::*;

use crate::components::bos::Bos;
use crate::components::callstack::CallStack;
use crate::components::chart::TraceChart;
use crate::components::code_pane::CodePane;
use crate::components::compare::ComparePanel;
use crate::components::controls::Controls;
use crate::components::course::Course;
use crate::components::embed::EmbedChrome;
use crate::components::exercise::ExerciseCard;
use crate::components::export::ExportPanel;
use crate::components::goal::Goal;
use crate::components::load_bar::LoadBar;
use crate::components::machine::MachineForm;
use crate::components::narration::NarrationPanel;
use crate::components::next_lesson::NextLesson;
use crate::components::notices::Notices;
use crate::components::picker::Picker;
use crate::components::pools::Pools;
use crate::components::problem::ProblemForm;
use crate::components::snippet::Snippet;
use crate::components::stage::Stage;
use crate::components::travel_layer::TravelLayer;
use crate::components::welcome::Welcome;
use crate::components::zones::Zones;
use crate::effects::{self, Runtime};
use crate::store::{self, Effect, Lab, Msg, Theme, Walk};
use crate::url;

/// The store in Yew's reducer: the state and the queue of effects not performed yet (shared by
/// every version of the state, drained after each render, so no effect is lost when several
/// messages arrive between two renders).
struct Page {
    lab: Lab,
    outbox: Rc<RefCell<Vec<Effect>>>,
}

impl Page {
    fn open() -> Page {
        let (lab, fx) = Lab::open(url::request(&effects::search()), &effects::env());
        Page {
            lab,
            outbox: Rc::new(RefCell::new(fx)),
        }
    }
}

impl Reducible for Page {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut lab = self.lab.clone();
        match store::reduce(&mut lab, msg) {
            None => self,
            Some(fx) => {
                self.outbox.borrow_mut().extend(fx);
                Rc::new(Page {
                    lab,
                    outbox: self.outbox.clone(),
                })
            }
        }
    }
}

/// The exercise card at a marked step's start, and while that step plays after the answer
/// (when exercises are on).
fn exercise(lab: &Lab, walk: &Walk, pos: u64, send: &Callback<Msg>) -> Html {
    let Some((i, q)) = lab
        .card()
        .and_then(|i| walk.questions.get(i).map(|q| (i, q)))
    else {
        return Html::default();
    };
    let answers = lab.answers();
    let answered = answers.get(&i).cloned();
    // Made only once the answer shows (the narration of the step, `Walk::explanation`).
    let explanation = answered
        .is_some()
        .then(|| walk.explanation(i).map(AttrValue::from))
        .flatten();
    let right = answers.values().filter(|a| a.correct).count();
    let skipped = answers.values().filter(|a| a.skipped).count();
    html! {
        <ExerciseCard key={i} index={i} total={walk.questions.len()}
            question={q.clone()} {answered} {explanation}
            score={(right, answers.len() - skipped, skipped)}
            at_boundary={walk.question_at(pos).is_some()}
            on_answer={send.reform(|(i, text)| Msg::Answer(i, text))}
            on_skip={send.reform(Msg::SkipQuestion)}
            on_reveal={send.reform(|()| Msg::PlayStep)}
            on_reset={send.reform(|()| Msg::ResetAnswers)} />
    }
}

/// At the end of a built-in walkthrough: the next lesson of the course.
fn next_lesson(walk: &Walk, pos: u64, send: &Callback<Msg>) -> Html {
    if !walk.builtin || pos < walk.trace_len() {
        return Html::default();
    }
    let next = ttm_core::catalog::next_lesson(&walk.name).and_then(|l| {
        let (n, _) = ttm_core::catalog::lesson_of(l.name)?;
        let title = ttm_core::catalog::list()
            .into_iter()
            .find(|e| e.name == l.name)?
            .title;
        Some((AttrValue::from(l.name), n, AttrValue::from(title)))
    });
    html! {
        <NextLesson {next} on_open={send.reform(Msg::Load)}
            on_course={send.reform(|()| Msg::ShowCourse)} />
    }
}

/// The stage of the walk's current position.
fn stage_of(walk: &Walk) -> Rc<ttm_core::stage::Stage> {
    Rc::new(walk.with_state(ttm_core::stage::stage))
}

/// The stage cells' tooltips: a page's details at the walk's cursor.
fn inspect(walk: &Rc<Walk>) -> Callback<u64, Option<Vec<String>>> {
    let w = walk.clone();
    Callback::from(move |pfn| w.page_details(pfn))
}

/// An open walkthrough's first screen: the sticky controls, then the stage with the narration
/// and the call stack beside it (all inside a 1280×720 viewport).
fn walkthrough(lab: &Lab, walk: &Rc<Walk>, send: &Callback<Msg>) -> Html {
    let (pos, len) = (walk.pos(), walk.trace_len());
    let theme = AttrValue::from(lab.theme.name());
    html! {
        <>
            <div class="controls-dock">
                <Controls walk={walk.clone()} {pos} {len} zoom={lab.zoom} playing={lab.playing}
                    speed={lab.speed} breakpoint={lab.breakpoint} exercises={lab.exercises}
                    status={lab.status.clone().map(AttrValue::from)} send={send.clone()} />
            </div>
            <div class="stage-area">
                <Stage stage={stage_of(walk)} travel={lab.travel.clone()} {theme} inspect={inspect(walk)} />
                <aside class="side" aria-label="What is happening">
                    { next_lesson(walk, pos, send) }
                    { exercise(lab, walk, pos, send) }
                    <NarrationPanel narration={lab.narration.clone()} {pos} playing={lab.playing} />
                    <div class="panel calls">
                        <CallStack walk={walk.clone()} {pos} shown={lab.frame}
                            on_select={send.reform(|at| Msg::SelectFrame(Some(at)))} />
                        <CodePane view={walk.code_view(lab.frame)}
                            on_innermost={send.reform(|()| Msg::SelectFrame(None))} />
                    </div>
                </aside>
            </div>
        </>
    }
}

/// Below the first screen: the chart, the steps, the pool, zone and BO tables with debugfs.
fn details(lab: &Lab, walk: &Rc<Walk>, send: &Callback<Msg>) -> Html {
    let (pos, len) = (walk.pos(), walk.trace_len());
    let theme = AttrValue::from(lab.theme.name());
    let next_question = lab.next_question();
    html! {
        <section class="details" aria-labelledby="details-h">
            <h2 id="details-h" class="details-title">{ "Details" }</h2>
            <TraceChart walk={walk.clone()}
                {pos} {len} theme={theme.clone()}
                hide_after={next_question.map(|(_, b)| b)}
                on_unhide={send.reform(|()| Msg::ToggleExercises)}
                on_seek={send.reform(Msg::Seek)} />
            <main class="layout">
                <div class="column">
                    <Goal walk={walk.clone()} {pos} exercises={lab.exercises} answers={lab.answers()}
                        hide_from={next_question.and_then(|(i, _)| walk.questions.get(i)).map(|q| q.step)}
                        on_seek={send.reform(Msg::Seek)} />
                    <Zones walk={walk.clone()} {pos} before={lab.before.clone()} />
                </div>
                <div class="column">
                    <Pools walk={walk.clone()} {pos} before={lab.before.clone()} debugfs={lab.debugfs}
                        theme={theme.clone()} on_toggle_debugfs={send.reform(|()| Msg::ToggleDebugfs)} />
                    <Bos walk={walk.clone()} {pos} />
                </div>
            </main>
        </section>
    }
}

/// The embed's note on its machine when the URL changed the walkthrough's own: the kernel alone
/// when that is what changed ("replayed on Linux 6.12"), else the whole machine label.
fn machine_note(walk: &Walk) -> Option<AttrValue> {
    let (m, own) = (&walk.machine, &walk.scenario.machine);
    (m != own).then(|| {
        AttrValue::from(if m.kernel != own.kernel {
            format!("replayed on {}", ttm_core::present::kernel_name(m.kernel))
        } else {
            ttm_core::present::machine_label(m)
        })
    })
}

/// Embed mode: the title and compact controls over the embed's range, the narration and the
/// stage, scaled to the frame (the document is never taller than the frame).
fn embed(lab: &Lab, walk: &Rc<Walk>, e: store::Embed, send: &Callback<Msg>) -> Html {
    let (pos, len) = (walk.pos(), walk.trace_len());
    let theme = AttrValue::from(lab.theme.name());
    let open = format!(
        "./{}",
        url::full_query(
            walk.origin(),
            &walk.scenario.machine,
            &walk.machine,
            pos,
            lab.zoom
        )
    );
    html! {
        <div class="page embed" data-testid="embed" data-pos={pos.to_string()}
            data-playing={lab.playing.to_string()}>
            <EmbedChrome title={walk.title.clone()} {open} notices={lab.notices.clone()}
                machine={machine_note(walk)}
                {pos} {len} range={e} position={walk.position_words(pos)} playing={lab.playing}
                send={send.clone()} />
            { exercise(lab, walk, pos, send) }
            <NarrationPanel narration={lab.narration.clone()} {pos} playing={lab.playing} />
            <Stage stage={stage_of(walk)} travel={lab.travel.clone()} theme={theme} compact={true}
                inspect={inspect(walk)} />
            <TravelLayer travel={lab.travel.clone()} />
        </div>
    }
}

/// The application.
#[component]
pub fn App() -> Html {
    let page = use_reducer(Page::open);
    let send: Callback<Msg> = {
        let d = page.dispatcher();
        Callback::from(move |m| d.dispatch(m))
    };
    let runtime = {
        let send = send.clone();
        use_mut_ref(move || Runtime::start(&send))
    };

    // After every render: inline styles (bar widths, marks, swatches) are rendered as
    // `data-style` and applied through the CSSOM (a `style` attribute is refused under
    // `style-src 'self'`, docs/embedding.md); then the store's queued effects.
    {
        let outbox = page.outbox.clone();
        let send = send.clone();
        use_effect(move || {
            effects::apply_data_styles();
            let fx: Vec<Effect> = outbox.borrow_mut().drain(..).collect();
            let mut rt = runtime.borrow_mut();
            for e in fx {
                rt.perform(e, &send);
            }
        });
    }

    let lab = &page.lab;
    let on_file = {
        let send = send.clone();
        Callback::from(move |f: web_sys::File| effects::read_file(f, send.clone()))
    };
    // Drag and drop a scenario file anywhere on the page.
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = {
        let on_file = on_file.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(f) = e
                .data_transfer()
                .and_then(|t| t.files())
                .and_then(|l| l.get(0))
            {
                on_file.emit(f);
            }
        })
    };
    let cb = |m: Msg| send.reform(move |_: MouseEvent| m.clone());

    if let Some(e) = lab.embed {
        if let Some(w) = &lab.walk {
            return embed(lab, w, e, &send);
        }
        // An embed that could not open its walkthrough: only the messages.
        return html! {
            <div class="page embed" data-testid="embed">
                <Notices notices={lab.notices.clone()} />
                <p class="hint">{ "This TTM Lab embed has nothing to show." }</p>
            </div>
        };
    }

    let theme_label = match lab.theme {
        Theme::Auto => "Theme: auto (follows the system)",
        Theme::Light => "Theme: light",
        Theme::Dark => "Theme: dark",
    };

    html! {
        <div class="page" data-reduced-motion={lab.reduced_motion.to_string()}
            data-theme-choice={lab.theme.name()} {ondragover} {ondrop}>
            <div class={classes!("screen", lab.walk.is_none().then_some("course-screen"))}>
            <header class="topbar">
                <h1 title="Step through the Linux 3.3 DRM TTM GPU memory manager: page pools, tt pages, buffer objects and memory accounting.">{ "TTM Lab" }</h1>
                <Picker current={lab.walk.as_ref().map(|w| AttrValue::from(w.name.clone()))}
                    on_load={send.reform(Msg::Load)} />
                <div class="topbar-side">
                    <a class="book-link" href="./book/" data-testid="book-link"
                        title="The book “TTM in pictures”: chapters with these walkthroughs embedded">{ "Book" }</a>
                    if let Some(w) = &lab.walk {
                        <span class="machine" data-testid="machine" title="Simulated machine">
                            { machine_label(w.stepper.borrow().sim().config()) }
                        </span>
                    }
                    <button type="button" class="theme-toggle" data-testid="theme"
                        aria-label={theme_label} title={theme_label}
                        onclick={cb(Msg::CycleTheme)}>
                        { format!("◐ {}", lab.theme.name()) }
                    </button>
                    if lab.walk.as_ref().is_some_and(|w| w.machine.kernel == ttm_core::Kernel::V3_3) {
                        <button type="button" data-testid="then-now-button"
                            title="Then and now: this walkthrough replayed on Linux 6.12 beside Linux 3.3, step by step"
                            onclick={cb(Msg::ThenAndNow)}>{ "3.3 ↔ 6.12" }</button>
                    }
                    if lab.walk.is_some() {
                        <button type="button" data-testid="embed-button" aria-expanded={lab.show_snippet.to_string()}
                            onclick={cb(Msg::ToggleSnippet)}>{ "Embed" }</button>
                        <button type="button" data-testid="export-button" aria-expanded={lab.show_export.to_string()}
                            onclick={cb(Msg::ToggleExport)}>{ "Export" }</button>
                    }
                </div>
            </header>

            if lab.welcome {
                if lab.walk.is_none() {
                    <Welcome on_dismiss={send.reform(|()| Msg::DismissWelcome)}
                        on_start={send.reform(|()| Msg::Load(ttm_core::catalog::LESSONS[0].name.to_string()))} />
                } else {
                    // Beside a walkthrough: one slim band above the controls.
                    <Welcome compact={true} on_dismiss={send.reform(|()| Msg::DismissWelcome)} />
                }
            }

            <Notices notices={lab.notices.clone()} on_dismiss={send.reform(|()| Msg::DismissNotices)} />

            if let Some(code) = lab.snippet() {
                <Snippet code={code} />
            }

            if let Some(w) = lab.walk.as_ref().filter(|_| lab.show_export) {
                <ExportPanel key={format!("{:p}", Rc::as_ptr(w))} walk={w.clone()} />
            }


            if let Some(json) = &lab.bench_result {
                <section class="panel bench" aria-labelledby="bench-h">
                    <h2 id="bench-h">{ "Benchmark figures" }</h2>
                    <pre data-testid="bench">{ json }</pre>
                </section>
            } else if lab.bench {
                <p class="hint" data-testid="bench-running">{ "Benchmark running: playing the walkthrough and timing animation frames…" }</p>
            }

            // One element either way (`display: contents`): switching between a fragment and a
            // component among the screen's other children trips Yew's sibling bookkeeping.
            <div class="screen-main">
                if let Some(walk) = &lab.walk {
                    { walkthrough(lab, walk, &send) }
                } else {
                    <Course on_open={send.reform(Msg::Load)} book="./book/" />
                }
            </div>
            </div>

            // Below the first screen, drawn once it has been painted ([`Lab::settled`]).
            if let Some(walk) = lab.walk.as_ref().filter(|_| lab.settled) {
                { details(lab, walk, &send) }
                <MachineForm machine={walk.machine.clone()}
                    error={lab.machine_error.clone().map(AttrValue::from)}
                    on_apply={send.reform(Msg::SetMachine)}
                    on_compare={send.reform(Msg::Compare)}
                    on_then_now={send.reform(|()| Msg::ThenAndNow)} />
                if let Some(c) = &lab.compare {
                    <ComparePanel walk={walk.clone()} compare={c.clone()} step={lab.compare_step}
                        theme={AttrValue::from(lab.theme.name())}
                        on_step={send.reform(Msg::CompareStep)}
                        on_close={send.reform(|()| Msg::CloseCompare)} />
                }
            }

            if lab.settled {
                <section class="more" aria-label="Scenario files and random problems">
                    <LoadBar editor={lab.editor.clone()} draft={lab.draft.clone().map(AttrValue::from)}
                        error={lab.load_error.clone().map(AttrValue::from)} {on_file} send={send.clone()} />
                    <ProblemForm current={lab.walk.as_ref().and_then(|w| w.problem)}
                        base={lab.base.clone()}
                        on_open={send.reform(|(s, l)| Msg::OpenProblem(s, l))} />
                </section>
            }

            <TravelLayer travel={lab.travel.clone()} />

            <footer class="footer">
                { "Every number on this page comes from the ttm-core models of Linux 3.3 and Linux 6.12 TTM; the page only renders it. Keys: Space play/pause · ←/→ step · Shift+←/→ by action · Home/End · −/+ speed." }
            </footer>
        </div>
    }
}
