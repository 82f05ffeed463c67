//! The panels of an open walkthrough: controls, narration, call stack, pages, pools, zones, buffer
//! objects. Each renders the stepper's state at the current position.

use std::rc::Rc;

use ttm_core::bo_state::ManagerKind;
use ttm_core::{State, Zoom};
use yew::prelude::*;

use crate::app::{
    landmark_label, on_breakpoint, on_seek, zoom_label, Lab, Msg, Walk, LANDMARKS, SPEEDS, ZOOMS,
};
use crate::app::{Compare, Embed};
use crate::canvas::CellGrid;
use crate::chart::TraceChart;
use crate::view::{self, group_digits, human_bytes, percent, CELL_LEGEND};

type Handle = UseReducerHandle<Lab>;

fn cb(lab: &Handle, make: impl Fn() -> Msg + 'static) -> Callback<MouseEvent> {
    let d = lab.dispatcher();
    Callback::from(move |_| d.dispatch(make()))
}

/// Everything below the picker for an open walkthrough.
pub fn walkthrough(lab: &Handle, walk: &Rc<Walk>) -> Html {
    let s = walk.stepper.borrow();
    let st = s.state();
    let theme = AttrValue::from(lab.theme.name());
    html! {
        <>
            { controls(lab, walk, s.pos(), s.len()) }
            { exercise(lab, walk, s.pos()) }
            <TraceChart series={walk.series.clone()} zones={walk.zone_names.clone()}
                pos={s.pos()} len={s.len()} theme={theme.clone()}
                hide_after={lab.next_question().map(|(_, b)| b)}
                on_unhide={{ let d = lab.dispatcher(); Callback::from(move |()| d.dispatch(Msg::ToggleExercises)) }}
                on_seek={{ let d = lab.dispatcher(); Callback::from(move |p| d.dispatch(Msg::Seek(p))) }} />
            <main class="layout">
                <div class="column">
                    { narration(lab, s.pos()) }
                    { goal(lab, walk, s.pos()) }
                    { call_stack(walk) }
                    { pages(st, &theme) }
                </div>
                <div class="column">
                    { pools(lab, st, &theme) }
                    { zones(lab, st) }
                    { bos(st) }
                </div>
            </main>
        </>
    }
}

