//! Time travel (issue 5): any position's state equals the replay of the events before it,
//! stepping forward and back is symmetric at every zoom level, jumps land where they should.

mod common;
use common::*;
use ttm_core::trace::Event;
use ttm_core::*;

fn busy_sim() -> Sim {
    let mut s = sim();
    let tt = create(&mut s, 40, Caching::Wc);
    populate(&mut s, tt);
    s.run(&Action::TtSetCaching {
        tt,
        caching: Caching::Cached,
    })
    .unwrap();
    s.run(&Action::TtSwapout {
        tt,
        persistent: None,
    })
    .unwrap();
    populate(&mut s, tt);
    s.run(&Action::PoolShrink { nr_to_scan: 100 }).unwrap();
    s
}

#[test]
fn seek_gives_the_replayed_state_anywhere() {
    let s = busy_sim();
    let mut st = Stepper::new(std::rc::Rc::new(s.clone()));
    let n = st.len();
    for target in [n, 0, n / 2, 1, n - 1, n / 3, n / 3 + 1, 7] {
        st.seek(target);
        assert_eq!(st.pos(), target);
        assert_eq!(st.state(), &replay(&s, target), "position {target}");
    }
    st.seek(n);
    assert_eq!(st.state(), s.state());
}

#[test]
fn forward_then_backward_is_symmetric_at_every_zoom() {
    let s = busy_sim();
    for zoom in [Zoom::Action, Zoom::Call, Zoom::Change] {
        let mut st = Stepper::new(std::rc::Rc::new(s.clone()));
        let mut stops = vec![0];
        while st.pos() < st.len() {
            st.forward(zoom);
            stops.push(st.pos());
        }
        assert!(
            stops.windows(2).all(|w| w[0] < w[1]),
            "{zoom:?} moves forward"
        );
        for &want in stops.iter().rev().skip(1) {
            st.backward(zoom);
            assert_eq!(st.pos(), want, "{zoom:?}");
        }
        assert_eq!(st.state(), s.boot_state());
    }
}

#[test]
fn action_zoom_stops_at_user_actions() {
    let s = busy_sim();
    let mut st = Stepper::new(std::rc::Rc::new(s.clone()));
    let marks = st.marks().to_vec();
    for &m in &marks[1..] {
        st.forward(Zoom::Action);
        assert_eq!(st.pos(), m);
    }
    st.forward(Zoom::Action);
    assert_eq!(st.pos(), st.len());
}

#[test]
fn change_zoom_stops_after_each_delta() {
    let s = busy_sim();
    let mut st = Stepper::new(std::rc::Rc::new(s.clone()));
    st.forward(Zoom::Change);
    assert!(matches!(st.current(), Some(Event::Delta(_))));
    let before = st.pos();
    st.forward(Zoom::Change);
    assert_eq!(st.diff_since(before).len(), 1, "one change per step");
}

#[test]
fn breakpoints_and_landmarks() {
    let s = busy_sim();
    let mut st = Stepper::new(std::rc::Rc::new(s.clone()));
    assert!(st.next_call(Func::PagePoolFillLocked));
    assert!(matches!(
        st.current(),
        Some(Event::Enter {
            func: Func::PagePoolFillLocked,
            ..
        })
    ));
    let stack: Vec<Func> = st.call_stack().iter().map(|f| f.func).collect();
    assert_eq!(
        stack,
        vec![
            Func::PoolPopulate,
            Func::GetPages,
            Func::PagePoolGetPages,
            Func::PagePoolFillLocked
        ]
    );
    assert!(st.next_landmark(Landmark::Refill));
    // The refill happens inside the first fill_locked: 512 new pages.
    assert!(
        matches!(st.current(), Some(Event::Enter { func: Func::AllocNewPages, ref args }) if args[0] == 512)
    );
    assert!(st.next_landmark(Landmark::Swapout));
    let at_swapout = st.pos();
    assert!(st.next_landmark(Landmark::Swapin));
    assert!(st.prev_landmark(Landmark::Swapout));
    assert_eq!(st.pos(), at_swapout);
    assert!(st.next_landmark(Landmark::Shrink));
    assert!(
        !st.next_landmark(Landmark::Eviction),
        "no eviction in this trace"
    );
    assert!(st.prev_call(Func::PoolPopulate));
}

#[test]
fn first_finding_jumps_to_d1() {
    let mut s = sim();
    s.run(&Action::MemCharge { bytes: 33_538_048 }).unwrap();
    let tt = create(&mut s, 10, Caching::Cached);
    let _ = s.run(&Action::TtPopulate { tt });
    let mut st = Stepper::new(std::rc::Rc::new(s.clone()));
    assert!(matches!(
        st.first_finding(),
        Some(Finding::D1OverUncharge { .. })
    ));
    // The finding is recorded inside ttm_pool_unpopulate of the failed populate.
    let stack: Vec<Func> = st.call_stack().iter().map(|f| f.func).collect();
    assert_eq!(stack, vec![Func::PoolPopulate, Func::PoolUnpopulate]);
}

