"""sphinxcontrib.ttmlab: the ``.. ttm-lab::`` directive, a live TTM Lab walkthrough in a Sphinx page.

The directive emits the app's ``<ttm-lab>`` custom element (``ttm-lab-embed.js``, served with the
app) around a plain link, which readers without JavaScript (and non-HTML builders) get instead::

    .. ttm-lab::
       :walkthrough: pool-refill
       :from: 18
       :to: 2097
       :exercises:

Configuration (``conf.py``), one of:

``ttmlab_url``
    Where the app is served: an absolute URL (``https://example.org/ttm-lab/``), a path from the
    server's root (``/ttm-lab/``), or a path relative to the root of the HTML output (``../``).
``ttmlab_dist``
    A built ``dist/`` of TTM Lab (relative to ``conf.py``); its app files are copied into the
    output under ``ttmlab_dist_dir`` (``_ttmlab``) and every page uses that copy.

The element, its attributes and the postMessage API underneath: docs/embedding.md.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

__version__ = "0.1.0"

logger = logging.getLogger(__name__)

#: The files of a built dist/ that make up the app (the book or other sites built next to it are
#: left out). Trunk writes the app's files at the top level; wasm-bindgen snippets go to snippets/.
APP_DIRS = ("snippets",)
#: What a dist/ must hold to be TTM Lab's.
REQUIRED = ("index.html", "ttm-lab-embed.js")
#: A height: a number of pixels, or a CSS length.
HEIGHT = re.compile(r"^\d+(\.\d+)?(px|em|rem|vh|%)?$")
THEMES = ("light", "dark", "auto")
#: The kernels a walkthrough can run on: its own 3.3 machine, or the same steps replayed on Linux 6.12.
KERNELS = ("3.3", "6.12")
#: A built-in walkthrough's name (scenarios/*.json): lowercase words and digits joined by hyphens.
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class ttmlab(nodes.General, nodes.Element):
    """A ``<ttm-lab>`` element; its children (the fallback link) are rendered inside it."""


def _height(value: str | None) -> str:
    v = directives.unchanged_required(value).strip()
    if not HEIGHT.match(v):
        raise ValueError(f'"{v}" is not a height (a number of pixels, or e.g. 40em, 600px)')
    return v


def _theme(value: str | None) -> str:
    return directives.choice(value, THEMES)


def _kernel(value: str | None) -> str:
    return directives.choice(value, KERNELS)


def scenario_param(text: str) -> str:
    """The ``scenario`` URL parameter of a scenario file: its UTF-8 bytes as base64url, no padding."""
    return base64.urlsafe_b64encode(text.encode("utf-8")).rstrip(b"=").decode("ascii")


class TtmLabDirective(SphinxDirective):
    """``.. ttm-lab::`` with ``:walkthrough:`` or ``:scenario:`` and the embed's options."""

    has_content = False
    required_arguments = 0
    optional_arguments = 0
    option_spec = {
        "walkthrough": directives.unchanged_required,
        "scenario": directives.path,
        "from": directives.nonnegative_int,
        "to": directives.nonnegative_int,
        "autoplay": directives.flag,
        "loop": directives.flag,
        "exercises": directives.flag,
        "theme": _theme,
        "kernel": _kernel,
        "height": _height,
        "title": directives.unchanged_required,
    }

    def run(self) -> list[nodes.Node]:
        opts = self.options
        walkthrough = opts.get("walkthrough", "").strip()
        scenario = opts.get("scenario")
        if bool(walkthrough) == bool(scenario):
            raise self.error("ttm-lab: give exactly one of :walkthrough: (a built-in walkthrough) "
                             "or :scenario: (a scenario file in the documentation)")
        attrs: dict[str, str] = {}
        title = opts.get("title", "").strip()
        if walkthrough:
            if not NAME.match(walkthrough):
                raise self.error(f'ttm-lab: "{walkthrough}" is not a walkthrough name '
                                 "(lowercase words joined by hyphens, as `ttm-lab list` shows them)")
            attrs["walkthrough"] = walkthrough
            what = walkthrough
        else:
            rel, path = self.env.relfn2path(scenario, self.env.docname)
            self.env.note_dependency(rel)
            try:
                text = Path(path).read_bytes().decode("utf-8")
            except FileNotFoundError:
                raise self.error(f"ttm-lab: the scenario file {rel} does not exist") from None
            except UnicodeDecodeError as e:
                raise self.error(f"ttm-lab: the scenario file {rel} is not UTF-8 text "
                                 f"(byte {e.start + 1})") from None
            try:
                doc = json.loads(text)
            except json.JSONDecodeError as e:
                raise self.error(f"ttm-lab: the scenario file {rel} is not JSON: "
                                 f"line {e.lineno}, column {e.colno}: {e.msg}") from None
            if not isinstance(doc, dict) or doc.get("format") != "ttm-lab-scenario":
                raise self.error(f'ttm-lab: the scenario file {rel} is not a TTM Lab scenario '
                                 '(its "format" must be "ttm-lab-scenario"; docs/scenarios.md)')
            attrs["scenario"] = scenario_param(text)
            what = doc.get("title") or doc.get("name") or Path(rel).stem
        if "from" in opts and "to" in opts and opts["from"] > opts["to"]:
            raise self.error(f"ttm-lab: :from: {opts['from']} is after :to: {opts['to']}")
        for key in ("from", "to"):
            if key in opts:
                attrs[key] = str(opts[key])
        for key in ("autoplay", "loop", "exercises"):
            if key in opts:
                attrs[key] = ""
        for key in ("theme", "height", "kernel"):
            if key in opts:
                attrs[key] = opts[key]
        attrs["title"] = title or f"TTM Lab walkthrough: {what}"

        node = ttmlab()
        node["attrs"] = attrs
        node["start"] = opts.get("from", 0)
        self.set_source_info(node)
        # The fallback: a paragraph with a link to the full app at the same walkthrough and position
        # (its URL is made per page by the HTML translator; other builders print the words).
        para = nodes.paragraph()
        para["classes"].append("ttm-lab-fallback")
        para += nodes.Text(f"{attrs['title']} (open it in TTM Lab; it needs JavaScript).")
        node += para
        return [node]


