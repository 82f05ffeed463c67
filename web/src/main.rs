//! Entry point of the TTM Lab page (built by Trunk from static/index.html).

fn main() {
    ttm_web::mount();
}
