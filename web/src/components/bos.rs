//! Buffer objects and memory types at the position: each manager's allocated ranges and LRU, the
//! swap LRU, the fences, and the table of live buffer objects.

use std::rc::Rc;

use ttm_core::bo_state::{Bo, ManagerKind};
use ttm_core::present;
use ttm_core::State;
use yew::prelude::*;

use crate::store::Walk;
use crate::view::{group_digits, percent};

/// Properties of [`Bos`].
#[derive(Properties, PartialEq)]
pub struct BosProps {
    /// The open run.
    pub walk: Rc<Walk>,
    /// The position (the objects are the cursor's state there).
    pub pos: u64,
}

/// The buffer-objects panel.
#[component]
pub fn Bos(props: &BosProps) -> Html {
    props.walk.with_state(|st| {
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
                let name = present::manager_name(*t);
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
                            let notes = notes(st, b);
                            html! {
                                <tr data-testid={format!("bo-{}", b.id)}>
                                    <th scope="row">{ b.id }</th>
                                    <td class="txt">{ present::manager_name(ttm_core::bo_state::man_index(b.device, b.mem.mem_type) as u8) }</td>
                                    <td class="txt mono">{ present::placement_caching(b.mem.placement) }</td>
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
    })
}

/// A buffer object's notes in the table: ghost, evicted, busy (`State::bo_busy`: its fence not
/// signalled yet), reserved.
fn notes(st: &State, b: &Bo) -> Vec<&'static str> {
    [
        (b.ghost, "ghost"),
        (b.evicted, "evicted"),
        (st.bo_busy(b.id), "busy"),
        (b.reserved, "reserved"),
    ]
    .into_iter()
    .filter_map(|(on, note)| on.then_some(note))
    .collect()
}

/// Where a buffer object sits in its memory type, as the bars above draw it: the id of a GMR-id
/// manager's node, a range manager's page range, or only its size when it has no node (SYSTEM).
fn range_text(st: &State, b: &Bo) -> String {
    let gmr = st.man(b.device, b.mem.mem_type).kind == ManagerKind::GmrId;
    match (b.mem.has_node, gmr) {
        (true, true) => format!("GMR id {} ({} pages)", b.mem.start, b.num_pages),
        (true, false) => format!("[{}, {})", b.mem.start, b.mem.start + b.num_pages as u64),
        (false, _) => format!("{} pages", b.num_pages),
    }
}
