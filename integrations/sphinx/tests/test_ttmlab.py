"""Tests of sphinxcontrib.ttmlab: small Sphinx projects built in a temporary folder.

Run: .venv/bin/python -m unittest discover -s integrations/sphinx/tests   (scripts/test.sh does)
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

SCENARIO = {
    "format": "ttm-lab-scenario",
    "version": 1,
    "name": "mine",
    "title": "My scenario é",
    "steps": [{"do": {"action": "tt_create", "pages": 2, "caching": "wc"}}],
}


class BuildFailed(Exception):
    """sphinx-build stopped; the message is what it printed."""


def build(pages: dict[str, str], conf: str, builder: str = "html", files: dict[str, str] | None = None):
    """Builds a project with sphinx-build (a process of its own, as a documentation build runs);
    returns (output folder, warnings text). Keeps the folder until the tests end."""
    tmp = tempfile.TemporaryDirectory()
    unittest.addModuleCleanup(tmp.cleanup)
    src = Path(tmp.name, "src")
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinxcontrib.ttmlab"]\n' + conf)
    for name, text in {**pages, **(files or {})}.items():
        p = src / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    out = Path(tmp.name, "out")
    run = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-E", "-b", builder, str(src), str(out)],
                         capture_output=True, text=True, env={"NO_COLOR": "1", "PATH": ""})
    if run.returncode != 0:
        raise BuildFailed(run.stderr)
    return out, run.stderr


INDEX = """\
    Title
    =====

    .. toctree::

       sub/page

    .. ttm-lab::
       :walkthrough: pool-refill
       :from: 18
       :to: 2097
       :exercises:
       :autoplay:
       :theme: dark
"""
SUB = """\
    Sub
    ===

    .. ttm-lab::
       :scenario: ../mine.json
       :height: 600
       :title: Mine
