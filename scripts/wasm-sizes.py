#!/usr/bin/env python3
"""What each crate costs in a wasm binary (issue 16; twiggy-like, from the name section).

    cargo build --release -p ttm-web --target wasm32-unknown-unknown
    python3 scripts/wasm-sizes.py target/wasm32-unknown-unknown/release/ttm-web.wasm [TOP]
    (the shipped build: --profile web, target/wasm32-unknown-unknown/web/ttm-web.wasm)

Reads the code section (bytes per function body) and the "name" custom section (function
names), demangles the crate of each function (legacy `_ZN` symbols: the first path segment, or
the type's crate for an `<impl ...>` segment) and prints the bytes per section, per crate and the
TOP largest functions. The data section (string literals, tables) is shown as one line: it is
not attributed to crates. Sizes are before wasm-bindgen and wasm-opt, so they add up to more than
the shipped file; the shares are what matters.
"""
import re
import sys
from collections import Counter


def leb(b, i):
    n = shift = 0
    while True:
        x = b[i]
        i += 1
        n |= (x & 0x7F) << shift
        shift += 7
        if x < 0x80:
            return n, i


def sections(b):
    assert b[:4] == b"\0asm", "not a wasm file"
    i = 8
    while i < len(b):
        sid = b[i]
        size, j = leb(b, i + 1)
        yield sid, b[j : j + size]
        i = j + size


def name_of(payload):
    n, i = leb(payload, 0)
    return payload[i : i + n].decode(), payload[i + n :]


def imported_funcs(payload):
    count, i = leb(payload, 0)
    funcs = 0
    for _ in range(count):
        for _ in range(2):
            n, i = leb(payload, i)
            i += n
        kind = payload[i]
        i += 1
        if kind == 0:
            _, i = leb(payload, i)
            funcs += 1
        elif kind == 1:
            i += 1
            flags, i = leb(payload, i)
            _, i = leb(payload, i)
            if flags & 1:
                _, i = leb(payload, i)
        elif kind == 2:
            flags, i = leb(payload, i)
            _, i = leb(payload, i)
            if flags & 1:
                _, i = leb(payload, i)
        elif kind == 3:
            i += 2
        else:
            _, i = leb(payload, i)
            i += 1
    return funcs


def function_names(payload):
    i = 0
    names = {}
    while i < len(payload):
        sub = payload[i]
        size, j = leb(payload, i + 1)
        if sub == 1:
            count, k = leb(payload, j)
            for _ in range(count):
                idx, k = leb(payload, k)
                n, k = leb(payload, k)
                names[idx] = payload[k : k + n].decode(errors="replace")
                k += n
        i = j + size
    return names


def crate_of(name):
    if not name.startswith("_ZN"):
        return name.split("::")[0] if "::" in name else "(other: " + name[:20] + ")"
    s = name[3:]
    m = re.match(r"(\d+)", s)
    if not m:
        return "(unparsed)"
    n = int(m.group(1))
    seg = s[len(m.group(1)) : len(m.group(1)) + n]
    if seg.startswith("_$LT$"):
        inner = seg[5:]
        inner = inner.replace("$RF$", "").replace("mut$u20$", "").replace("dyn$u20$", "")
        inner = inner.lstrip("_")
        first = re.split(r"\.\.|\$", inner)[0]
        return first or "(impl)"
    return seg


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    b = open(path, "rb").read()
    per_section = Counter()
    imports = 0
    bodies = []
    names = {}
    for sid, payload in sections(b):
        if sid == 0:
            cname, rest = name_of(payload)
            per_section["custom " + cname] += len(payload)
            if cname == "name":
                names = function_names(rest)
            continue
        per_section[{1: "type", 2: "import", 3: "function", 5: "memory", 6: "global", 7: "export",
                     9: "element", 10: "code", 11: "data"}.get(sid, str(sid))] += len(payload)
        if sid == 2:
            imports = imported_funcs(payload)
        if sid == 10:
            count, i = leb(payload, 0)
            for _ in range(count):
                size, j = leb(payload, i)
                bodies.append(size + (j - i))
                i = j + size
    print(f"{path}: {len(b):,} bytes")
    for k, v in per_section.most_common():
        print(f"  section {k:<24} {v:>10,}  {100 * v / len(b):5.1f} %")
    code = sum(bodies)
    by_crate = Counter()
    by_fn = []
    for k, size in enumerate(bodies):
        name = names.get(imports + k, f"func[{imports + k}]")
        by_crate[crate_of(name)] += size
        by_fn.append((size, name))
    print(f"\ncode by crate ({len(bodies):,} functions, {code:,} bytes):")
    for k, v in by_crate.most_common(30):
        print(f"  {k:<32} {v:>10,}  {100 * v / code:5.1f} %")
    print(f"\nlargest {top} functions:")
    for size, name in sorted(by_fn, reverse=True)[:top]:
        print(f"  {size:>8,}  {name[:110]}")


if __name__ == "__main__":
    main()
