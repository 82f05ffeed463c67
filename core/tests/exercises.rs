//! Exercises (issue 7): questions are answered by the model; random problems are reproducible.

use ttm_core::exercise::{questions, random_problem, Answer};
use ttm_core::*;

fn run(name: &str) -> ttm_core::Run {
    catalog::load(name).unwrap().unwrap().run().unwrap()
}

#[test]
fn pool_refill_asks_for_the_w3_and_w4_pool_sizes() {
    let qs = questions(&run("pool-refill"));
    let pool: Vec<(usize, &Answer)> = qs.iter().map(|q| (q.step, &q.answer)).collect();
    // W3: after the populate the wc pool holds 492; W4: after the unpopulate 512.
    assert!(pool.contains(&(1, &Answer::Number(492))), "{qs:#?}");
    assert!(pool.contains(&(2, &Answer::Number(512))), "{qs:#?}");
    let q = qs.iter().find(|q| q.step == 1).unwrap();
    assert!(q.prompt.contains("wc pool"));
    assert!(q.check("492") && !q.check("493") && !q.check("lots"));
    assert!(!q.explanation.is_empty());
}

#[test]
fn a_failing_step_asks_for_its_error() {
    // W10: the populate over max_mem returns -ENOMEM.
    let qs = questions(&run("accounting-limit-d1"));
    let q = qs
        .iter()
        .find(|q| matches!(q.answer, Answer::Choice { .. }) && q.prompt.contains("return"))
        .unwrap();
    assert_eq!(q.answer_text(), "-ENOMEM");
    assert!(q.check("-enomem") && !q.check("ok"));
}

#[test]
fn eviction_asks_which_bo_goes() {
    // W19: C needs room, the LRU head A (BO 0) is evicted.
    let qs = questions(&run("eviction-order"));
    let q = qs
        .iter()
        .find(|q| q.prompt.contains("evicted"))
        .expect("an eviction question");
    assert_eq!(q.answer_text(), "BO 0");
}

#[test]
fn double_swapout_asks_whether_data_survives() {
    let qs = questions(&run("double-swapout-d8"));
    let q = qs
        .iter()
        .find(|q| matches!(q.answer, Answer::YesNo(_)))
        .expect("a data question");
    assert_eq!(q.answer, Answer::YesNo(false), "D8 loses the data");
    assert!(q.check("no") && !q.check("yes"));
}

#[test]
fn random_problems_are_reproducible_and_self_consistent() {
    for difficulty in 1..=3 {
        let (a, qa) = random_problem(42, difficulty);
        let (b, qb) = random_problem(42, difficulty);
        assert_eq!(a, b);
        assert_eq!(qa, qb);
        assert!(!qa.is_empty(), "difficulty {difficulty} has questions");
        for q in &qa {
            assert!(q.check(&q.answer_text()), "{q:?}");
        }
        let (c, _) = random_problem(43, difficulty);
        assert_ne!(a.steps, c.steps, "another seed, another problem");
    }
    let (_, q3) = random_problem(7, 3);
    assert!(q3.iter().any(|q| q.prompt.contains("evicted")), "{q3:#?}");
}

#[test]
fn moving_a_bo_with_data_asks_whether_the_data_survives() {
    // swap-cycle-bo writes data #12 into BO 0 in VRAM; the eviction to GTT copies it (a blit).
    let qs = questions(&run("swap-cycle-bo"));
    let q = qs
        .iter()
        .find(|q| q.prompt.starts_with("BO 0 holds data #12"))
        .expect("a data question");
    assert_eq!(q.answer, Answer::YesNo(true));
}
