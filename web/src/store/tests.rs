//! Native tests of the reducer: what each message does to the page state, and which effects it
//! asks the browser for. The walkthroughs are the built-in ones (pool-refill: 2 steps after the
//! device setup, an exercise before step 2, spec W3).

use std::rc::Rc;

use ttm_core::{Era, Fidelity, Landmark, Stepper, Zoom};

use super::*;

/// The page as the query string `q` opens it, with nothing stored.
fn open(q: &str) -> (Lab, Vec<Effect>) {
    Lab::open(url::request(q), &Env::default())
}

/// The page with a walkthrough open at position 0, exercises off.
fn walkthrough(name: &str) -> Lab {
    open(&format!("?walkthrough={name}&exercises=0")).0
}

fn pos(lab: &Lab) -> u64 {
    lab.walk.as_ref().unwrap().pos()
}

fn len(lab: &Lab) -> u64 {
    lab.walk.as_ref().unwrap().trace_len()
}

/// Apply `msg`, expecting a change.
fn send(lab: &mut Lab, msg: Msg) -> Vec<Effect> {
    reduce(lab, msg.clone()).unwrap_or_else(|| panic!("{msg:?} changed nothing"))
}

fn urls(fx: &[Effect]) -> Vec<&str> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::ReplaceUrl(q) | Effect::PushUrl(q) => Some(q.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn stepping_at_each_zoom_moves_like_the_stepper_and_back() {
    for z in ZOOMS {
        let mut lab = walkthrough("pool-refill");
        let mut expect = Stepper::over(lab.walk.as_ref().unwrap().recording.clone());
        // A walkthrough opens at its first user step.
        expect.seek(lab.walk.as_ref().unwrap().first_user_step());
        expect.forward(z);
        expect.forward(z);
        send(&mut lab, Msg::SetZoom(z));
        send(&mut lab, Msg::Step(true, None));
        let fx = send(&mut lab, Msg::Step(true, None));
        assert_eq!(pos(&lab), expect.pos(), "{z:?}");
        assert!(pos(&lab) > 0);
        assert_eq!(
            urls(&fx),
            [format!(
                "?walkthrough=pool-refill&step={}&zoom={}",
                expect.pos(),
                url::zoom_name(z)
            )]
        );
        // The narration describes the last step at this zoom (or the whole action at a boundary).
        assert!(!lab.narration.did.is_empty());
        expect.backward(z);
        send(&mut lab, Msg::Step(false, None));
        assert_eq!(pos(&lab), expect.pos(), "{z:?} back");
    }
    // Shift+arrow: an action whatever the zoom.
    let mut lab = walkthrough("pool-refill");
    send(&mut lab, Msg::SetZoom(Zoom::Change));
    let first = lab.walk.as_ref().unwrap().steps[0].first_event;
    assert_eq!(pos(&lab), first, "it opens where step 1 starts");
    send(&mut lab, Msg::Start);
    send(&mut lab, Msg::Step(true, Some(Zoom::Action)));
    assert_eq!(pos(&lab), first, "device setup ends where step 1 starts");
}

#[test]
fn play_ticks_forward_and_pause_stops_the_timer() {
    let mut lab = walkthrough("pool-refill");
    let fx = send(&mut lab, Msg::TogglePlay);
    assert!(lab.playing);
    assert!(fx.contains(&Effect::Timer(Some(SPEEDS[DEFAULT_SPEED].0))));
    send(&mut lab, Msg::Tick);
    assert!(pos(&lab) > 0);
    // Play while playing: nothing to do (no re-render).
    assert!(reduce(&mut lab, Msg::Play).is_none());
    let fx = send(&mut lab, Msg::Speed(true));
    assert!(fx.contains(&Effect::Timer(Some(SPEEDS[DEFAULT_SPEED + 1].0))));
    let fx = send(&mut lab, Msg::Pause);
    assert!(!lab.playing);
    assert!(fx.contains(&Effect::Timer(None)));
    // A late tick after the pause changes nothing.
    assert!(reduce(&mut lab, Msg::Tick).is_none());
    // Playing to the end stops there; playing again starts from the beginning.
    send(&mut lab, Msg::End);
    send(&mut lab, Msg::TogglePlay);
    assert_eq!(pos(&lab), 0);
    for _ in 0..10_000 {
        if reduce(&mut lab, Msg::Tick).is_none() {
            break;
        }
    }
    assert!(!lab.playing);
    assert_eq!(pos(&lab), len(&lab));
}

#[test]
fn seek_start_end_and_landmarks() {
    let mut lab = walkthrough("pool-refill");
    let n = len(&lab);
    let fx = send(&mut lab, Msg::Seek(7));
    assert_eq!(pos(&lab), 7);
    assert_eq!(urls(&fx), ["?walkthrough=pool-refill&step=7&zoom=call"]);
    send(&mut lab, Msg::End);
    assert_eq!(pos(&lab), n);
    send(&mut lab, Msg::Start);
    assert_eq!(pos(&lab), 0);
    send(&mut lab, Msg::Landmark(Landmark::Refill, true));
    assert!(pos(&lab) > 0, "pool-refill refills the wc pool");
    assert_eq!(lab.status, None);
    send(&mut lab, Msg::End);
    send(&mut lab, Msg::Landmark(Landmark::Refill, true));
    assert_eq!(
        lab.status.as_deref(),
        Some("No refill after this position.")
    );
    assert_eq!(pos(&lab), n);
    // The breakpoint needs a function first.
    send(&mut lab, Msg::RunToBreakpoint(false));
    assert_eq!(
        lab.status.as_deref(),
        Some("Choose a function for the breakpoint first.")
    );
}

#[test]
fn opening_a_walkthrough_fills_the_editor_and_the_url() {
    let (mut lab, fx) = open("");
    assert!(lab.walk.is_none());
    assert!(urls(&fx).is_empty());
    let fx = send(&mut lab, Msg::Load("pool-refill".into()));
    let w = lab.walk.clone().unwrap();
    let first = w.steps[0].first_event;
    assert_eq!(
        (w.name.as_str(), w.builtin, w.pos()),
        ("pool-refill", true, first),
        "it opens at its first user step"
    );
    // The editor shows the walkthrough's file as written.
    let file = ttm_core::catalog::get("pool-refill").unwrap();
    assert!(fx.contains(&Effect::Store(EDITOR_KEY, Some(file.to_string()))));
    assert_eq!(
        ttm_core::scenario::Scenario::from_json(&lab.editor).unwrap(),
        w.scenario
    );
    let q = format!("?walkthrough=pool-refill&step={first}&zoom=call");
    // A new history entry: Back returns to the course.
    assert!(fx.contains(&Effect::PushUrl(q.clone())), "{fx:?}");
    assert!(fx.contains(&Effect::SetTitle(
        "Lesson 2: A WC tt is populated from the page pool, one page at a time · TTM Lab".into()
    )));
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::Remember(r) if r.query.as_deref() == Some(q.as_str()))));
    // An unknown name is a notice; the open walkthrough stays.
    send(&mut lab, Msg::Load("no-such".into()));
    assert!(lab.notices[0].contains("no built-in walkthrough called \"no-such\""));
    assert!(Rc::ptr_eq(lab.walk.as_ref().unwrap(), &w));
    // A broken text keeps the view and says why.
    send(
        &mut lab,
        Msg::LoadText("The file \"x.json\"".into(), "{".into()),
    );
    assert!(lab
        .load_error
        .as_deref()
        .unwrap()
        .starts_with("The file \"x.json\" was not loaded: "));
    assert!(Rc::ptr_eq(lab.walk.as_ref().unwrap(), &w));
}