#[test]
fn a_big_trace_crosses_state_checkpoints() {
    // 40,000 pages: about 700,000 events, i.e. several state checkpoints.
    let mut s = sim_with(|c| c.ram_bytes = 1 << 30);
    let tt = create(&mut s, 40_000, Caching::Wc);
    populate(&mut s, tt);
    let mut st = Stepper::new(std::rc::Rc::new(s.clone()));
    assert!(st.len() > 3 * stepper::STATE_CHECKPOINT_EVERY);
    for target in [
        st.len() - 3,
        2 * stepper::STATE_CHECKPOINT_EVERY + 5,
        100,
        st.len(),
    ] {
        st.seek(target);
        assert_eq!(st.state(), &replay(&s, target));
    }
    st.seek(2 * stepper::STATE_CHECKPOINT_EVERY + 5);
    let stack = st.call_stack();
    assert_eq!(stack.first().map(|f| f.func), Some(Func::PoolPopulate));
}

#[test]
fn series_samples_boundaries_and_matches_the_states() {
    let s = busy_sim();
    let pts = ttm_core::series::series(&s, 50);
    assert!(pts.len() <= 50 && pts.len() >= 2);
    assert_eq!(pts[0].pos, 0);
    assert_eq!(pts.last().unwrap().pos, s.trace().len());
    assert!(pts.windows(2).all(|w| w[0].pos < w[1].pos));
    for p in &pts {
        let st = replay(&s, p.pos);
        assert_eq!(p.pools[0], st.pools[0].npages, "position {}", p.pos);
        assert_eq!(p.zones_used[0], st.zones[0].used_mem);
    }
    // The W3-like populate of 40 WC pages leaves 472 pages in the wc pool at some boundary.
    assert!(pts.iter().any(|p| p.pools[0] == 472));
}

#[test]
fn one_recording_serves_the_chart_the_breakpoints_and_every_cursor() {
    // W3's populate: one pass gives the same chart samples as `series`, lists the functions the
    // trace entered, and two cursors over it see the same states as a replay.
    let mut s = common::sim();
    let tt = common::create(&mut s, 20, ttm_core::Caching::Wc);
    s.run(&ttm_core::Action::TtPopulate { tt }).unwrap();
    let sim = std::rc::Rc::new(s);
    let rec = std::rc::Rc::new(ttm_core::Recording::new(sim.clone(), 50));
    assert_eq!(rec.series(), ttm_core::series::series(&sim, 50).as_slice());
    assert_eq!(rec.series().last().map(|x| x.pools[0]), Some(492));
    assert!(rec
        .funcs_seen()
        .iter()
        .any(|(f, _)| *f == Func::PagePoolFillLocked));
    // Each function the trace entered once, under its symbol, sorted by symbol (the breakpoint
    // list): the same set as the Enter events of a plain walk over the trace.
    let entered: std::collections::BTreeSet<usize> = sim
        .trace()
        .events()
        .filter_map(|e| match e {
            ttm_core::trace::Event::Enter { func, .. } => Some(func.index()),
            _ => None,
        })
        .collect();
    let listed: Vec<usize> = rec.funcs_seen().iter().map(|(f, _)| f.index()).collect();
    assert_eq!(
        listed
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>(),
        entered
    );
    assert_eq!(listed.len(), entered.len(), "a function listed twice");
    assert!(
        rec.funcs_seen().windows(2).all(|w| w[0].1 <= w[1].1),
        "sorted by symbol"
    );
    let (mut a, mut b) = (Stepper::over(rec.clone()), Stepper::over(rec.clone()));
    let mid = rec.len() / 2;
    a.seek(mid);
    b.seek(rec.len());
    b.seek(mid);
    assert_eq!(a.state(), &rec.state_at(mid));
    assert_eq!(b.state(), a.state());
    assert_eq!(a.call_stack(), rec.call_stack(mid));
    assert!(rec.at_boundary(0) && rec.at_boundary(rec.len()));
}

