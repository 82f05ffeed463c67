//! The machine form: kernel (3.3 or 6.12), driver, era, faithful/fixed, RAM, swiotlb, AGP,
//! acceleration, and "then and now" (this walkthrough on 6.12 beside 3.3). It only builds a
//! `MachineConfig` from the current one; the app re-runs the scenario on it (after
//! `MachineConfig::validate`) or compares the two machines step by step (`Compare::of`).

use ttm_core::{DriverKind, Era, Fidelity, Kernel, MachineConfig};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Properties of [`MachineForm`].
#[derive(Properties, PartialEq)]
pub struct MachineProps {
    /// The machine of the current run.
    pub machine: MachineConfig,
    /// Why the last change was refused.
    #[prop_or_default]
    pub error: Option<AttrValue>,
    /// Re-run with this machine.
    pub on_apply: Callback<Result<MachineConfig, String>>,
    /// Compare the current machine with this one.
    pub on_compare: Callback<Result<MachineConfig, String>>,
    /// Then and now: the current machine beside the same on Linux 6.12.
    pub on_then_now: Callback<()>,
}

const KERNELS: [(Kernel, &str, &str); 2] = [
    (Kernel::V3_3, "3.3", "Linux 3.3"),
    (Kernel::V6_12, "6.12", "Linux 6.12 (steps replayed)"),
];

const DRIVERS: [(DriverKind, &str); 3] = [
    (DriverKind::Radeon, "radeon"),
    (DriverKind::Nouveau, "nouveau"),
    (DriverKind::Vmwgfx, "vmwgfx"),
];
const ERAS: [(Era, &str); 4] = [
    (Era::E0, "E0 (3.0–3.2)"),
    (Era::E1, "E1 (before the seed)"),
    (Era::E2, "E2 (the seed)"),
    (Era::E3, "E3 (3.3/3.4 release)"),
];