#[test]
fn editor_typing_is_kept_as_a_draft() {
    let mut lab = walkthrough("pool-refill");
    let fx = send(&mut lab, Msg::EditorInput("{ \"mine\": 1 }".into()));
    assert_eq!(
        fx,
        [
            Effect::Store(DRAFT_KEY, Some("{ \"mine\": 1 }".into())),
            Effect::Store(EDITOR_KEY, Some("{ \"mine\": 1 }".into())),
        ]
    );
    send(&mut lab, Msg::Load("pool-trim".into()));
    assert_ne!(lab.editor, "{ \"mine\": 1 }");
    send(&mut lab, Msg::RestoreDraft);
    assert_eq!(lab.editor, "{ \"mine\": 1 }");
    let fx = send(&mut lab, Msg::DiscardDraft);
    assert_eq!(fx, [Effect::Store(DRAFT_KEY, None)]);
    assert_eq!(lab.draft, None);
}

#[test]
fn exercises_stop_forward_moves_at_an_unanswered_question() {
    let (mut lab, _) = open("?walkthrough=pool-refill");
    assert!(lab.exercises);
    let w = lab.walk.clone().unwrap();
    let (qi, q) = (0, w.questions[0].clone());
    let boundary = w.steps[q.step].first_event;
    // Moving by action from the start stops at the question's boundary, and it is asked there.
    let mut fx = Vec::new();
    for _ in 0..5 {
        fx.extend(send(&mut lab, Msg::Step(true, Some(Zoom::Action))));
        if pos(&lab) >= boundary {
            break;
        }
    }
    assert_eq!(pos(&lab), boundary);
    assert_eq!(lab.pending_question(), Some(qi));
    assert!(fx.contains(&Effect::ScrollToExercise));
    // Play stops there too, and says so by pausing.
    send(&mut lab, Msg::Seek(0));
    send(&mut lab, Msg::TogglePlay);
    for _ in 0..10_000 {
        if !lab.playing {
            break;
        }
        send(&mut lab, Msg::Tick);
    }
    assert_eq!(pos(&lab), boundary);
    // A second forward move stays at the question, and says why.
    let fx = send(&mut lab, Msg::Step(true, None));
    assert_eq!(pos(&lab), boundary, "held at the question");
    assert!(
        fx.contains(&Effect::ScrollToExercise),
        "focus goes back to it"
    );
    assert!(lab
        .status
        .as_deref()
        .unwrap()
        .contains("Answer the question"));
    send(&mut lab, Msg::Step(true, Some(Zoom::Action)));
    assert_eq!(pos(&lab), boundary, "by action too");
    // Answering, then a forward move passes it.
    let fx = send(&mut lab, Msg::Answer(qi, "0".into()));
    assert!(
        fx.iter().all(|e| !matches!(e, Effect::PostAnswer { .. })),
        "the full app posts nothing"
    );
    assert!(lab.answers().contains_key(&qi));
    assert!(
        reduce(&mut lab, Msg::Answer(qi, "1".into())).is_none(),
        "one answer per question"
    );
    send(&mut lab, Msg::Step(true, Some(Zoom::Action)));
    assert_eq!(pos(&lab), w.steps[q.step].end_event);
    // Without exercises nothing stops.
    let mut lab = walkthrough("pool-refill");
    for _ in 0..3 {
        send(&mut lab, Msg::Step(true, Some(Zoom::Action)));
    }
    assert!(pos(&lab) > boundary);
}

#[test]
fn embed_ranges_clamp_every_move_and_post_events() {
    let (mut lab, fx) = open("?embed=1&walkthrough=pool-refill&from=5&to=20&exercises=1");
    assert_eq!(
        lab.embed,
        Some(Embed {
            from: 5,
            to: 20,
            looping: false
        })
    );
    assert_eq!(pos(&lab), 5);
    assert!(fx.contains(&Effect::ListenToHost));
    assert!(urls(&fx).is_empty(), "an embed never writes its URL");
    let w = lab.walk.clone().unwrap();
    assert!(fx.contains(&Effect::PostStep {
        step: 5,
        of: len(&lab),
        action: "device setup".into(),
        position: w.position_words(5),
    }));
    assert!(w
        .position_words(5)
        .starts_with("device setup, before step 1 of 3 · call "));
    send(&mut lab, Msg::End);
    assert_eq!(pos(&lab), 20);
    send(&mut lab, Msg::Seek(1_000_000));
    assert_eq!(pos(&lab), 20);
    send(&mut lab, Msg::Start);
    assert_eq!(pos(&lab), 5);
    send(&mut lab, Msg::Step(false, Some(Zoom::Action)));
    assert_eq!(pos(&lab), 5);
    let fx = send(&mut lab, Msg::Seek(9));
    assert!(
        matches!(
            &fx[..],
            [Effect::Remember(_), Effect::PostStep { step: 9, .. }]
        ),
        "{fx:?}"
    );
    // Out-of-range and backwards ranges become notices.
    let (lab, _) = open("?embed=1&walkthrough=pool-refill&from=30&to=10&step=12");
    assert_eq!(lab.embed.map(|e| (e.from, e.to)), Some((10, 30)));
    assert_eq!(pos(&lab), 12);
    assert!(lab.notices[0].contains("backwards"));
    let (lab, _) = open("?embed=1&walkthrough=pool-refill&to=99999999");
    assert_eq!(lab.embed.map(|e| e.to), Some(len(&lab)));
    assert!(lab.notices[0].contains("past the end"));
}

#[test]
fn an_embed_posts_answers_to_its_host() {
    let (mut lab, _) = open("?embed=1&walkthrough=pool-refill&exercises=1");
    let w = lab.walk.clone().unwrap();
    let q = w.questions[0].clone();
    let right = q.answer_text();
    send(&mut lab, Msg::Seek(w.steps[q.step].first_event));
    let fx = send(&mut lab, Msg::Answer(0, right));
    assert!(fx.contains(&Effect::PostAnswer {
        step: q.step,
        correct: true
    }));
}