#[test]
fn calls_begun_counts_the_entries_before_each_position() {
    // A 3,000-page populate (W3's, larger) makes a trace several count spacings long: the count
    // at a position is the Enter events before it, read from the nearest kept count.
    let mut s = common::sim();
    let tt = common::create(&mut s, 3000, ttm_core::Caching::Wc);
    s.run(&ttm_core::Action::TtPopulate { tt }).unwrap();
    let sim = std::rc::Rc::new(s);
    let rec = ttm_core::Recording::new(sim.clone(), 10);
    let enters: Vec<u64> = std::iter::once(0)
        .chain(sim.trace().events().scan(0, |n, e| {
            *n += u64::from(matches!(e, Event::Enter { .. }));
            Some(*n)
        }))
        .collect();
    let len = rec.len();
    assert!(
        len > 3 * 4096,
        "the trace crosses several spacings ({len} events)"
    );
    let around = (0..=len / 4096).flat_map(|k| (k * 4096).saturating_sub(2)..k * 4096 + 3);
    for pos in around.chain((0..len).step_by(97)).filter(|&p| p <= len) {
        assert_eq!(rec.calls_begun(pos), enters[pos as usize], "position {pos}");
    }
    assert_eq!(rec.calls(), *enters.last().unwrap());
    assert_eq!(rec.calls_begun(len + 5), rec.calls(), "clamped to the end");
    // "Call k" just after an entry is that call's number, and it stays until the next entry
    // (over the call's changes and its exit).
    let first = sim
        .trace()
        .events()
        .position(|e| matches!(e, Event::Enter { .. }))
        .unwrap() as u64;
    assert_eq!(rec.calls_begun(first), 0);
    assert_eq!(rec.calls_begun(first + 1), 1);
    let second = first
        + 1
        + sim
            .trace()
            .events_from(first + 1)
            .position(|e| matches!(e, Event::Enter { .. }))
            .unwrap() as u64;
    assert!((first + 1..=second).all(|p| rec.calls_begun(p) == 1));
    assert_eq!(rec.calls_begun(second + 1), 2);
}

#[test]
fn a_trace_of_large_states_keeps_checkpoints_that_share_what_they_did_not_change() {
    // 150,000 pages: the tt's page array alone is 150,000 × 16 bytes = 2.4 MB, so full copies
    // every 65,536 events (one per ~3,300 pages populated) would take about 2.4 MB per 65,536
    // events, over the 32 bytes per event of CHECKPOINT_BYTES_PER_EVENT. The page arrays are
    // chunked and shared, so a checkpoint holds only the chunks written since the one before
    // (about four 16 KiB chunks of slots and four 8 KiB chunks of page records): every 65,536
    // events fit the budget.
    let mut s = sim_with(|c| c.ram_bytes = 2 << 30);
    let tt = create(&mut s, 150_000, Caching::Wc);
    populate(&mut s, tt);
    let rec = std::rc::Rc::new(ttm_core::Recording::new(std::rc::Rc::new(s.clone()), 100));
    let every = rec.checkpoint_every();
    assert_eq!(every, stepper::STATE_CHECKPOINT_EVERY);
    assert!(rec.checkpoints() as u64 > rec.len() / every);
    let held = rec.checkpoint_bytes();
    assert!(
        held <= rec.len() * ttm_core::recording::CHECKPOINT_BYTES_PER_EVENT,
        "{held} bytes of checkpoints for {} events",
        rec.len()
    );
    // Far less than a full copy per checkpoint.
    let full = ttm_core::recording::state_bytes(s.state()) * (rec.checkpoints() as u64 - 1);
    assert!(held * 10 < full, "{held} of {full}");
    // Seeking still lands on the replayed state: across checkpoints, far back (the reverse walk
    // goes chunk by chunk), just past a checkpoint, and at the ends.
    let mut st = Stepper::over(rec);
    let n = st.len();
    for target in [
        n,
        3,
        every + 1,
        n - 7,
        every - 1,
        2 * every + 12_345,
        0,
        n / 2,
    ] {
        st.seek(target);
        assert_eq!(st.state(), &replay(&s, target), "position {target}");
    }
}

/// The recording looks a function's symbol up once unless `symbol_varies` says its arguments
/// choose it: for every other function, any arguments give the same symbol on every driver.
#[test]
fn only_the_functions_said_to_vary_change_symbol_with_their_arguments() {
    use ttm_core::config::DriverKind;
    use ttm_core::drivers::{event_symbol, symbol_varies};
    let kinds = [DriverKind::Radeon, DriverKind::Nouveau, DriverKind::Vmwgfx];
    let mut varied = 0;
    for &f in Func::ALL {
        for kind in kinds {
            let syms: std::collections::BTreeSet<&str> = (0..8u64)
                .map(|a| event_symbol(kind, f, &[a, a + 1, 2, 3, 4, 5]))
                .collect();
            if syms.len() > 1 {
                varied += 1;
                assert!(symbol_varies(f), "{f:?} on {kind:?}: {syms:?}");
            }
        }
    }
    assert!(varied > 0, "some callbacks do name their driver or backend");
}