/// The form.
#[component]
pub fn MachineForm(props: &MachineProps) -> Html {
    let kernel = use_node_ref();
    let driver = use_node_ref();
    let era = use_node_ref();
    let fidelity = use_node_ref();
    let ram = use_node_ref();
    let swiotlb = use_node_ref();
    let agp = use_node_ref();
    let accel = use_node_ref();
    // The fields show the current run's machine whenever it changes.
    {
        let refs = (
            kernel.clone(),
            driver.clone(),
            era.clone(),
            fidelity.clone(),
            ram.clone(),
            swiotlb.clone(),
            agp.clone(),
            accel.clone(),
        );
        use_effect_with(props.machine.clone(), move |m| {
            let (kernel, driver, era, fidelity, ram, swiotlb, agp, accel) = refs;
            let sel = |r: &NodeRef, v: &str| {
                if let Some(s) = r.cast::<HtmlSelectElement>() {
                    s.set_value(v);
                }
            };
            if let Some((_, v, _)) = KERNELS.iter().find(|k| k.0 == m.kernel) {
                sel(&kernel, v);
            }
            sel(&driver, &format!("{:?}", m.driver.kind).to_lowercase());
            sel(&era, &format!("{:?}", m.era));
            sel(&fidelity, &format!("{:?}", m.fidelity));
            if let Some(i) = ram.cast::<HtmlInputElement>() {
                i.set_value(&(m.ram_bytes >> 20).to_string());
            }
            for (r, v) in [(swiotlb, m.swiotlb), (agp, m.agp), (accel, m.driver.accel)] {
                if let Some(i) = r.cast::<HtmlInputElement>() {
                    i.set_checked(v);
                }
            }
        });
    }
    let read = {
        let base = props.machine.clone();
        let (kernel, driver, era, fidelity, ram, swiotlb, agp, accel) = (
            kernel.clone(),
            driver.clone(),
            era.clone(),
            fidelity.clone(),
            ram.clone(),
            swiotlb.clone(),
            agp.clone(),
            accel.clone(),
        );
        move || -> Result<MachineConfig, String> {
            let mut m = base.clone();
            let sel = |r: &NodeRef| {
                r.cast::<HtmlSelectElement>()
                    .map(|s| s.value())
                    .unwrap_or_default()
            };
            let check = |r: &NodeRef| r.cast::<HtmlInputElement>().is_some_and(|i| i.checked());
            for (k, v) in [
                ("kernel", sel(&kernel)),
                ("driver", sel(&driver)),
                ("era", sel(&era)),
                ("fidelity", sel(&fidelity)),
            ] {
                crate::url::apply_machine(&mut m, k, &v)?;
            }
            let r = ram
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            m.ram_bytes = r
                .trim()
                .parse::<u64>()
                .ok()
                .and_then(|n| n.checked_mul(1 << 20))
                .ok_or_else(|| {
                    format!(
                        "RAM {:?} is not a whole number of MiB",
                        crate::url::clip(&r)
                    )
                })?;
            m.swiotlb = check(&swiotlb);
            m.agp = check(&agp);
            m.driver.accel = check(&accel);
            Ok(m)
        }
    };
    let read = std::rc::Rc::new(read);
    let onsubmit = {
        let read = read.clone();
        let cb = props.on_apply.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            cb.emit(read());
        })
    };
    let compare = {
        let cb = props.on_compare.clone();
        let read = read.clone();
        Callback::from(move |_: MouseEvent| cb.emit(read()))
    };
    let then_now = props.on_then_now.reform(|_: MouseEvent| ());
    let m = &props.machine;
    html! {
        <section class="panel machine-form" data-testid="machine-form" aria-labelledby="machine-h">
            <h2 id="machine-h">{ "Machine" }</h2>
            <form {onsubmit}>
                <div class="fields">
                    <label>{ "Kernel" }
                        <select ref={kernel} data-testid="m-kernel">
                            { for KERNELS.iter().map(|(k, v, n)| html! { <option value={*v} selected={*k == m.kernel}>{ *n }</option> }) }
                        </select>
                    </label>
                    <label>{ "Driver" }
                        <select ref={driver} data-testid="m-driver">
                            { for DRIVERS.iter().map(|(k, n)| html! { <option value={*n} selected={*k == m.driver.kind}>{ *n }</option> }) }
                        </select>
                    </label>
                    <label>{ "Era" }
                        <select ref={era} data-testid="m-era">
                            { for ERAS.iter().map(|(e, n)| html! { <option value={format!("{e:?}")} selected={*e == m.era}>{ *n }</option> }) }
                        </select>
                    </label>
                    <label>{ "Kernel defects" }
                        <select ref={fidelity} data-testid="m-fidelity">
                            <option value="Faithful" selected={m.fidelity == Fidelity::Faithful}>{ "faithful (as in 3.3)" }</option>
                            <option value="Fixed" selected={m.fidelity == Fidelity::Fixed}>{ "fixed (later kernels)" }</option>
                        </select>
                    </label>
                    <label>{ "RAM (MiB)" }
                        <input ref={ram} type="text" inputmode="numeric" size="7" data-testid="m-ram"
                            value={(m.ram_bytes >> 20).to_string()} />
                    </label>
                    <label class="check"><input ref={swiotlb} type="checkbox" data-testid="m-swiotlb" checked={m.swiotlb} />{ "swiotlb" }</label>
                    <label class="check"><input ref={agp} type="checkbox" data-testid="m-agp" checked={m.agp} />{ "AGP" }</label>
                    <label class="check"><input ref={accel} type="checkbox" data-testid="m-accel" checked={m.driver.accel} />{ "acceleration" }</label>
                </div>
                <div class="row">
                    <button type="submit" class="primary" data-testid="m-apply">{ "Re-run with this machine" }</button>
                    <button type="button" data-testid="m-compare" onclick={compare}>{ "Compare: current (A) vs this (B)" }</button>
                    if m.kernel == Kernel::V3_3 {
                        <button type="button" data-testid="m-then-now" onclick={then_now}
                            title="The same steps replayed on Linux 6.12, beside this run, step by step">
                            { "Then and now: 3.3 vs 6.12" }
                        </button>
                    }
                </div>
                if let Some(e) = &props.error {
                    <p class="error" role="alert" data-testid="machine-error">{ e }</p>
                }
            </form>
        </section>
    }
}