#[test]
fn autoplay_and_looping_embeds() {
    let (mut lab, fx) = open("?embed=1&walkthrough=pool-refill&from=3&to=6&autoplay=1&loop=1");
    assert!(lab.playing);
    assert!(fx.contains(&Effect::Timer(Some(SPEEDS[DEFAULT_SPEED].0))));
    let mut seen = Vec::new();
    for _ in 0..12 {
        send(&mut lab, Msg::Tick);
        seen.push(pos(&lab));
    }
    assert!(lab.playing, "a looping embed keeps playing");
    assert!(seen.contains(&6) && seen.contains(&3), "{seen:?}");
    assert!(seen.iter().all(|p| (3..=6).contains(p)));
}

#[test]
fn the_url_round_trips() {
    let mut lab = walkthrough("pool-refill");
    send(&mut lab, Msg::SetZoom(Zoom::Change));
    send(&mut lab, Msg::Seek(11));
    let mut m = lab.walk.as_ref().unwrap().machine.clone();
    m.era = Era::E1;
    send(&mut lab, Msg::SetMachine(Ok(m)));
    let q = lab.query().unwrap();
    assert_eq!(q, "?walkthrough=pool-refill&step=11&zoom=change&era=E1");
    let (back, fx) = open(&q);
    assert_eq!(back.query().as_deref(), Some(q.as_str()));
    assert_eq!((pos(&back), back.zoom), (11, Zoom::Change));
    assert_eq!(back.walk.as_ref().unwrap().machine.era, Era::E1);
    assert!(back.notices.is_empty(), "{:?}", back.notices);
    assert_eq!(urls(&fx), [q.as_str()]);
    // A scenario that is not built in travels as base64url JSON.
    let json = lab.walk.as_ref().unwrap().scenario.to_json();
    send(
        &mut lab,
        Msg::LoadText("The editor's scenario".into(), json),
    );
    send(&mut lab, Msg::Seek(4));
    let q = lab.query().unwrap();
    assert!(q.starts_with("?scenario="), "{q}");
    let (back, _) = open(&q);
    assert_eq!(pos(&back), 4);
    assert!(!back.walk.as_ref().unwrap().builtin);
    // Broken parameters are notices and defaults.
    let (lab, _) = open("?walkthrough=pool-refill&step=99999999&zoom=bogus");
    assert_eq!(pos(&lab), len(&lab));
    assert_eq!(lab.zoom, Zoom::Call);
    assert_eq!(lab.notices.len(), 2, "{:?}", lab.notices);
}

#[test]
fn a_machine_change_reruns_and_keeps_the_position() {
    let mut lab = walkthrough("pool-refill");
    send(&mut lab, Msg::Seek(40));
    let old = lab.walk.clone().unwrap();
    let mut m = old.machine.clone();
    m.fidelity = Fidelity::Fixed;
    send(&mut lab, Msg::SetMachine(Ok(m)));
    let new = lab.walk.clone().unwrap();
    assert!(!Rc::ptr_eq(&old, &new));
    assert_eq!(new.machine.fidelity, Fidelity::Fixed);
    assert_eq!(pos(&lab), 40u64.min(new.trace_len()));
    // At the end of a run that gets shorter: its end.
    send(&mut lab, Msg::Seek(u64::MAX));
    assert_eq!(pos(&lab), len(&lab));
    // A refused machine keeps the run and says why.
    let fx = send(
        &mut lab,
        Msg::SetMachine(Err("RAM \"x\" is not a whole number of MiB".into())),
    );
    assert!(Rc::ptr_eq(lab.walk.as_ref().unwrap(), &new));
    assert!(lab
        .machine_error
        .as_deref()
        .unwrap()
        .starts_with("This machine cannot be used: RAM"));
    assert!(urls(&fx).is_empty());
}

#[test]
fn compare_opens_at_the_first_divergence_and_closes() {
    let mut lab = walkthrough("pool-refill");
    send(&mut lab, Msg::TogglePlay);
    let mut b = lab.walk.as_ref().unwrap().machine.clone();
    b.era = Era::E0;
    let fx = send(&mut lab, Msg::Compare(Ok(b)));
    assert!(!lab.playing);
    assert!(fx.contains(&Effect::Timer(None)));
    let c = lab.compare.clone().unwrap();
    assert_eq!(lab.compare_step, c.first_divergence.unwrap_or(0));
    let last = c.rows.len() - 1;
    send(&mut lab, Msg::CompareStep(last));
    assert_eq!(lab.compare_step, last);
    assert_eq!(c.a.stepper.borrow().pos(), c.rows[last].events_a.1);
    assert_eq!(c.b.stepper.borrow().pos(), c.rows[last].events_b.1);
    send(&mut lab, Msg::CompareStep(last + 5));
    assert_eq!(lab.compare_step, last, "no such step: unchanged");
    send(&mut lab, Msg::CloseCompare);
    assert!(lab.compare.is_none());
}

#[test]
fn the_theme_cycles_and_is_stored() {
    let (mut lab, fx) = open("");
    assert!(fx.contains(&Effect::SetTheme(Theme::Auto)));
    let fx = send(&mut lab, Msg::CycleTheme);
    assert_eq!(
        fx,
        [
            Effect::Store(THEME_KEY, Some("light".into())),
            Effect::SetTheme(Theme::Light)
        ]
    );
    // A stored choice is the start; an embed takes its theme from the URL.
    let env = Env {
        theme: Some("dark".into()),
        ..Env::default()
    };
    assert_eq!(Lab::open(url::request(""), &env).0.theme, Theme::Dark);
    let (embed, _) = Lab::open(
        url::request("?embed=1&walkthrough=pool-refill&theme=light"),
        &env,
    );
    assert_eq!(embed.theme, Theme::Light);
}

