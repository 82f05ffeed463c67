# The example Sphinx project of sphinxcontrib-ttmlab (integrations/sphinx): one page per topic of
# the book "TTM in pictures" (docs/book), each with a live TTM Lab walkthrough.
# scripts/test.sh builds it with the project's virtual environment (.venv, Sphinx pinned):
#   .venv/bin/sphinx-build -W -b html docs/sphinx-example dist/sphinx-example
# The app is taken from the built dist/ (ttmlab_dist) and copied into the output as _ttmlab/, so
# the output is self-contained. To use an app served elsewhere instead, set ttmlab_url (e.g.
# -D ttmlab_url=https://example.org/ttm-lab/) and leave ttmlab_dist empty (-D ttmlab_dist=).
project = "TTM in Sphinx"
author = "TTM Lab"
copyright = "TTM Lab contributors"
extensions = ["sphinxcontrib.ttmlab"]
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_title = "TTM in Sphinx: the sphinxcontrib-ttmlab example"
# The kernel's Documentation/ builds without a search index by default; keep pages light.
html_copy_source = False
html_show_sourcelink = False

ttmlab_dist = "../../dist"
html_static_path = ["_static"]
html_css_files = ["example.css"]
html_favicon = "../../static/favicon.svg"