def app_base(builder: Any, docname: str) -> str:
    """Where the app is, as seen from the page ``docname`` (ends with ``/`` or a file name)."""
    cfg = builder.config
    if cfg.ttmlab_dist:
        return relative_uri(builder.get_target_uri(docname), cfg.ttmlab_dist_dir.strip("/") + "/")
    url = cfg.ttmlab_url.strip()
    if not url.endswith((".html", "/")):
        url += "/"
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url) or url.startswith("/"):
        return url
    # Relative to the root of the HTML output ("./" from a page at the root).
    up = relative_uri(builder.get_target_uri(docname), "")
    return ("" if up in (".", "./") else up) + url


def _folder(base: str) -> str:
    return base if base.endswith("/") else base.rsplit("/", 1)[0] + "/"


def _esc(v: str) -> str:
    return v.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def visit_ttmlab_html(self: Any, node: ttmlab) -> None:
    """The element with its fallback: a link to the full app at the same walkthrough and position."""
    base = app_base(self.builder, self.builder.current_docname)
    attrs = dict(node["attrs"])
    parts = [f'src="{_esc(base)}"']
    for k, v in attrs.items():
        parts.append(k if v == "" else f'{k}="{_esc(v)}"')
    key = "walkthrough" if "walkthrough" in attrs else "scenario"
    href = f"{base}?{key}={quote(attrs[key], safe='-_')}&step={node['start']}"
    if "kernel" in attrs:
        href += f"&kernel={attrs['kernel']}"
    # The embed script, once per page, before its first walkthrough (deferred: it runs once the
    # page is parsed). Sphinx's add_js_file would put a relative path under _static/.
    if not getattr(self, "_ttmlab_script", False):
        self._ttmlab_script = True
        script = _folder(base) + "ttm-lab-embed.js"
        self.body.append(f'<script src="{_esc(script)}" defer></script>\n')
    self.body.append(
        f"<ttm-lab {' '.join(parts)}>\n"
        f'<p class="ttm-lab-fallback"><a href="{_esc(href)}">{_esc(attrs["title"])}</a> '
        "(opens TTM Lab; the live walkthrough needs JavaScript)</p>\n</ttm-lab>\n"
    )
    raise nodes.SkipNode


def visit_ttmlab_other(self: Any, node: ttmlab) -> None:
    """Non-HTML builders print the fallback paragraph."""


def depart_ttmlab_other(self: Any, node: ttmlab) -> None:
    pass


def check_config(app: Sphinx) -> None:
    cfg = app.config
    if cfg.ttmlab_dist:
        dist = Path(app.confdir, cfg.ttmlab_dist)
        missing = [f for f in REQUIRED if not (dist / f).is_file()]
        if missing:
            raise ConfigError(f"ttmlab_dist = {cfg.ttmlab_dist!r} ({dist}) is not a built TTM Lab "
                              f"(missing {', '.join(missing)}; build it with `trunk build --release`)")
        if not re.match(r"^[A-Za-z0-9_.-]+$", cfg.ttmlab_dist_dir.strip("/")):
            raise ConfigError(f"ttmlab_dist_dir = {cfg.ttmlab_dist_dir!r}: a folder name, please")
    elif not cfg.ttmlab_url:
        raise ConfigError("sphinxcontrib.ttmlab: set ttmlab_url (where TTM Lab is served) or "
                          "ttmlab_dist (a built dist/ to copy into the output) in conf.py")


def copy_dist(app: Sphinx, exception: Exception | None) -> None:
    """``ttmlab_dist``: copy the app's files into the HTML output."""
    if exception is not None or not app.config.ttmlab_dist or app.builder.format != "html":
        return
    dist = Path(app.confdir, app.config.ttmlab_dist)
    dest = Path(app.outdir, app.config.ttmlab_dist_dir.strip("/"))
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for entry in dist.iterdir():
        if entry.is_file():
            shutil.copy2(entry, dest / entry.name)
        elif entry.is_dir() and entry.name in APP_DIRS:
            shutil.copytree(entry, dest / entry.name)
    logger.info("ttm-lab: the app from %s copied to %s", dist, os.path.relpath(dest, app.outdir))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("ttmlab_url", "", "html", str)
    app.add_config_value("ttmlab_dist", "", "html", str)
    app.add_config_value("ttmlab_dist_dir", "_ttmlab", "html", str)
    app.add_node(
        ttmlab,
        html=(visit_ttmlab_html, None),
        latex=(visit_ttmlab_other, depart_ttmlab_other),
        text=(visit_ttmlab_other, depart_ttmlab_other),
        man=(visit_ttmlab_other, depart_ttmlab_other),
        texinfo=(visit_ttmlab_other, depart_ttmlab_other),
    )
    app.add_directive("ttm-lab", TtmLabDirective)
    app.connect("builder-inited", check_config)
    app.connect("build-finished", copy_dist)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