/// The populate of pool-refill (spec W3), stepped by action: the journey is the kernel's two hops
/// in order, system memory → wc pool (the 512-page refill), then wc pool → tt 0 (20 pages).
/// Under reduced motion the legs are listed but not played; stepping back reverses them.
#[test]
fn a_step_travels_along_the_kernels_path_and_reduced_motion_only_lists_it() {
    let env = Env {
        reduced_motion: true,
        ..Env::default()
    };
    let (mut lab, _) = Lab::open(url::request("?walkthrough=pool-refill&exercises=0"), &env);
    assert_eq!(lab.speed, REDUCED_MOTION_SPEED);
    let populate = lab.walk.as_ref().unwrap().steps[1].first_event;
    let route = |lab: &Lab| -> Vec<(String, String, u64)> {
        let j = lab.travel.as_ref().expect("something travelled");
        j.legs
            .iter()
            .map(|l| (l.from.clone(), l.to.clone(), l.count))
            .collect()
    };
    let refill = vec![
        ("system".to_string(), "pool-0".to_string(), 512),
        ("pool-0".to_string(), "tt-0".to_string(), 20),
    ];
    send(&mut lab, Msg::Seek(populate));
    send(&mut lab, Msg::Step(true, Some(Zoom::Action)));
    assert_eq!(route(&lab), refill);
    assert_eq!(
        lab.travel.as_ref().unwrap().leg_ms,
        0.0,
        "reduced motion: listed, not played"
    );
    send(&mut lab, Msg::ReducedMotion(false));
    send(&mut lab, Msg::Seek(populate));
    send(&mut lab, Msg::Step(true, Some(Zoom::Action)));
    assert_eq!(route(&lab), refill);
    assert!(lab.travel.as_ref().unwrap().leg_ms > 0.0);
    send(&mut lab, Msg::Step(false, Some(Zoom::Action)));
    let back: Vec<(String, String, u64)> = refill
        .iter()
        .rev()
        .map(|(a, b, n)| (b.clone(), a.clone(), *n))
        .collect();
    assert_eq!(route(&lab), back, "backward: the same legs, reversed");
}

#[test]
fn the_snippet_embeds_the_current_step() {
    let mut lab = walkthrough("pool-refill");
    lab.base = "https://x/".into();
    assert_eq!(lab.snippet(), None);
    send(&mut lab, Msg::ToggleSnippet);
    send(&mut lab, Msg::End);
    let w = lab.walk.clone().unwrap();
    let last = w.steps.last().unwrap();
    let code = lab.snippet().unwrap();
    assert!(
        code.contains(&format!(
            "src=\"https://x/?embed=1&amp;walkthrough=pool-refill&amp;from={}&amp;to={}\"",
            last.first_event, last.end_event
        )),
        "{code}"
    );
}

#[test]
fn the_benchmark_opens_its_walkthrough_and_starts() {
    let (lab, fx) = open("?bench=1");
    assert!(lab.bench);
    assert_eq!(lab.speed, SPEEDS.len() - 1);
    assert_eq!(lab.walk.as_ref().unwrap().name, "bench-262144");
    assert!(fx.contains(&Effect::StartBench));
    assert!(urls(&fx).is_empty());
}

#[test]
fn keys_and_host_commands() {
    let at = |target| KeyContext {
        target,
        ..KeyContext::default()
    };
    assert_eq!(key_msg(" ", at("BODY")), Some(Msg::TogglePlay));
    assert_eq!(key_msg(" ", at("BUTTON")), None, "Space presses the button");
    assert_eq!(key_msg("ArrowRight", at("INPUT")), None, "typing");
    assert_eq!(
        key_msg(
            "ArrowLeft",
            KeyContext {
                shift: true,
                ..at("BUTTON")
            }
        ),
        Some(Msg::Step(false, Some(Zoom::Action)))
    );
    assert_eq!(
        key_msg(
            "End",
            KeyContext {
                command: true,
                ..at("BODY")
            }
        ),
        None
    );
    assert_eq!(host_command("goto", Some(12.0)), Some(Msg::HostGoto(12)));
    assert_eq!(host_command("goto", Some(1.5)), None);
    assert_eq!(host_command("goto", Some(-1.0)), None);
    assert_eq!(host_command("goto", None), None);
    assert_eq!(host_command("play", None), Some(Msg::Play));
    assert_eq!(host_command("pause", Some(3.0)), Some(Msg::Pause));
    assert_eq!(host_command("explode", None), None);
}

#[test]
fn the_debug_panic_trigger_is_armed_only_with_its_token() {
    let (_, fx) = open(&format!(
        "?walkthrough=pool-refill&debug_panic={}",
        url::DEBUG_PANIC_TOKEN
    ));
    assert!(fx.contains(&Effect::ArmPanicTrigger));
    let (_, fx) = open("?walkthrough=pool-refill&debug_panic=yes");
    assert!(!fx.contains(&Effect::ArmPanicTrigger));
}

/// The scenario runs made while `f` runs.
fn runs_during(f: impl FnOnce()) -> usize {
    let before = walk::RUNS.with(|n| n.get());
    f();
    walk::RUNS.with(|n| n.get()) - before
}

#[test]
fn every_open_runs_its_scenario_once_and_shares_one_recording() {
    let one = |what: &str, f: &mut dyn FnMut()| assert_eq!(runs_during(f), 1, "{what}");
    let mut lab = Lab::empty(&Env::default());
    one("the URL", &mut || {
        lab = open("?walkthrough=pool-refill&step=40").0
    });
    // The walk and its cursor hold the one recording; the machine is its run's.
    let w = lab.walk.clone().unwrap();
    assert_eq!(Rc::strong_count(&w.recording), 2);
    assert!(Rc::ptr_eq(w.stepper.borrow().recording(), &w.recording));
    one(
        "machine overrides in the URL (applied before the run)",
        &mut || {
            lab = open("?walkthrough=pool-refill&era=E1").0;
        },
    );
    assert_eq!(lab.walk.as_ref().unwrap().machine.era, Era::E1);
    assert!(lab.notices.is_empty(), "{:?}", lab.notices);
    one("the picker", &mut || {
        send(&mut lab, Msg::Load("swap-cycle-bo".into()));
    });
    let json = lab.walk.as_ref().unwrap().scenario.to_json();
    one("a file", &mut || {
        send(&mut lab, Msg::LoadText("The file".into(), json.clone()));
    });
    one("a problem", &mut || {
        send(&mut lab, Msg::OpenProblem(17, 2));
    });
    let mut m = lab.walk.as_ref().unwrap().machine.clone();
    m.fidelity = Fidelity::Fixed;
    one("another machine", &mut || {
        send(&mut lab, Msg::SetMachine(Ok(m.clone())));
    });
    // Moving around, narrating and the exercises read the recording: no run.
    let moves = runs_during(|| {
        for msg in [Msg::End, Msg::Start, Msg::Step(true, Some(Zoom::Change))] {
            send(&mut lab, msg);
        }
        send(&mut lab, Msg::SetZoom(Zoom::Action));
        send(&mut lab, Msg::Step(true, None));
    });
    assert_eq!(moves, 0);
    // A machine the scenario cannot run on: refused, then the scenario on its own machine.
    let (lab, _) = open("?walkthrough=pool-refill&era=E1&swiotlb=1");
    assert_eq!(lab.walk.as_ref().unwrap().machine.era, Era::E3);
    assert!(
        lab.notices[0]
            .starts_with("The machine in the URL cannot run this walkthrough (machine.swiotlb: "),
        "{:?}",
        lab.notices
    );
}