/// Embed mode: the stage (narration, pages, pools, zones) and the step controls over `[from, to]`.
pub fn embed(lab: &Handle, walk: &Rc<Walk>, e: Embed) -> Html {
    let s = walk.stepper.borrow();
    let st = s.state();
    let (pos, len) = (s.pos(), s.len());
    let theme = AttrValue::from(lab.theme.name());
    let open = format!("./{}", crate::app::full_query(walk, pos, lab.zoom));
    let position = format!(
        "Event {pos} of {len} (range {}–{}) · {}",
        e.from,
        e.to,
        crate::app::action_label(walk, pos)
    );
    let (play_text, play_label) = if lab.playing {
        ("⏸ Pause", "Pause")
    } else {
        ("▶ Play", "Play")
    };
    html! {
        <div class="page embed" data-testid="embed" data-pos={pos.to_string()}
            data-playing={lab.playing.to_string()}>
            <header class="embed-head">
                <h1 class="embed-title" data-testid="walk-title">{ &walk.title }</h1>
                <a href={open} target="_blank" rel="noopener" data-testid="open-full">{ "Open in TTM Lab ↗" }</a>
            </header>
            if !lab.notices.is_empty() {
                <div class="notice" role="alert" data-testid="url-notice">
                    <ul>{ for lab.notices.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
                </div>
            }
            <section class="panel controls-bar" aria-label="Stepping controls" data-testid="controls">
                <div class="row">
                    <div class="buttons" role="group" aria-label="Move">
                        <button type="button" aria-label="Jump to the start of the range" data-testid="start"
                            disabled={pos <= e.from} onclick={cb(lab, || Msg::Start)}>{ "Start" }</button>
                        <button type="button" aria-label="Back one call" data-testid="back"
                            disabled={pos <= e.from} onclick={cb(lab, || Msg::Step(false, None))}>{ "‹ Back" }</button>
                        <button type="button" class="primary play" aria-label={play_label} data-testid="play"
                            aria-pressed={lab.playing.to_string()} onclick={cb(lab, || Msg::TogglePlay)}>{ play_text }</button>
                        <button type="button" aria-label="Next call" data-testid="forward"
                            disabled={pos >= e.to} onclick={cb(lab, || Msg::Step(true, None))}>{ "Next ›" }</button>
                        <button type="button" aria-label="Jump to the end of the range" data-testid="end"
                            disabled={pos >= e.to} onclick={cb(lab, || Msg::End)}>{ "End" }</button>
                    </div>
                </div>
                <div class="scrub">
                    <label for="scrubber" class="sr-only">{ "Position in the range" }</label>
                    <input id="scrubber" type="range" min={e.from.to_string()} max={e.to.to_string()} step="1"
                        value={pos.to_string()} data-testid="scrubber" aria-valuetext={position.clone()}
                        oninput={on_seek(lab.dispatcher())} />
                </div>
                <p class="position" data-testid="position">{ position }</p>
            </section>
            <main class="layout">
                <div class="column">
                    { exercise(lab, walk, pos) }
                    { narration(lab, pos) }
                    { pages(st, &theme) }
                </div>
                <div class="column">
                    { pools(lab, st, &theme) }
                    { zones(lab, st) }
                </div>
            </main>
        </div>
    }
}

/// The exercise card at a marked step's start (when exercises are on).
fn exercise(lab: &Handle, walk: &Walk, pos: u64) -> Html {
    let Some((i, q)) = walk.question_at(pos).filter(|_| lab.exercises) else {
        return Html::default();
    };
    let right = lab.answers.values().filter(|a| a.correct).count();
    let on_answer = {
        let d = lab.dispatcher();
        Callback::from(move |(i, text): (usize, String)| d.dispatch(Msg::Answer(i, text)))
    };
    let on_reveal = {
        let d = lab.dispatcher();
        Callback::from(move |()| d.dispatch(Msg::Step(true, Some(Zoom::Action))))
    };
    html! {
        <crate::exercise::ExerciseCard key={i} index={i} total={walk.questions.len()}
            question={q.clone()} answered={lab.answers.get(&i).cloned()}
            score={(right, lab.answers.len())} {on_answer} {on_reveal} />
    }
}

fn goal(lab: &Handle, walk: &Walk, pos: u64) -> Html {
    let current = walk.step_at(pos);
    // Until a question is answered, the results of its step and later ones would give it away.
    let hide_from = lab
        .next_question()
        .and_then(|(i, _)| walk.questions.get(i))
        .map(|q| q.step);
    html! {
        <section class="panel goal" aria-labelledby="goal-h">
            <h2 id="goal-h" data-testid="walk-title">{ &walk.title }</h2>
            <p data-testid="goal">{ &walk.goal }</p>
            <ol class="steps" aria-label="Steps of the walkthrough">
                { for walk.steps.iter().enumerate().map(|(i, st)| {
                    let end = st.end_event;
                    let here = current == Some(i);
                    let label = format!("Go to the end of step {}: {}", i + 1, st.label);
                    html! {
                        <li class={classes!(here.then_some("current"))}>
                            <button type="button" class="link" aria-label={label}
                                aria-current={here.then_some("step")}
                                onclick={cb(lab, move || Msg::Seek(end))}>
                                { format!("{}. {}", i + 1, st.label) }
                            </button>
                            if st.result != "ok" && hide_from.is_none_or(|h| i < h) {
                                <span class="result">{ format!(" → {}", st.result) }</span>
                            }
                            if let Some(k) = walk.questions.iter().position(|q| q.step == i).filter(|_| lab.exercises) {
                                <span class="ask-mark" title="An exercise is asked before this step"
                                    data-testid={format!("ask-mark-{i}")}>
                                    { match lab.answers.get(&k) {
                                        Some(a) if a.correct => " ✓ predicted",
                                        Some(_) => " ✗ predicted",
                                        None => " ? predict",
                                    } }
                                </span>
                            }
                        </li>
                    }
                }) }
            </ol>
            if !walk.mismatches.is_empty() {
                <p class="error">{ format!("{} expectation(s) of this walkthrough did not hold on this build.", walk.mismatches.len()) }</p>
            }
        </section>
    }
}

fn controls(lab: &Handle, walk: &Walk, pos: u64, len: u64) -> Html {
    let z = zoom_label(lab.zoom);
    let step = walk.step_at(pos);
    let position = match step {
        Some(i) => format!(
            "Event {pos} of {len} · step {} of {}: {}",
            i + 1,
            walk.steps.len(),
            walk.steps[i].label
        ),
        None if pos == 0 => format!("Event 0 of {len} · boot state, before step 1"),
        None => format!("Event {pos} of {len} · before step 1 (device setup)"),
    };
    let (play_text, play_label) = if lab.playing {
        ("⏸ Pause", "Pause (Space)")
    } else {
        ("▶ Play", "Play (Space)")
    };
    let bp_value = lab
        .breakpoint
        .map(|f| f.index().to_string())
        .unwrap_or_default();
    html! {
        <section class="panel controls-bar" aria-label="Stepping controls" data-testid="controls">
            <div class="row">
                <div class="buttons" role="group" aria-label="Move">
                    <button type="button" aria-label="Jump to start (Home)" data-testid="start"
                        disabled={pos == 0} onclick={cb(lab, || Msg::Start)}>{ "Start" }</button>
                    <button type="button" aria-label="Back one action (Shift+Left)" data-testid="back-action"
                        disabled={pos == 0} onclick={cb(lab, || Msg::Step(false, Some(Zoom::Action)))}>{ "« Action" }</button>
                    <button type="button" aria-label={format!("Back one {z} (Left)")} data-testid="back"
                        disabled={pos == 0} onclick={cb(lab, || Msg::Step(false, None))}>{ "‹ Back" }</button>
                    <button type="button" class="primary play" aria-label={play_label} data-testid="play"
                        aria-pressed={lab.playing.to_string()} onclick={cb(lab, || Msg::TogglePlay)}>{ play_text }</button>
                    <button type="button" aria-label={format!("Next {z} (Right)")} data-testid="forward"
                        disabled={pos == len} onclick={cb(lab, || Msg::Step(true, None))}>{ "Next ›" }</button>
                    <button type="button" aria-label="Forward one action (Shift+Right)" data-testid="forward-action"
                        disabled={pos == len} onclick={cb(lab, || Msg::Step(true, Some(Zoom::Action)))}>{ "Action »" }</button>
                    <button type="button" aria-label="Jump to end (End)" data-testid="end"
                        disabled={pos == len} onclick={cb(lab, || Msg::End)}>{ "End" }</button>
                </div>
                <div class="segmented" role="group" aria-label="Step size">
                    { for ZOOMS.iter().map(|&zz| html! {
                        <button type="button" aria-pressed={(zz == lab.zoom).to_string()}
                            aria-label={format!("Step by {}", zoom_label(zz))}
                            data-testid={format!("zoom-{}", zoom_label(zz))}
                            onclick={cb(lab, move || Msg::SetZoom(zz))}>{ zoom_label(zz) }</button>
                    }) }
                </div>
                <div class="speed" role="group" aria-label="Play speed">
                    <button type="button" aria-label="Slower (minus)" data-testid="slower"
                        disabled={lab.speed == 0} onclick={cb(lab, || Msg::Speed(false))}>{ "−" }</button>
                    <span class="speed-value" data-testid="speed">{ SPEEDS[lab.speed].1 }</span>
                    <button type="button" aria-label="Faster (plus)" data-testid="faster"
                        disabled={lab.speed + 1 == SPEEDS.len()} onclick={cb(lab, || Msg::Speed(true))}>{ "+" }</button>
                </div>
            </div>
            <div class="scrub">
                <label for="scrubber" class="sr-only">{ "Position in the trace" }</label>
                <input id="scrubber" type="range" min="0" max={len.to_string()} step="1"
                    value={pos.to_string()} data-testid="scrubber"
                    aria-valuetext={position.clone()}
                    oninput={on_seek(lab.dispatcher())} />
                <div class="ticks" aria-hidden="true">
                    { for ticks(walk, len).into_iter().map(|(i, left, labelled)| html! {
                        <span class={classes!("tick", (!labelled).then_some("bare"))} data-style={format!("left: {left:.3}%")}
                            title={format!("step {}: {}", i + 1, walk.steps[i].label)}>
                            { if labelled { (i + 1).to_string() } else { String::new() } }
                        </span>
                    }) }
                </div>
            </div>
            <p class="position" data-testid="position">{ position }</p>
            <div class="row">
                <div class="buttons" role="group" aria-label="Jump to the next event of a kind">
                    <span class="group-label">{ "Next:" }</span>
                    { for LANDMARKS.iter().map(|&l| html! {
                        <button type="button" class="small" aria-label={format!("Next {}", landmark_label(l))}
                            data-testid={format!("next-{}", landmark_label(l))}
                            onclick={cb(lab, move || Msg::Landmark(l, true))}>{ landmark_label(l) }</button>
                    }) }
                </div>
                <div class="breakpoint">
                    <label for="breakpoint">{ "Breakpoint" }</label>
                    <select id="breakpoint" data-testid="breakpoint" onchange={on_breakpoint(lab.dispatcher())}>
                        <option value="" selected={lab.breakpoint.is_none()}>{ "— function —" }</option>
                        { for walk.funcs.iter().map(|(f, sym)| html! {
                            <option value={f.index().to_string()} selected={bp_value == f.index().to_string()}>{ *sym }</option>
                        }) }
                    </select>
                    <button type="button" class="small" aria-label="Run back to the previous call"
                        data-testid="prev-call" onclick={cb(lab, || Msg::RunToBreakpoint(false))}>{ "‹ previous call" }</button>
                    <button type="button" class="small" aria-label="Run to next call"
                        data-testid="next-call" onclick={cb(lab, || Msg::RunToBreakpoint(true))}>{ "run to next call ›" }</button>
                </div>
            </div>
            if !walk.questions.is_empty() {
                <div class="row">
                    <label class="exercises-toggle">
                        <input type="checkbox" data-testid="exercises-toggle" checked={lab.exercises}
                            onchange={{ let d = lab.dispatcher(); Callback::from(move |_: Event| d.dispatch(Msg::ToggleExercises)) }} />
                        { format!(" Exercises: stop before the {} marked step(s) and ask me to predict", walk.questions.len()) }
                    </label>
                </div>
            }
            <p class="status" role="status" data-testid="status">{ lab.status.clone().unwrap_or_default() }</p>
        </section>
    }
}

/// Step marks on the scrubber: (step, percent, whether its number fits without overlapping).
fn ticks(walk: &Walk, len: u64) -> Vec<(usize, f64, bool)> {
    let mut last = f64::NEG_INFINITY;
    walk.steps
        .iter()
        .enumerate()
        .map(|(i, st)| {
            let left = if len == 0 {
                0.0
            } else {
                st.first_event as f64 * 100.0 / len as f64
            };
            let labelled = left - last >= 2.5;
            if labelled {
                last = left;
            }
            (i, left, labelled)
        })
        .collect()
}

fn narration(lab: &Handle, pos: u64) -> Html {
    html! {
        <section class="panel" aria-labelledby="narr-h">
            <h2 id="narr-h">{ "Narration" }</h2>
            // Polite announcements while stepping; silent while playing (it would never stop talking).
            <div class="narration" aria-live={if lab.playing { "off" } else { "polite" }} aria-atomic="true"
                data-testid="narration">
                if let Some(say) = &lab.say {
                    <p class="say" data-testid="say">{ say }</p>
                }
                if pos == 0 {
                    <p class="did" data-testid="did">{ "The machine has just booted. Press Next (or →) to step through the trace." }</p>
                } else if !lab.did.is_empty() {
                    <p class="did" data-testid="did">
                        <span class="tag">{ &lab.did_label }</span>
                        { &lab.did }
                    </p>
                }
                // The event itself, unless the span above is just this one event.
                if !lab.event.is_empty() && lab.span.0 + 1 != pos {
                    <p class="event" data-testid="event">
                        <span class="tag">{ format!("Event {}: ", pos - 1) }</span>{ &lab.event }
                    </p>
                }
            </div>
        </section>
    }
}

fn call_stack(walk: &Walk) -> Html {
    let s = walk.stepper.borrow();
    let kind = s.sim().config().driver.kind;
    let frames = view::frames(kind, &s.call_stack());
    html! {
        <section class="panel" aria-labelledby="stack-h">
            <h2 id="stack-h">{ "Call stack" }</h2>
            if frames.is_empty() {
                <p class="empty-note" data-testid="call-stack-empty">{ "No call is open here (between actions)." }</p>
            } else {
                <ol class="stack" data-testid="call-stack">
                    { for frames.iter().enumerate().map(|(depth, f)| html! {
                        <li data-style={format!("--depth: {depth}")} class={classes!(f.driver.then_some("driver"))}>
                            if let Some(url) = &f.url {
                                <a href={url.clone()} target="_blank" rel="noopener noreferrer"
                                    title={format!("{} in the Linux v3.3 source (new tab)", f.symbol)}>{ f.symbol }</a>
                            } else {
                                <span class="sym">{ f.symbol }</span>
                            }
                            <span class="args">{ format!("({})", f.args) }</span>
                            if f.driver {
                                <span class="badge">{ "driver callback" }</span>
                            }
                        </li>
                    }) }
                </ol>
            }
        </section>
    }
}

fn legend() -> Html {
    html! {
        <ul class="legend" aria-label="Cell colours">
            { for CELL_LEGEND.iter().map(|(_, var, label)| html! {
                <li><span class="swatch" data-style={format!("background: var({var})")} />{ *label }</li>
            }) }
        </ul>
    }
}

fn pages(st: &State, theme: &AttrValue) -> Html {
    let tts = view::tts(st);
    html! {
        <section class="panel" aria-labelledby="pages-h" data-testid="pages">
            <h2 id="pages-h">{ "Pages of each " }<code>{ "ttm_tt" }</code></h2>
            // Where pages come from and go to outside the pools and tts (anchors of the travel overlay).
            <ul class="places" aria-label="Places outside the pools and tts">
                <li class="place system" data-anchor="system" data-testid="place-system"
                    title="Pages owned by the kernel's page allocator (alloc_page / __free_page)">{ "system memory" }</li>
                <li class="place swap" data-anchor="swap" data-testid="place-swap"
                    title="The shmem swap storage of swapped-out tts">{ "swap (shmem)" }</li>
                <li class="place leaked" data-anchor="leaked"
                    title="Pages lost by a kernel defect">{ "leaked" }</li>
            </ul>
            if tts.is_empty() {
                <p class="empty-note">{ "No tt exists yet." }</p>
            }
            { for tts.into_iter().map(|t| {
                let summary = format!(
                    "tt {}: {}, {}, {} of {} slots hold a page{}",
                    t.id, t.state, t.caching, t.present, t.cells.len(),
                    if t.swapped { ", contents swapped out" } else { "" }
                );
                html! {
                    <div class={classes!("tt", (!t.alive).then_some("dead"))} data-testid={format!("tt-{}", t.id)}>
                        <p class="tt-state">
                            <span class="state" data-testid="tt-state">{ t.state }</span>
                            <span class="detail" data-testid="tt-detail">
                                { format!("tt {} · {} · {} of {} pages present", t.id, t.caching, group_digits(t.present as u64), group_digits(t.cells.len() as u64)) }
                                if t.flags != "0" && !t.flags.is_empty() { { format!(" · {}", t.flags) } }
                            </span>
                        </p>
                        <div class="grid-box">
                            <CellGrid cells={Rc::new(t.cells)} pfns={Rc::new(t.pfns)} label={summary} theme={theme.clone()}
                                testid={format!("tt-grid-{}", t.id)} anchor={format!("tt-{}", t.id)} max_cell={22} />
                        </div>
                    </div>
                }
            }) }
            { legend() }
        </section>
    }
}

/// The debugfs files as the kernel would print them for the state at this position.
fn debugfs_text(st: &State) -> String {
    let mut t = ttm_core::page_alloc_debugfs(st);
    if !st.dma_pools.is_empty() {
        t.push('\n');
        t.push_str(&ttm_core::dma_page_alloc_debugfs(st));
    }
    t
}

fn pools(lab: &Handle, st: &State, theme: &AttrValue) -> Html {
    html! {
        <section class="panel" aria-labelledby="pools-h">
            <h2 id="pools-h">{ "Page pools" }</h2>
            <table data-testid="pools">
                <thead>
                    <tr>
                        <th scope="col">{ "pool" }</th>
                        <th scope="col" title="nrefills">{ "refills" }</th>
                        <th scope="col" title="nfrees">{ "pages freed" }</th>
                        <th scope="col" title="npages">{ "size" }</th>
                    </tr>
                </thead>
                <tbody>
                    { for st.pools.iter().enumerate().map(|(i, p)| {
                        let was = lab.before.as_ref().and_then(|b| b.pools.get(i).copied());
                        let cell = |now: u64, then: Option<u64>, id: &'static str| {
                            let changed = then.is_some_and(|t| t != now);
                            html! {
                                <td class={classes!("num", changed.then_some("changed"))} data-testid={id}
                                    title={then.filter(|t| *t != now).map(|t| format!("was {t}"))}>{ now }</td>
                            }
                        };
                        html! {
                            <tr data-testid={format!("pool-{}", view::slug(&p.name))} data-anchor={format!("pool-{i}-row")}>
                                <th scope="row"><code>{ &p.name }</code></th>
                                { cell(p.nrefills, was.map(|w| w.1), "nrefills") }
                                { cell(p.nfrees, was.map(|w| w.2), "nfrees") }
                                { cell(p.npages, was.map(|w| w.0), "npages") }
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            if lab.before.is_some() {
                <p class="hint">{ "Highlighted: changed by the step the narration describes (hover for the old value)." }</p>
            }
            if !st.dma_pools.is_empty() {
                <table data-testid="dma-pools" class="dma">
                    <thead>
                        <tr>
                            <th scope="col">{ "DMA pool" }</th>
                            <th scope="col">{ "refills" }</th>
                            <th scope="col">{ "pages freed" }</th>
                            <th scope="col">{ "in use" }</th>
                            <th scope="col">{ "free" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for st.dma_pools.iter().enumerate().map(|(i, p)| html! {
                            <tr data-testid={format!("dma-pool-{}", view::slug(&p.name))} data-anchor={format!("dma-{i}-row")}>
                                <th scope="row"><code>{ &p.name }</code></th>
                                <td class="num">{ p.nrefills }</td>
                                <td class="num">{ p.nfrees }</td>
                                <td class="num">{ p.npages_in_use }</td>
                                <td class="num">{ p.npages_free }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            <div class="strips">
                { for st.pools.iter().enumerate().filter(|(_, p)| !p.list.is_empty()).map(|(i, p)| {
                    let cells = view::pool_cells(st, p.list.iter().copied());
                    let pfns: Vec<Option<u64>> = p.list.iter().map(|&x| Some(x)).collect();
                    let label = format!("{} pool: {} pages, head first", p.name, p.list.len());
                    html! {
                        <div class="strip">
                            <p class="strip-label">{ label.clone() }</p>
                            <div class="grid-box"><CellGrid cells={Rc::new(cells)} pfns={Rc::new(pfns)} noun="position"
                                label={label} max_cell={8} theme={theme.clone()} anchor={format!("pool-{i}")} /></div>
                        </div>
                    }
                }) }
                { for st.dma_pools.iter().enumerate().filter(|(_, p)| !p.free.is_empty()).map(|(i, p)| {
                    let cells = view::pool_cells(st, p.free.iter().copied());
                    let pfns: Vec<Option<u64>> = p.free.iter().map(|&x| Some(x)).collect();
                    let label = format!("{} DMA pool: {} free pages, head first", p.name, p.free.len());
                    html! {
                        <div class="strip">
                            <p class="strip-label">{ label.clone() }</p>
                            <div class="grid-box"><CellGrid cells={Rc::new(cells)} pfns={Rc::new(pfns)} noun="position"
                                label={label} max_cell={8} theme={theme.clone()} anchor={format!("dma-{i}")} /></div>
                        </div>
                    }
                }) }
            </div>
            <button type="button" class="small" data-testid="debugfs-toggle"
                aria-expanded={lab.debugfs.to_string()} aria-controls="debugfs"
                onclick={cb(lab, || Msg::ToggleDebugfs)}>
                { if lab.debugfs { "Hide debugfs text" } else { "Show debugfs text" } }
            </button>
            if lab.debugfs {
                <div id="debugfs">
                    <p class="hint" data-testid="debugfs-note">
                        { "ttm_page_alloc_debugfs (and ttm_dma_page_alloc_debugfs when the DMA pool is in use) at this position:" }
                    </p>
                    <pre class="debugfs" data-testid="debugfs">{ debugfs_text(st) }</pre>
                </div>
            }
        </section>
    }
}

fn zones(lab: &Handle, st: &State) -> Html {
    html! {
        <section class="panel" aria-labelledby="zones-h">
            <h2 id="zones-h">{ "Memory accounting zones" }</h2>
            { for st.zones.iter().enumerate().map(|(i, z)| {
                let was_used = lab.before.as_ref().and_then(|b| b.zones.get(i).copied());
                let id = view::slug(&z.name);
                let of = z.zone_mem;
                let mark = |v: u64, class: &'static str, name: &'static str| html! {
                    <span class={classes!("mark", class)} data-style={format!("left: {:.3}%", percent(v, of))}
                        title={format!("{name} = {}", group_digits(v))} />
                };
                html! {
                    <div class="zone" data-testid={format!("zone-{id}")}>
                        <div class="zone-head">
                            <span><code>{ &z.name }</code></span>
                            <span class="figures">
                                <span data-testid={format!("zone-{id}-used")}
                                    class={classes!(was_used.is_some_and(|w| w != z.used_mem).then_some("changed"))}
                                    title={was_used.filter(|w| *w != z.used_mem).map(|w| format!("was {}", group_digits(w)))}>
                                    { group_digits(z.used_mem) }
                                </span>
                                { format!(" bytes used of {}", human_bytes(z.zone_mem)) }
                            </span>
                        </div>
                        <div class="bar marked" role="img"
                            aria-label={format!("{} zone: used_mem {} of swap_limit {}, max_mem {}, emer_mem {}", z.name, group_digits(z.used_mem), group_digits(z.swap_limit), group_digits(z.max_mem), group_digits(z.emer_mem))}>
                            <span class="fill" data-style={format!("width: {:.3}%", percent(z.used_mem, of))} />
                            { mark(z.swap_limit, "swap", "swap_limit") }
                            { mark(z.max_mem, "max", "max_mem") }
                            { mark(z.emer_mem, "emer", "emer_mem") }
                        </div>
                        <div class="zone-foot">
                            <span class="key swap">{ format!("swap_limit {}", human_bytes(z.swap_limit)) }</span>
                            <span class="key max">{ format!("max_mem {}", human_bytes(z.max_mem)) }</span>
                            <span class="key emer">{ format!("emer_mem {}", human_bytes(z.emer_mem)) }</span>
                        </div>
                    </div>
                }
            }) }
            <p class="swap-work" data-testid="swap-work">
                { if st.swap_work_queued { "ttm_swap work: queued (a zone is above its swap limit)" } else { "ttm_swap work: not queued" } }
            </p>
        </section>
    }
}

fn bos(st: &State) -> Html {
    let managers: Vec<(u8, &ttm_core::bo_state::Manager)> = st
        .managers
        .iter()
        .enumerate()
        .filter(|(_, m)| m.has_type)
        .map(|(i, m)| (i as u8, m))
        .collect();
    let live: Vec<&ttm_core::bo_state::Bo> = st.bos.iter().filter(|b| b.alive).collect();
    let list = |ids: &mut dyn Iterator<Item = u32>| -> String {
        let v: Vec<String> = ids.map(|b| format!("bo {b}")).collect();
        if v.is_empty() {
            "empty".into()
        } else {
            v.join(" → ")
        }
    };
    html! {
        <section class="panel" aria-labelledby="bos-h" data-testid="bos">
            <h2 id="bos-h">{ "Buffer objects and memory types" }</h2>
            { for managers.iter().filter(|(_, m)| m.kind != ManagerKind::System).map(|(t, m)| {
                let name = view::mem_type_name(*t);
                let used = m.used_pages();
                html! {
                    <div class="memtype" data-testid={format!("memtype-{t}")}>
                        <div class="zone-head">
                            <span><code>{ &name }</code>{ if m.kind == ManagerKind::GmrId { " (GMR ids)" } else { "" } }</span>
                            <span class="figures">{ if m.kind == ManagerKind::GmrId {
                                format!("{} of {} ids used ({} pages)", m.nodes.len(), m.size, group_digits(used))
                            } else {
                                format!("{} of {} pages used", group_digits(used), group_digits(m.size))
                            } }</span>
                        </div>
                        <div class="bar ranges" role="img" aria-label={format!("{name}: {} allocated range(s)", m.nodes.len())}>
                            { for m.nodes.iter().map(|(start, n)| {
                                let (l, w) = if m.kind == ManagerKind::GmrId {
                                    (percent(*start, m.size), percent(1, m.size))
                                } else {
                                    (percent(*start, m.size), percent(n.len, m.size))
                                };
                                let what = if m.kind == ManagerKind::GmrId {
                                    format!("bo {}: GMR id {start}, {} pages", n.bo, n.len)
                                } else {
                                    format!("bo {}: pages [{start}, {})", n.bo, start + n.len)
                                };
                                html! { <span class="range" data-style={format!("left: {l:.3}%; width: max({w:.3}%, 3px); --hue: {}", (n.bo * 67 + 210) % 360)}
                                    title={what}>{ format!("bo {}", n.bo) }</span> }
                            }) }
                        </div>
                        <p class="lru">{ "LRU (head first): " }<span class="mono">{ list(&mut m.lru.iter().copied()) }</span></p>
                    </div>
                }
            }) }
            <p class="lru" data-testid="swap-lru">{ "Swap LRU (head first): " }<span class="mono">{ list(&mut st.swap_lru.iter().copied()) }</span></p>
            if !st.fences.is_empty() {
                <p class="fences" data-testid="fences">{ "Fences: " }
                    { for st.fences.iter().map(|f| html! {
                        <span class={classes!("chip", if f.signaled { "signalled" } else { "busy" })}>
                            { format!("fence {} {}", f.id, if f.signaled { "signalled" } else { "busy" }) }
                        </span>
                    }) }
                </p>
            }
            if live.is_empty() {
                <p class="empty-note">{ "No buffer object exists at this position." }</p>
            } else {
                <table data-testid="bo-table">
                    <thead><tr>
                        <th scope="col">{ "bo" }</th>
                        <th scope="col" class="txt">{ "memory" }</th>
                        <th scope="col" class="txt">{ "caching" }</th>
                        <th scope="col">{ "range (pages)" }</th>
                        <th scope="col">{ "tt" }</th>
                        <th scope="col" class="txt">{ "notes" }</th>
                    </tr></thead>
                    <tbody>
                        { for live.iter().map(|b| {
                            let mut notes = Vec::new();
                            if b.ghost { notes.push("ghost"); }
                            if b.evicted { notes.push("evicted"); }
                            if b.fence.is_some_and(|f| st.fences.get(f as usize).is_some_and(|f| !f.signaled)) { notes.push("busy"); }
                            if b.reserved { notes.push("reserved"); }
                            html! {
                                <tr data-testid={format!("bo-{}", b.id)}>
                                    <th scope="row">{ b.id }</th>
                                    <td class="txt">{ view::mem_type_name(b.mem.mem_type) }</td>
                                    <td class="txt mono">{ view::placement_caching(b.mem.placement) }</td>
                                    <td class="num">{ range_text(st, b) }</td>
                                    <td class="num">{ b.tt.map_or("-".to_string(), |t| t.to_string()) }</td>
                                    <td class="txt">{ notes.join(", ") }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

/// A BO's place in its memory type: a page range, a GMR id, or just its size (SYSTEM).
fn range_text(st: &State, b: &ttm_core::bo_state::Bo) -> String {
    let gmr = st
        .managers
        .get(b.mem.mem_type as usize)
        .is_some_and(|m| m.kind == ManagerKind::GmrId);
    match (b.mem.has_node, gmr) {
        (true, true) => format!("GMR id {} ({} pages)", b.mem.start, b.num_pages),
        (true, false) => format!("[{}, {})", b.mem.start, b.mem.start + b.num_pages as u64),
        (false, _) => format!("{} pages", b.num_pages),
    }
}

/// Compare mode: the aligned steps, one step cursor, and both runs' pools, zones and tt pages.
pub fn compare(lab: &Handle, c: &Rc<Compare>) -> Html {
    let theme = AttrValue::from(lab.theme.name());
    let i = lab.compare_step.min(c.rows.len().saturating_sub(1));
    let row = c.rows.get(i);
    let n = c.rows.len();
    let on_range = {
        let d = lab.dispatcher();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<usize>() {
                d.dispatch(Msg::CompareStep(v));
            }
        })
    };
    let side = |name: &str, s: &crate::app::Side, events: Option<(u64, u64)>| {
        let st = s.stepper.borrow();
        let state = st.state();
        html! {
            <div class="column compare-side" data-testid={format!("compare-{}", name.to_lowercase())}>
                <h3>{ format!("{name}: {}", s.label) }</h3>
                <p class="hint">{ match events {
                    Some((a, b)) => format!("events {a}–{b} of {} (end of the step)", st.len()),
                    None => String::new(),
                } }</p>
                <table class="compact">
                    <thead><tr><th scope="col">{ "pool" }</th><th scope="col">{ "refills" }</th><th scope="col">{ "freed" }</th><th scope="col">{ "size" }</th></tr></thead>
                    <tbody>
                        { for state.pools.iter().map(|p| html! {
                            <tr><th scope="row"><code>{ &p.name }</code></th>
                                <td class="num">{ p.nrefills }</td><td class="num">{ p.nfrees }</td>
                                <td class="num" data-testid={format!("c-pool-{}", view::slug(&p.name))}>{ p.npages }</td></tr>
                        }) }
                    </tbody>
                </table>
                <ul class="plain">
                    { for state.zones.iter().map(|z| html! {
                        <li data-testid={format!("c-zone-{}", view::slug(&z.name))}>
                            <code>{ &z.name }</code>{ format!(" zone: {} bytes used of {}", group_digits(z.used_mem), human_bytes(z.zone_mem)) }
                        </li>
                    }) }
                </ul>
                { pages(state, &theme) }
            </div>
        }
    };
    html! {
        <section class="panel compare" aria-labelledby="compare-h" data-testid="compare">
            <div class="row">
                <h2 id="compare-h">{ "Compare two machines, step by step" }</h2>
                <button type="button" class="small" data-testid="close-compare" onclick={cb(lab, || Msg::CloseCompare)}>{ "Close comparison" }</button>
            </div>
            <p data-testid="first-divergence" class={classes!(c.first_divergence.is_some().then_some("divergence-note"))}>
                { match c.first_divergence {
                    Some(d) => format!("First divergence: step {} ({}).", d + 1, c.rows[d].label),
                    None => "The two machines agree after every step.".to_string(),
                } }
            </p>
            <div class="scrub">
                <label for="compare-step">{ format!("Step {} of {}", i + 1, n) }</label>
                <input id="compare-step" type="range" min="0" max={n.saturating_sub(1).to_string()} step="1"
                    value={i.to_string()} data-testid="compare-step" oninput={on_range}
                    aria-valuetext={row.map(|r| format!("step {}: {}", r.step + 1, r.label)).unwrap_or_default()} />
            </div>
            <ol class="compare-rows" data-testid="compare-rows">
                { for c.rows.iter().enumerate().map(|(k, r)| {
                    let first = c.first_divergence == Some(k);
                    let differs = !r.differences.is_empty();
                    html! {
                        <li class={classes!(differs.then_some("differs"), first.then_some("first"), (k == i).then_some("current"))}
                            data-testid={format!("compare-row-{k}")} data-differs={differs.to_string()}
                            data-first-divergence={first.to_string()}>
                            <button type="button" class="link" aria-current={(k == i).then_some("step")}
                                onclick={cb(lab, move || Msg::CompareStep(k))}>
                                { format!("{}. {}", k + 1, r.label) }
                            </button>
                            { format!(" · A {} · B {}", r.result_a, r.result_b) }
                            if first { <span class="badge">{ "first divergence" }</span> }
                            if differs {
                                <span class="hint">{ format!(" {} difference{}", r.differences.len(), if r.differences.len() == 1 { "" } else { "s" }) }</span>
                            }
                        </li>
                    }
                }) }
            </ol>
            if let Some(r) = row {
                if !r.differences.is_empty() {
                    <details class="differences" open=true>
                        <summary>{ format!("What differs after step {} (A → B)", r.step + 1) }</summary>
                        <ul class="mono" data-testid="compare-differences">
                            { for r.differences.iter().map(|d| html! { <li>{ d }</li> }) }
                        </ul>
                    </details>
                }
            }
            <div class="layout">
                { side("A", &c.a, row.map(|r| r.events_a)) }
                { side("B", &c.b, row.map(|r| r.events_b)) }
            </div>
        </section>
    }
}
