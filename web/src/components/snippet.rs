//! The "Embed this walkthrough" panel: the code for a documentation page, as a `<ttm-lab>` element
//! (the app's `ttm-lab-embed.js`, docs/embedding.md) and as a plain `<iframe>`, with the embed's
//! options (range, autoplay, loop, exercises, theme) to adjust first. It starts from the store's
//! `<iframe>` for the current step's range ([`crate::store::Lab::snippet`]).

use yew::prelude::*;

use crate::components::copy::CopyButton;
use crate::url;

/// Properties of [`Snippet`].
#[derive(Properties, PartialEq)]
pub struct SnippetProps {
    /// The `<iframe>` HTML for the current step's range ([`crate::store::Lab::snippet`]).
    pub code: AttrValue,
}

/// The options a reader can change before copying.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbedOptions {
    /// First position of the range.
    pub from: u64,
    /// Last position of the range.
    pub to: u64,
    /// Start playing.
    pub autoplay: bool,
    /// Play again from `from` after `to`.
    pub looping: bool,
    /// Ask the walkthrough's exercises.
    pub exercises: bool,
    /// `auto`, `light` or `dark`.
    pub theme: &'static str,
}

/// The store's `<iframe>` taken apart: its title (as HTML text), the app's address and the
/// parameters that say what it shows (walkthrough, scenario or problem, machine), in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Embed {
    title: String,
    base: String,
    what: Vec<(String, String)>,
    /// The options as the store's snippet has them.
    pub options: EmbedOptions,
}

const THEMES: [&str; 3] = ["auto", "light", "dark"];

fn attr<'a>(code: &'a str, name: &str) -> Option<&'a str> {
    let start = code.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = code[start..].find('"')?;
    Some(&code[start..start + len])
}