/// The Enter events among the first `pos` events of the walk's trace.
fn enters_before(w: &Walk, pos: u64) -> u64 {
    let sim = w.recording.sim();
    sim.trace()
        .events()
        .take(pos as usize)
        .filter(|e| matches!(e, ttm_core::Event::Enter { .. }))
        .count() as u64
}

#[test]
fn positions_read_as_step_and_call() {
    let mut lab = walkthrough("pool-refill");
    let w = lab.walk.clone().unwrap();
    let n = w.steps.len();
    let calls = enters_before(&w, w.trace_len());
    assert!(calls > 10, "pool-refill makes many calls ({calls})");
    assert_eq!(
        w.position_words(0),
        format!("boot state, before step 1 of {n} · call 0 of {calls}")
    );
    // The device setup makes calls before step 1.
    let setup = w.steps[0].first_event;
    assert_eq!(
        w.position_words(setup),
        format!(
            "ready for step 1 of {n} ({}) · call {} of {calls}",
            w.steps[0].label,
            enters_before(&w, setup)
        )
    );
    assert_eq!(
        w.position_words(setup - 1),
        format!(
            "device setup, before step 1 of {n} · call {} of {calls}",
            enters_before(&w, setup - 1)
        )
    );
    // Inside step 2 (populate tt 0), just after a call's entry: that call's number.
    let s2 = &w.steps[1];
    let entry = (s2.first_event..s2.end_event)
        .find(|&i| {
            matches!(
                w.recording.sim().trace().get(i),
                Some(ttm_core::Event::Enter { .. })
            )
        })
        .unwrap();
    let k = enters_before(&w, entry + 1);
    assert_eq!(
        w.position_words(entry + 1),
        format!("step 2 of {n} ({}) · call {k} of {calls}", s2.label)
    );
    // The end: the last step, every call made.
    assert_eq!(
        w.position_words(w.trace_len()),
        format!(
            "step {n} of {n} ({}) · call {calls} of {calls}",
            w.steps[n - 1].label
        )
    );
    // The URL keeps the raw event index.
    let fx = send(&mut lab, Msg::Seek(entry + 1));
    assert_eq!(
        urls(&fx),
        [format!(
            "?walkthrough=pool-refill&step={}&zoom=call",
            entry + 1
        )]
    );
    // The panic screen's words are the same.
    assert_eq!(
        w.place_words(entry + 1),
        format!("walkthrough “pool-refill”, {}", w.position_words(entry + 1))
    );
    let (p, _) = open("?problem=17&difficulty=2");
    assert!(p
        .walk
        .unwrap()
        .place_words(0)
        .starts_with("random problem 17 (difficulty 2), boot state, before step 1 of "));
}

#[test]
fn a_single_event_is_narrated_naming_its_function() {
    // W3: stepping by change or call onto the exit of ttm_page_pool_fill_locked says it
    // returns, under its own name (as the call stack shows it).
    let mut lab = walkthrough("pool-refill");
    let w = lab.walk.clone().unwrap();
    let trace = w.recording.sim().trace();
    let is_exit = |i: u64| matches!(trace.get(i), Some(ttm_core::Event::Exit { .. }));
    let exit = (0..trace.len())
        .find(|&i| {
            is_exit(i)
                && w.recording
                    .call_stack(i)
                    .last()
                    .is_some_and(|f| f.func == ttm_core::Func::PagePoolFillLocked)
        })
        .expect("pool-refill fills the wc pool");
    send(&mut lab, Msg::SetZoom(Zoom::Change));
    send(&mut lab, Msg::Seek(exit + 1));
    assert!(
        lab.narration
            .event
            .starts_with("ttm_page_pool_fill_locked returns"),
        "{}",
        lab.narration.event
    );
    // At call zoom a span of one event (an exit right after another call boundary) is told
    // as that event: the function by the name the call stack gives it, and what it returned.
    send(&mut lab, Msg::SetZoom(Zoom::Call));
    let boundary = |e: Option<ttm_core::Event>| {
        matches!(
            e,
            Some(ttm_core::Event::Enter { .. } | ttm_core::Event::Exit { .. })
        )
    };
    let exit = (1..trace.len())
        .find(|&i| is_exit(i) && boundary(trace.get(i - 1)))
        .expect("a call boundary right before an exit");
    send(&mut lab, Msg::Seek(exit + 1));
    assert_eq!(lab.narration.span, (exit, exit + 1));
    let frame = w.recording.call_stack(exit).pop().unwrap();
    let sym = ttm_core::present::call(w.machine.driver.kind, frame.func, &frame.args).symbol;
    assert!(
        lab.narration.did.starts_with(&format!("{sym} returns")),
        "{}",
        lab.narration.did
    );
    assert_eq!(lab.narration.did_label, "Last call: ");
}

#[test]
#[should_panic(expected = "deliberate panic from window.__ttmLabPanic()")]
fn the_debug_panic_message_panics_in_the_reducer() {
    let mut lab = walkthrough("pool-refill");
    reduce(&mut lab, Msg::DebugPanic);
}

/// The code pane follows the innermost call; a frame chosen in the call stack shows its own
/// line until the cursor moves. In pool-refill (W3) the wc pool refills inside the first
/// `ttm_get_pages`, which is then at the line that refills the pool.
#[test]
fn the_code_pane_shows_the_innermost_call_or_the_chosen_frame() {
    let mut lab = walkthrough("pool-refill");
    let w = lab.walk.clone().unwrap();
    assert_eq!(w.code_view(None), None, "nothing open at the boot state");
    // Step by call until the refill is the innermost call.
    while w
        .code_view(None)
        .is_none_or(|c| c.link.symbol != "ttm_page_pool_fill_locked")
    {
        send(&mut lab, Msg::Step(true, Some(Zoom::Call)));
        assert!(pos(&lab) < len(&lab), "the refill is called");
    }
    let inner = w.code_view(lab.frame).unwrap();
    assert_eq!(inner.current, Some(0), "just entered: its first line");
    assert!(inner
        .link
        .ident_url
        .as_deref()
        .unwrap()
        .ends_with("/ttm_page_pool_fill_locked"));
    // Choose ttm_get_pages, the caller, in the call stack.
    let frames = w.stepper.borrow().call_stack();
    let get = frames.iter().find(|f| f.func == Func::GetPages).unwrap().at;
    send(&mut lab, Msg::SelectFrame(Some(get)));
    let outer = w.code_view(lab.frame).unwrap();
    assert_eq!(outer.link.symbol, "ttm_get_pages");
    assert!(outer.depth.0 < inner.depth.0);
    let line = outer.lines[outer.current.unwrap()];
    assert!(line.contains("refilling it first"), "{line}");
    assert!(
        reduce(&mut lab, Msg::SelectFrame(Some(get))).is_none(),
        "already shown"
    );
    // A move goes back to the innermost call.
    send(&mut lab, Msg::Step(true, Some(Zoom::Change)));
    assert_eq!(lab.frame, None);
}