"""


class Directive(unittest.TestCase):
    def test_an_absolute_url_is_used_as_it_is(self):
        out, warnings = build({"index.rst": INDEX, "sub/page.rst": SUB}, 'ttmlab_url = "https://example.org/lab"\n',
                              files={"mine.json": json.dumps(SCENARIO)})
        self.assertEqual(warnings, "", warnings[:600])
        html = (out / "index.html").read_text()
        self.assertIn('<script src="https://example.org/lab/ttm-lab-embed.js" defer></script>', html)
        self.assertIn('<ttm-lab src="https://example.org/lab/" walkthrough="pool-refill" from="18" to="2097" '
                      'autoplay exercises theme="dark" title="TTM Lab walkthrough: pool-refill">', html)
        self.assertIn('<a href="https://example.org/lab/?walkthrough=pool-refill&amp;step=18">', html)

    def test_a_relative_url_is_from_the_output_root_and_a_scenario_file_travels_in_the_url(self):
        out, warnings = build({"index.rst": INDEX, "sub/page.rst": SUB}, 'ttmlab_url = "../app/"\n',
                              files={"mine.json": json.dumps(SCENARIO, ensure_ascii=False)})
        self.assertEqual(warnings, "", warnings[:600])
        self.assertIn('<ttm-lab src="../app/" walkthrough', (out / "index.html").read_text())
        sub = (out / "sub" / "page.html").read_text()
        self.assertIn('<script src="../../app/ttm-lab-embed.js" defer></script>', sub)
        param = sub.split(' scenario="', 1)[1].split('"', 1)[0]
        decoded = base64.urlsafe_b64decode(param + "=" * (-len(param) % 4)).decode("utf-8")
        self.assertEqual(json.loads(decoded), SCENARIO)
        self.assertIn(' height="600" title="Mine">', sub)

    def test_a_kernel_option_replays_the_walkthrough_on_linux_6_12(self):
        page = """\
            K
            =

            .. ttm-lab::
               :walkthrough: pool-refill
               :kernel: 6.12
        """
        out, warnings = build({"index.rst": page}, 'ttmlab_url = "https://example.org/lab"\n')
        self.assertEqual(warnings, "", warnings[:600])
        html = (out / "index.html").read_text()
        self.assertIn('<ttm-lab src="https://example.org/lab/" walkthrough="pool-refill" kernel="6.12" ', html)
        self.assertIn('?walkthrough=pool-refill&amp;step=0&amp;kernel=6.12"', html)
        bad = page.replace(":kernel: 6.12", ":kernel: 5.0")
        _, warnings = build({"index.rst": bad}, 'ttmlab_url = "https://example.org/lab"\n')
        self.assertIn("index.rst:4", warnings)
        self.assertIn('choose from "3.3", or "6.12"', warnings)

    def test_a_dist_is_copied_into_the_output(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        dist = Path(tmp.name)
        for f in ("index.html", "ttm-lab-embed.js", "app.wasm"):
            (dist / f).write_text(f)
        (dist / "book").mkdir()
        (dist / "book" / "index.html").write_text("the book")
        out, warnings = build({"index.rst": INDEX, "sub/page.rst": SUB}, f"ttmlab_dist = {str(dist)!r}\n",
                              files={"mine.json": json.dumps(SCENARIO)})
        self.assertEqual(warnings, "", warnings[:600])
        self.assertEqual(sorted(p.name for p in (out / "_ttmlab").iterdir()), ["app.wasm", "index.html", "ttm-lab-embed.js"])
        self.assertIn('<ttm-lab src="_ttmlab/"', (out / "index.html").read_text())
        self.assertIn('<script src="../_ttmlab/ttm-lab-embed.js" defer>', (out / "sub" / "page.html").read_text())

    def test_a_missing_or_wrong_configuration_is_a_clear_error(self):
        with self.assertRaisesRegex(BuildFailed, "set ttmlab_url .* or ttmlab_dist"):
            build({"index.rst": INDEX}, "")
        with self.assertRaisesRegex(BuildFailed, "is not a built TTM Lab .*missing index.html, ttm-lab-embed.js"):
            build({"index.rst": INDEX}, 'ttmlab_dist = "nowhere"\n')

    def test_bad_directives_are_located_errors(self):
        cases = {
            ".. ttm-lab::\n   :from: 3\n": "give exactly one of :walkthrough:",
            ".. ttm-lab::\n   :walkthrough: a\n   :scenario: x.json\n": "give exactly one of",
            ".. ttm-lab::\n   :walkthrough: Not A Name\n": '"Not A Name" is not a walkthrough name',
            ".. ttm-lab::\n   :scenario: missing.json\n": "the scenario file missing.json does not exist",
            ".. ttm-lab::\n   :scenario: bad.json\n": "is not JSON: line 1, column 2",
            ".. ttm-lab::\n   :scenario: other.json\n": "is not a TTM Lab scenario",
            ".. ttm-lab::\n   :walkthrough: a\n   :from: 9\n   :to: 3\n": ":from: 9 is after :to: 3",
            ".. ttm-lab::\n   :walkthrough: a\n   :theme: pink\n": "invalid option value",
            ".. ttm-lab::\n   :walkthrough: a\n   :height: tall\n": '"tall" is not a height',
            ".. ttm-lab::\n   :walkthrough: a\n   :from: -1\n": "invalid option value",
        }
        # One page per case (one build): each error names its page and the directive's line.
        pages = {f"case{i}.rst": "T\n=\n\n" + body for i, body in enumerate(cases)}
        pages["index.rst"] = "I\n=\n\n.. toctree::\n\n" + "".join(f"   case{i}\n" for i in range(len(cases)))
        _, warnings = build(pages, 'ttmlab_url = "/lab/"\n', files={"bad.json": "{x", "other.json": "{}"})
        for i, message in enumerate(cases.values()):
            with self.subTest(message=message):
                at = warnings.find(f"case{i}.rst:4: ")
                self.assertGreaterEqual(at, 0, warnings)
                report = warnings[at:].split(".rst:", 2)[1]  # up to the next page's report
                self.assertRegex(report, r"^4: (ERROR|WARNING)")
                self.assertIn(message, " ".join(report.split()))

    def test_other_builders_print_the_fallback_words(self):
        out, warnings = build({"index.rst": INDEX, "sub/page.rst": SUB}, 'ttmlab_url = "/lab/"\n', builder="text",
                              files={"mine.json": json.dumps(SCENARIO)})
        self.assertEqual(warnings, "", warnings[:600])
        self.assertIn("TTM Lab walkthrough: pool-refill (open it in TTM Lab; it needs JavaScript).",
                      " ".join((out / "index.txt").read_text().split()))


if __name__ == "__main__":
    unittest.main()