/// `&`, `"` and `<` as HTML entities (attribute values).
fn esc(v: &str) -> String {
    v.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

/// A query value as a URL carries it (what `URLSearchParams` would decode back).
fn enc(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Embed {
    /// Reads the store's `<iframe …>` (None if it is not one).
    pub fn parse(code: &str) -> Option<Embed> {
        if !code.starts_with("<iframe ") {
            return None;
        }
        let title = attr(code, "title")?.to_string();
        let src = attr(code, "src")?.replace("&amp;", "&");
        let (base, query) = src.split_once('?')?;
        let pairs = url::query_pairs(&format!("?{query}"));
        let get = |k: &str| pairs.iter().find(|(p, _)| p == k).map(|(_, v)| v.as_str());
        let num = |k: &str| get(k).and_then(|v| v.parse::<u64>().ok());
        let on = |k: &str| get(k).is_some_and(|v| matches!(v, "1" | "true" | "yes"));
        let options = EmbedOptions {
            from: num("from").unwrap_or(0),
            to: num("to").unwrap_or(0),
            autoplay: on("autoplay"),
            looping: on("loop"),
            exercises: on("exercises"),
            theme: THEMES
                .into_iter()
                .find(|t| get("theme") == Some(*t))
                .unwrap_or("auto"),
        };
        let what = pairs
            .iter()
            .filter(|(k, _)| {
                !matches!(
                    k.as_str(),
                    "embed" | "from" | "to" | "autoplay" | "loop" | "exercises" | "theme" | "step"
                )
            })
            .cloned()
            .collect();
        Some(Embed {
            title,
            base: base.to_string(),
            what,
            options,
        })
    }

    /// The embed's query parameters with options `o` (order as the element writes them).
    fn params(&self, o: &EmbedOptions) -> Vec<(String, String)> {
        let (from, to) = (o.from.min(o.to), o.from.max(o.to));
        let mut p: Vec<(String, String)> = vec![("embed".into(), "1".into())];
        let (head, machine): (Vec<_>, Vec<_>) = self.what.iter().cloned().partition(|(k, _)| {
            matches!(
                k.as_str(),
                "walkthrough" | "scenario" | "problem" | "difficulty"
            )
        });
        p.extend(head);
        p.push(("from".into(), from.to_string()));
        p.push(("to".into(), to.to_string()));
        for (k, on) in [
            ("autoplay", o.autoplay),
            ("loop", o.looping),
            ("exercises", o.exercises),
        ] {
            if on {
                p.push((k.into(), "1".into()));
            }
        }
        if o.theme != "auto" {
            p.push(("theme".into(), o.theme.into()));
        }
        p.extend(machine);
        p
    }

    /// The plain `<iframe>` (works everywhere, no script; the frame keeps a fixed size).
    pub fn iframe(&self, o: &EmbedOptions) -> String {
        let query = self
            .params(o)
            .iter()
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        format!(
            "<iframe title=\"{}\" width=\"900\" height=\"640\" loading=\"lazy\" src=\"{}\"></iframe>",
            self.title,
            esc(&format!("{}?{query}", self.base))
        )
    }

    /// The `<ttm-lab>` element with the script that defines it (next to the app), and a link to
    /// the full app for readers without JavaScript.
    pub fn element(&self, o: &EmbedOptions) -> String {
        let folder = match self.base.rfind('/') {
            Some(i) => &self.base[..=i],
            None => "",
        };
        let mut attrs = vec![format!("src=\"{}\"", esc(&self.base))];
        let mut link = Vec::new();
        for (k, v) in self.params(o).into_iter().skip(1) {
            attrs.push(match k.as_str() {
                "autoplay" | "loop" | "exercises" => k.clone(),
                _ => format!("{k}=\"{}\"", esc(&v)),
            });
            if !matches!(
                k.as_str(),
                "from" | "to" | "autoplay" | "loop" | "exercises" | "theme"
            ) {
                link.push(format!("{k}={}", enc(&v)));
            }
        }
        link.push(format!("step={}", o.from.min(o.to)));
        attrs.push(format!("title=\"{}\"", self.title));
        format!(
            "<script src=\"{}ttm-lab-embed.js\" defer></script>\n<ttm-lab {}>\n  <a href=\"{}\">{}</a>\n</ttm-lab>",
            esc(folder),
            attrs.join(" "),
            esc(&format!("{}?{}", self.base, link.join("&"))),
            self.title
        )
    }
}

/// The snippet panel.
#[component]
pub fn Snippet(props: &SnippetProps) -> Html {
    let parsed = Embed::parse(&props.code);
    let start = parsed.as_ref().map(|e| e.options.clone());
    let options = {
        let start = start.clone();
        use_state(move || start)
    };
    // A new range (the reader moved on and reopened the panel): start from it again.
    {
        let options = options.setter();
        use_effect_with(start.clone(), move |s| options.set(s.clone()));
    }
    let select = Callback::from(|e: FocusEvent| {
        if let Some(t) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
            t.select();
        }
    });
    let (Some(embed), Some(o)) = (parsed, (*options).clone()) else {
        let code = props.code.clone();
        return html! {
            <section class="panel snippet" aria-labelledby="snippet-h">
                <h2 id="snippet-h">{ "Embed this walkthrough" }</h2>
                <label for="embed-snippet">{ "Copy this into your page (the current step's range):" }</label>
                <textarea id="embed-snippet" readonly=true rows="4" data-testid="embed-snippet"
                    onfocus={select} value={code.clone()} />
                <CopyButton text={code} testid="embed-copy" what="the embed snippet" />
            </section>
        };
    };
    let set = |f: fn(&mut EmbedOptions, &web_sys::HtmlInputElement)| {
        let options = options.clone();
        Callback::from(move |e: Event| {
            let (Some(input), Some(mut o)) = (
                e.target_dyn_into::<web_sys::HtmlInputElement>(),
                (*options).clone(),
            ) else {
                return;
            };
            f(&mut o, &input);
            options.set(Some(o));
        })
    };
    let on_from = set(|o, i| o.from = i.value().trim().parse().unwrap_or(o.from));
    let on_to = set(|o, i| o.to = i.value().trim().parse().unwrap_or(o.to));
    let on_autoplay = set(|o, i| o.autoplay = i.checked());
    let on_loop = set(|o, i| o.looping = i.checked());
    let on_exercises = set(|o, i| o.exercises = i.checked());
    let on_theme = {
        let options = options.clone();
        Callback::from(move |e: Event| {
            let (Some(sel), Some(mut o)) = (
                e.target_dyn_into::<web_sys::HtmlSelectElement>(),
                (*options).clone(),
            ) else {
                return;
            };
            o.theme = THEMES
                .into_iter()
                .find(|t| *t == sel.value())
                .unwrap_or("auto");
            options.set(Some(o));
        })
    };
    let element = AttrValue::from(embed.element(&o));
    let iframe = AttrValue::from(embed.iframe(&o));
    html! {
        <section class="panel snippet" aria-labelledby="snippet-h">
            <h2 id="snippet-h">{ "Embed this walkthrough" }</h2>
            // No class of the stylesheet fits a row of small fields: widths and gaps as
            // `data-style` (applied through the CSSOM, CSP-safe).
            <fieldset class="embed-options" data-testid="embed-options"
                data-style="display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 1.2rem; margin: 0 0 0.6rem">
                <legend>{ "Options (the current step's range to start with)" }</legend>
                <label>{ "from " }<input type="number" min="0" data-testid="embed-from" data-style="width: 7em"
                    value={o.from.to_string()} onchange={on_from} /></label>
                <label>{ "to " }<input type="number" min="0" data-testid="embed-to" data-style="width: 7em"
                    value={o.to.to_string()} onchange={on_to} /></label>
                <label class="check"><input type="checkbox" data-testid="embed-autoplay"
                    checked={o.autoplay} onchange={on_autoplay} />{ " autoplay" }</label>
                <label class="check"><input type="checkbox" data-testid="embed-loop"
                    checked={o.looping} onchange={on_loop} />{ " loop" }</label>
                <label class="check"><input type="checkbox" data-testid="embed-exercises"
                    checked={o.exercises} onchange={on_exercises} />{ " exercises" }</label>
                <label>{ "theme " }<select data-testid="embed-theme" onchange={on_theme}>
                    { for THEMES.iter().map(|t| html! {
                        <option value={*t} selected={o.theme == *t}>{ *t }</option>
                    }) }
                </select></label>
            </fieldset>
            <label for="embed-element-snippet">{ "With the embed script: a <ttm-lab> element (sized to its content, with a link for readers without JavaScript):" }</label>
            <textarea id="embed-element-snippet" readonly=true rows="5" data-testid="embed-element-snippet"
                onfocus={select.clone()} value={element.clone()} />
            <CopyButton text={element} testid="embed-element-copy" what="the element snippet" />
            <label for="embed-snippet">{ "Or a plain iframe (no script):" }</label>
            <textarea id="embed-snippet" readonly=true rows="4" data-testid="embed-snippet"
                onfocus={select} value={iframe.clone()} />
            <CopyButton text={iframe} testid="embed-copy" what="the embed snippet" />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORE: &str = "<iframe title=\"TTM Lab: A &quot;WC&quot; tt\" width=\"900\" height=\"640\" loading=\"lazy\" src=\"https://example.org/lab/index.html?embed=1&amp;walkthrough=pool-refill&amp;from=3&amp;to=40&amp;era=E1&amp;exercises=1\"></iframe>";

    #[test]
    fn the_stores_iframe_is_read_back_unchanged() {
        let e = Embed::parse(STORE).unwrap();
        assert_eq!(
            e.options,
            EmbedOptions {
                from: 3,
                to: 40,
                autoplay: false,
                looping: false,
                exercises: true,
                theme: "auto"
            }
        );
        // The same parameters; the machine's after the embed's own.
        assert_eq!(
            e.iframe(&e.options),
            "<iframe title=\"TTM Lab: A &quot;WC&quot; tt\" width=\"900\" height=\"640\" loading=\"lazy\" src=\"https://example.org/lab/index.html?embed=1&amp;walkthrough=pool-refill&amp;from=3&amp;to=40&amp;exercises=1&amp;era=E1\"></iframe>"
        );
        assert_eq!(Embed::parse("<p>no</p>"), None);
    }

    #[test]
    fn options_go_into_both_snippets() {
        let e = Embed::parse(STORE).unwrap();
        let o = EmbedOptions {
            from: 50,
            to: 10,
            autoplay: true,
            looping: true,
            exercises: false,
            theme: "dark",
        };
        // A backwards range is given in order.
        assert!(e.iframe(&o).contains(
            "walkthrough=pool-refill&amp;from=10&amp;to=50&amp;autoplay=1&amp;loop=1&amp;theme=dark&amp;era=E1\""
        ));
        assert_eq!(
            e.element(&o),
            "<script src=\"https://example.org/lab/ttm-lab-embed.js\" defer></script>\n\
             <ttm-lab src=\"https://example.org/lab/index.html\" walkthrough=\"pool-refill\" from=\"10\" to=\"50\" autoplay loop theme=\"dark\" era=\"E1\" title=\"TTM Lab: A &quot;WC&quot; tt\">\n  \
             <a href=\"https://example.org/lab/index.html?walkthrough=pool-refill&amp;era=E1&amp;step=10\">TTM Lab: A &quot;WC&quot; tt</a>\n\
             </ttm-lab>"
        );
    }

    #[test]
    fn a_scenario_travels_encoded() {
        let code = "<iframe title=\"TTM Lab: mine\" width=\"900\" height=\"640\" loading=\"lazy\" src=\"http://h/?embed=1&amp;scenario=eyJh-_0&amp;from=0&amp;to=9\"></iframe>";
        let e = Embed::parse(code).unwrap();
        assert!(e.element(&e.options).contains(" scenario=\"eyJh-_0\" "));
        assert!(e.iframe(&e.options).contains("scenario=eyJh-_0&amp;from=0"));
    }
}