/// A tt page of pool-refill, after step 2, came from a refill of the wc pool and then from the
/// pool (W3); the details say so with the positions in steps and calls.
#[test]
fn page_details_name_the_pfn_the_refill_and_the_pool() {
    let mut lab = walkthrough("pool-refill");
    let w = lab.walk.clone().unwrap();
    let end = w.steps[w.steps.len() - 2].end_event;
    send(&mut lab, Msg::Seek(end));
    let pfn = w.with_state(|st| st.tts[0].pages[0].unwrap());
    let text = w.page_details(pfn).unwrap().join("\n");
    assert!(text.contains(&format!("pfn {pfn:#x}")), "{text}");
    assert!(
        text.contains("from system memory to pool wc in a refill"),
        "{text}"
    );
    assert!(text.contains("from pool wc to tt 0"), "{text}");
    assert!(text.contains("step 2 · call"), "{text}");
    assert_eq!(w.page_details(1 << 40), None);
}

/// Skipping is explicit and marked; answers and skips are kept in storage and come back with
/// the walkthrough, until reset.
#[test]
fn skipped_and_answered_questions_survive_a_reload_until_reset() {
    let (mut lab, _) = open("?walkthrough=pool-refill");
    let w = lab.walk.clone().unwrap();
    let boundary = w.steps[w.questions[0].step].first_event;
    send(&mut lab, Msg::Seek(boundary));
    assert_eq!(lab.pending_question(), Some(0));
    let fx = send(&mut lab, Msg::SkipQuestion(0));
    assert!(lab.answers()[&0].skipped);
    assert_eq!(
        lab.pending_question(),
        None,
        "a skipped question no longer holds"
    );
    let stored = fx
        .iter()
        .find_map(|e| match e {
            Effect::Store(ANSWERS_KEY, Some(t)) => Some(t.clone()),
            _ => None,
        })
        .expect("answers stored");
    assert_eq!(stored, r#"{"pool-refill":{"0":{"skipped":true}}}"#);
    send(&mut lab, Msg::Step(true, Some(Zoom::Action)));
    assert!(pos(&lab) > boundary, "forward passes a skipped question");
    // The next question, answered.
    let q1 = w.questions[1].clone();
    send(&mut lab, Msg::Seek(w.steps[q1.step].first_event));
    let fx = send(&mut lab, Msg::Answer(1, q1.answer_text()));
    let stored = fx
        .iter()
        .find_map(|e| match e {
            Effect::Store(ANSWERS_KEY, Some(t)) => Some(t.clone()),
            _ => None,
        })
        .unwrap();
    // A reload with that storage: the same answers, for this walkthrough only.
    let env = Env {
        answers: Some(stored),
        ..Env::default()
    };
    let (mut again, _) = Lab::open(url::request("?walkthrough=pool-refill"), &env);
    assert!(again.answers()[&0].skipped);
    assert_eq!(
        again.answers()[&1],
        Answered {
            given: q1.answer_text(),
            correct: true,
            skipped: false
        }
    );
    let (other, _) = Lab::open(url::request("?walkthrough=tt-lifecycle"), &env);
    assert!(other.answers().is_empty());
    // Reset forgets them, in storage too.
    let fx = send(&mut again, Msg::ResetAnswers);
    assert!(again.answers().is_empty());
    assert!(fx.contains(&Effect::Store(ANSWERS_KEY, Some("{}".into()))));
    assert!(reduce(&mut again, Msg::ResetAnswers).is_none());
    // Whatever is stored, nothing breaks.
    for junk in [
        "",
        "[]",
        "{\"a\":3}",
        "{\"a\":{\"x\":{}}}",
        "{\"a\":{\"0\":{\"given\":1}}}",
    ] {
        assert!(read_answers(junk).values().all(|m| m.is_empty()), "{junk}");
    }
}

/// After an answer, "Play step" plays the step at the current zoom and pauses at its end; the
/// card stays beside the animation while it plays.
#[test]
fn an_answered_step_plays_animated_and_pauses_at_its_end() {
    let (mut lab, _) = open("?walkthrough=pool-refill");
    let w = lab.walk.clone().unwrap();
    let q = w.questions[0].clone();
    let (start, end) = (w.steps[q.step].first_event, w.steps[q.step].end_event);
    send(&mut lab, Msg::Seek(start));
    assert!(
        reduce(&mut lab, Msg::PlayStep).is_none(),
        "not before the answer"
    );
    send(&mut lab, Msg::Answer(0, q.answer_text()));
    send(&mut lab, Msg::PlayStep);
    assert!(lab.playing);
    let mut ticks = 0;
    while lab.playing {
        send(&mut lab, Msg::Tick);
        ticks += 1;
        assert!(pos(&lab) <= end);
        if lab.playing {
            assert_eq!(
                lab.card(),
                Some(0),
                "the verdict stays while the step plays"
            );
        }
    }
    assert_eq!(pos(&lab), end, "paused at the end of the step");
    assert!(
        ticks > 10,
        "played call by call, not jumped ({ticks} ticks)"
    );
    assert_eq!(lab.play_until, None);
}

/// Opening a walkthrough is a history entry; Back (popstate) shows the course again without a new
/// entry; the course button goes back to it too.
#[test]
fn history_entries_lead_back_to_the_course() {
    let (mut lab, fx) = open("");
    assert!(lab.welcome, "a first visit is welcomed");
    assert!(fx.contains(&Effect::SetTitle(
        "TTM Lab: step through the Linux 3.3 TTM memory manager".into()
    )));
    let fx = send(&mut lab, Msg::Load("tt-lifecycle".into()));
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::PushUrl(q) if q.starts_with("?walkthrough=tt-lifecycle&"))));
    // Back: the browser is at the course's address already.
    let fx = send(&mut lab, Msg::Navigate(String::new()));
    assert!(lab.walk.is_none());
    assert!(!fx.iter().any(|e| matches!(e, Effect::PushUrl(_))));
    // Forward again.
    let fx = send(
        &mut lab,
        Msg::Navigate("?walkthrough=tt-lifecycle&step=3".into()),
    );
    assert_eq!(pos(&lab), 3);
    assert!(!fx.iter().any(|e| matches!(e, Effect::PushUrl(_))));
    // "All lessons": a new entry for the course.
    let fx = send(&mut lab, Msg::ShowCourse);
    assert!(lab.walk.is_none());
    assert!(fx.contains(&Effect::PushUrl(String::new())));
    // The welcome, dismissed, is remembered.
    let fx = send(&mut lab, Msg::DismissWelcome);
    assert!(fx.contains(&Effect::Store(WELCOME_KEY, Some("1".into()))));
    let env = Env {
        welcomed: true,
        ..Env::default()
    };
    assert!(!Lab::open(url::request(""), &env).0.welcome);
    assert!(
        !open("?embed=1&walkthrough=pool-refill").0.welcome,
        "never in an embed"
    );
}

