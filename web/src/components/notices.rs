//! The URL's messages (broken parameters), with a Dismiss button in the full app.

use yew::prelude::*;

/// Properties of [`Notices`].
#[derive(Properties, PartialEq)]
pub struct NoticesProps {
    /// The messages (nothing is shown without one).
    pub notices: Vec<String>,
    /// Dismiss them (no button without it: an embed keeps them).
    #[prop_or_default]
    pub on_dismiss: Option<Callback<()>>,
}

/// The notice box (`data-testid="url-notice"`).
#[component]
pub fn Notices(props: &NoticesProps) -> Html {
    if props.notices.is_empty() {
        return Html::default();
    }
    html! {
        <div class="notice" role="alert" data-testid="url-notice">
            <ul>{ for props.notices.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
            if let Some(on_dismiss) = &props.on_dismiss {
                <button type="button" onclick={on_dismiss.reform(|_: MouseEvent| ())}
                    aria-label="Dismiss the URL message">{ "Dismiss" }</button>
            }
        </div>
    }
}
