//! The page details of the stage (core/src/inspect.rs): where a page came from, read from the
//! trace, with the routes of spec 3.3–3.5 (worked examples W3, W4).

mod common;
use common::*;
use ttm_core::hops::Place;
use ttm_core::inspect::page;
use ttm_core::*;

/// W3: the first `ttm_get_pages` of a 20-page wc tt finds the wc pool empty, so
/// `ttm_page_pool_fill_locked` refills it: `ttm_alloc_new_pages` takes 512 pages from system
/// memory (set write-combined) onto its private list, which is spliced onto the pool; then the
/// pool hands the tt its pages. So a tt page has made two hops: system memory → pool wc in a
/// refill, and pool wc → tt 0 by `ttm_get_pages`. W4: unpopulating puts it back at the pool's
/// tail (`ttm_put_pages`), a third hop.
#[test]
fn a_tt_page_came_from_a_refill_of_the_wc_pool() {
    let mut s = sim();
    let tt = create(&mut s, 20, Caching::Wc);
    populate(&mut s, tt);
    let pfn = s.state().tts[tt as usize].pages[0].expect("slot 0 holds a page");
    let pos = s.trace().len();
    let info = page(&s, s.state(), pos, pfn).expect("a page of the machine");
    assert_eq!(info.pfn, pfn);
    // 64 MiB of x86-64 RAM is all below 4 GiB: the DMA32 zone.
    assert_eq!(info.zone, "DMA32");
    assert_eq!(info.place, "tt 0 slot 0");
    assert_eq!(info.caching, "write-combined");
    assert!(info.contents.is_some());
    let routes: Vec<_> = info
        .arrivals
        .iter()
        .map(|a| (a.from, a.to, a.refill))
        .collect();
    assert_eq!(
        routes,
        vec![
            (Place::System, Place::Pool(0), true),
            (Place::Pool(0), Place::Tt(0), false)
        ]
    );
    let refill = &info.arrivals[0];
    assert!(
        refill.took.contains(&"ttm_page_pool_fill_locked"),
        "{refill:?}"
    );
    assert!(refill.took.contains(&"ttm_alloc_new_pages"), "{refill:?}");
    assert!(info.arrivals[1].took.contains(&"ttm_get_pages"));
    let text = info.lines(|e| format!("event {e}")).join("\n");
    assert!(text.contains(&format!("pfn {pfn:#x}")), "{text}");
    assert!(
        text.contains("from system memory to pool wc in a refill"),
        "{text}"
    );
    assert!(text.contains("from pool wc to tt 0"), "{text}");

    unpopulate(&mut s, tt);
    let pos = s.trace().len();
    let info = page(&s, s.state(), pos, pfn).unwrap();
    assert_eq!(info.place, "pool wc");
    let last = info.arrivals.last().unwrap();
    assert_eq!((last.from, last.to), (Place::Tt(0), Place::Pool(0)));
    assert!(last.took.contains(&"ttm_put_pages"), "{last:?}");
}

/// The details are of the position asked for, not of the end: before the populate the page is
/// untouched system memory, never handed out (contents unknown), with no hop.
#[test]
fn details_are_those_of_the_position() {
    let mut s = sim();
    let tt = create(&mut s, 20, Caching::Wc);
    let before = s.trace().len();
    let st_before = s.state().clone();
    populate(&mut s, tt);
    let pfn = s.state().tts[tt as usize].pages[0].unwrap();
    let info = page(&s, &st_before, before, pfn).unwrap();
    assert!(info.arrivals.is_empty());
    assert_eq!(info.contents, None);
    assert!(info.place.starts_with("system memory"), "{}", info.place);
    // Outside the machine's 16,384 pages there is nothing to tell.
    assert_eq!(page(&s, s.state(), 0, 16_384), None);
}