/// Compare mode is in the URL with machine B, and opens again from it.
#[test]
fn compare_mode_is_in_the_url() {
    let mut lab = walkthrough("pool-refill");
    let mut b = lab.walk.as_ref().unwrap().machine.clone();
    b.fidelity = Fidelity::Fixed;
    let fx = send(&mut lab, Msg::Compare(Ok(b)));
    let q = urls(&fx)[0].to_string();
    assert!(q.contains("&compare=1&b_fidelity=Fixed"), "{q}");
    let (again, _) = open(&q);
    let c = again.compare.as_ref().expect("compare mode from the URL");
    assert_eq!(c.b.machine().fidelity, Fidelity::Fixed);
    assert_eq!(again.query().as_deref(), Some(q.as_str()));
    let fx = send(&mut lab, Msg::CloseCompare);
    assert!(!urls(&fx)[0].contains("compare"));
}

/// A re-run on another machine keeps the moment of the scenario: the same step and as many calls
/// into it, even where the two traces differ (W3 after the seed commit, E3, against E0 before
/// it, whose populate goes through ttm_tt_get_page and so records other events).
#[test]
fn a_rerun_keeps_the_step_and_the_call() {
    let mut lab = walkthrough("pool-refill");
    let w = lab.walk.clone().unwrap();
    let s2 = &w.steps[1];
    let target = s2.first_event + (s2.end_event - s2.first_event) / 2;
    send(&mut lab, Msg::Seek(target));
    let calls_in = |w: &Walk, p: u64, i: usize| {
        w.recording.calls_begun(p) - w.recording.calls_begun(w.steps[i].first_event)
    };
    let before = calls_in(&w, target, 1);
    let mut m = w.machine.clone();
    m.era = Era::E0;
    send(&mut lab, Msg::SetMachine(Ok(m)));
    let nw = lab.walk.clone().unwrap();
    assert_ne!(
        nw.steps[1].end_event - nw.steps[1].first_event,
        s2.end_event - s2.first_event,
        "the step differs on the other machine"
    );
    assert_eq!(nw.step_at(pos(&lab)), Some(1));
    assert_eq!(calls_in(&nw, pos(&lab), 1), before);
}

/// "Play step" picks a tempo that shows the step in about ten seconds and goes back to the
/// reader's speed afterwards.
#[test]
fn playing_a_step_picks_a_tempo_and_restores_the_speed() {
    let (mut lab, _) = open("?walkthrough=pool-refill");
    let w = lab.walk.clone().unwrap();
    let q = w.questions[0].clone();
    send(&mut lab, Msg::Seek(w.steps[q.step].first_event));
    send(&mut lab, Msg::Answer(0, q.answer_text()));
    let chosen = lab.speed;
    send(&mut lab, Msg::PlayStep);
    // Step 2 of pool-refill makes well over 100 calls: 2 steps/s would take minutes.
    assert!(lab.speed > chosen, "a faster tempo");
    let (s, e) = (w.steps[q.step].first_event, w.steps[q.step].end_event);
    let moves = 2 * (w.recording.calls_begun(e) - w.recording.calls_begun(s)) + 1;
    assert!(
        u64::from(SPEEDS[lab.speed].0) * moves <= PLAY_STEP_MS || lab.speed == SPEEDS.len() - 1
    );
    while lab.playing {
        send(&mut lab, Msg::Tick);
    }
    assert_eq!(lab.speed, chosen, "the reader's speed again");
}

#[test]
fn host_commands_carry_the_protocol_version() {
    // Version 1 is the protocol docs/embedding.md describes; a command without a version is from
    // a host page written before versions existed, which spoke version 1.
    assert_eq!(PROTOCOL_VERSION, 1);
    assert_eq!(
        host_message(Some(1.0), "goto", Some(7.0)),
        Some(Msg::HostGoto(7))
    );
    assert_eq!(
        host_message(None, "goto", Some(7.0)),
        Some(Msg::HostGoto(7))
    );
    assert_eq!(host_message(Some(1.0), "play", None), Some(Msg::Play));
    // Another version, or a version that is not a number: ignored, whatever the command.
    assert_eq!(host_message(Some(2.0), "pause", None), None);
    assert_eq!(host_message(Some(0.0), "play", None), None);
    assert_eq!(host_message(Some(f64::NAN), "play", None), None);
    // The command itself is still checked.
    assert_eq!(host_message(Some(1.0), "goto", Some(-3.0)), None);
    assert_eq!(host_message(Some(1.0), "explode", None), None);
}

/// A host page's goto cannot skip an exercise: going forward it stops at the first unanswered
/// question on the way; once answered (or skipped), it goes through; backward it always goes.
#[test]
fn a_host_goto_stops_at_an_unanswered_question() {
    let (mut lab, _) = open("?embed=1&walkthrough=pool-refill&exercises=1");
    let w = lab.walk.clone().unwrap();
    let b = w.steps[w.questions[0].step].first_event;
    let end = w.trace_len();
    send(&mut lab, Msg::HostGoto(end));
    assert_eq!(pos(&lab), b, "held at the question before step 2");
    assert!(lab
        .status
        .as_deref()
        .unwrap()
        .contains("Stopped at a question"));
    send(&mut lab, Msg::HostGoto(end));
    assert_eq!(pos(&lab), b, "still held");
    send(&mut lab, Msg::SkipQuestion(0));
    send(&mut lab, Msg::HostGoto(end));
    let b2 = w.steps[w.questions[1].step].first_event;
    assert_eq!(pos(&lab), b2, "then the next question");
    send(&mut lab, Msg::HostGoto(b + 1));
    assert_eq!(pos(&lab), b + 1, "backward: no hold");
    // Without exercises, a goto is a plain seek.
    let (mut plain, _) = open("?embed=1&walkthrough=pool-refill");
    send(&mut plain, Msg::HostGoto(end));
    assert_eq!(pos(&plain), end);
}

/// A step with too many calls to watch one by one (eviction-order's step 3 evicts a BO: well
/// over 600 calls, more than 10 s even at 60 steps/s) plays as one move whose pages travel leg
/// after leg.
#[test]
fn a_long_step_plays_as_one_travelling_move() {
    let (mut lab, _) = open("?walkthrough=eviction-order");
    let w = lab.walk.clone().unwrap();
    let (qi, q) = w
        .questions
        .iter()
        .enumerate()
        .find(|(_, q)| {
            let s = &w.steps[q.step];
            w.recording.calls_begun(s.end_event) - w.recording.calls_begun(s.first_event) > 600
        })
        .map(|(i, q)| (i, q.clone()))
        .expect("a long asked step");
    send(&mut lab, Msg::Seek(w.steps[q.step].first_event));
    send(&mut lab, Msg::SkipQuestion(qi));
    send(&mut lab, Msg::PlayStep);
    assert!(!lab.playing);
    assert_eq!(pos(&lab), w.steps[q.step].end_event);
    assert!(lab.travel.is_some(), "its pages travel");
}

/// Where a walkthrough opens, the narration says the device is set up; only where the setup can
/// be reached does it say to step back (an embed's range starting there cannot).
#[test]
fn the_ready_narration_offers_the_setup_only_where_it_can_be_reached() {
    let lab = walkthrough("pool-refill");
    assert!(
        lab.narration.did.contains("step back to watch them"),
        "{}",
        lab.narration.did
    );
    let (embed, _) = open("?embed=1&walkthrough=pool-refill");
    assert!(
        embed.narration.did.starts_with("the device is set up ("),
        "{}",
        embed.narration.did
    );
    assert!(
        !embed.narration.did.contains("step back"),
        "{}",
        embed.narration.did
    );
}

/// Then and now (issue 18): comparing a 3.3 walkthrough with the same machine on Linux 6.12
/// opens the then-and-now comparison at W3's refill against M2's blocks (step 2, index 1), keeps
/// it in the URL as `b_kernel=6.12`, and reopens from it; a 6.12 walkthrough has no way back.
#[test]
fn then_and_now_compares_3_3_with_6_12_and_is_in_the_url() {
    let mut lab = walkthrough("pool-refill");
    let fx = send(&mut lab, Msg::ThenAndNow);
    assert!(
        fx.contains(&Effect::ShowCompare),
        "brought into view: {fx:?}"
    );
    let c = lab.compare.clone().expect("then and now opens");
    let t = c.then_now.as_ref().expect("across kernels: then and now");
    assert_eq!(c.first_divergence, Some(1));
    assert_eq!(lab.compare_step, 1);
    assert_eq!(t.rows[1].then.fresh_pages, 512, "W3");
    assert_eq!(
        t.rows[1].now.allocations, "2 blocks: order 4, order 2",
        "M2"
    );
    assert_eq!(c.rows[1].differences.len(), t.rows[1].divergences.len());
    assert_eq!(c.b.stepper.borrow().pos(), c.rows[1].events_b.1);
    let q = urls(&fx)[0].to_string();
    assert!(q.contains("&compare=1&b_kernel=6.12"), "{q}");
    let (again, _) = open(&q);
    let c2 = again.compare.as_ref().expect("then and now from the URL");
    assert!(c2.then_now.is_some());
    let mut lab = walkthrough("modern-pool-orders");
    let mut b = lab.walk.as_ref().unwrap().machine.clone();
    b.kernel = ttm_core::Kernel::V3_3;
    send(&mut lab, Msg::Compare(Ok(b)));
    assert!(lab.compare.is_none());
    let e = lab.machine_error.clone().unwrap_or_default();
    assert!(e.contains("written for Linux 6.12"), "{e}");
}

/// A walkthrough replayed on Linux 6.12 (`kernel=6.12`) does not tell its 3.3 story: after the
/// populate its own words ("refilled it with 512 pages") are left out, the model's narration
/// stands alone; on its own kernel they are there.
#[test]
fn a_replay_on_6_12_leaves_out_the_walkthroughs_3_3_words() {
    for (q, says) in [
        ("?walkthrough=pool-refill&exercises=0", true),
        ("?walkthrough=pool-refill&exercises=0&kernel=6.12", false),
    ] {
        let (mut lab, _) = open(q);
        let end = lab.walk.as_ref().unwrap().steps[1].end_event;
        send(&mut lab, Msg::Seek(end));
        let w = lab.walk.clone().unwrap();
        assert_eq!(w.say(1).is_some(), says, "{q}");
        assert_eq!(lab.narration.say.is_some(), says, "{q}");
        if says {
            assert!(lab.narration.say.as_deref().unwrap().contains("512"));
        }
    }
}

/// Issue 16's first usable render: a full page opens with only its first screen to draw and
/// asks to be told when that has been painted; then the lower panels come. An embed has no
/// lower panels, and a comparison opened by the URL is scrolled to at once, so both start
/// settled (nothing may be drawn above the comparison after the scroll).
#[test]
fn a_full_page_draws_its_lower_panels_after_the_first_paint() {
    let (mut lab, fx) = open("?walkthrough=pool-refill");
    assert!(!lab.settled);
    assert!(fx.contains(&Effect::MarkFirstScreen));
    assert_eq!(
        fx.iter().filter(|e| **e == Effect::AfterFirstPaint).count(),
        1
    );
    let after = send(&mut lab, Msg::Settled);
    assert!(lab.settled);
    assert!(after.is_empty(), "{after:?}");
    assert_eq!(
        reduce(&mut lab, Msg::Settled),
        None,
        "a second one changes nothing"
    );

    // The course (no walkthrough) has the scenario files below it too.
    let (course, fx) = open("");
    assert!(!course.settled && fx.contains(&Effect::AfterFirstPaint));

    for q in [
        "?walkthrough=pool-refill&embed=1",
        "?walkthrough=pool-refill&compare=1&b_kernel=6.12",
    ] {
        let (lab, fx) = open(q);
        assert!(lab.settled, "{q}");
        assert!(!fx.contains(&Effect::AfterFirstPaint), "{q}");
    }
}

/// An exercise's explanation is made when the answer shows, from the recording (issue 16: the
/// page narrates nothing at load), once: the step's own text, then the narration of its calls.
#[test]
fn an_explanation_is_made_once_when_first_shown() {
    let lab = walkthrough("pool-refill");
    let w = lab.walk.as_ref().unwrap();
    let q = &w.questions[0];
    let say = w.steps[q.step].say.clone().unwrap();
    let why = w.explanation(0).unwrap();
    assert!(why.starts_with(&format!("{say} (")), "{why}");
    assert!(
        Rc::ptr_eq(&why, &w.explanation(0).unwrap()),
        "kept, not made again"
    );
    assert_eq!(w.explanation(w.questions.len()), None);
}
