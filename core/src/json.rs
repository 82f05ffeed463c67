//! A small JSON reader (RFC 8259) for scenario files: the text becomes a tree whose every value
//! keeps its byte offset, so an error about a value can point at it (issue 16: the scenario
//! format read without serde's derive, for the size of the web app's wasm).
//!
//! Objects keep their keys in file order with each key's offset; numbers keep their text and
//! whether they were written as integers (serde_json's classification: an integer without sign
//! that fits `u64`, a negative one that fits `i64` except `-0`, else a float); strings are
//! unescaped (`\u` surrogate pairs joined). What is accepted and refused is what serde_json
//! accepts and refuses, with its messages ("key must be a string", "trailing comma", ...) and
//! its nesting limit: 127 arrays or objects inside one another, the 128th is an error, never
//! a stack overflow. No input makes the reader panic.

use crate::scenario::PathSeg;
use std::borrow::Cow;

/// Deepest nesting of arrays and objects (serde_json's `remaining_depth`): reaching it is an
/// error.
pub const MAX_DEPTH: usize = 128;

/// One value of the text and the byte offset where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Value<'a> {
    /// Byte offset of the value's first character.
    pub at: usize,
    /// What it is.
    pub kind: Kind<'a>,
}

/// The kinds of JSON values.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind<'a> {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as written.
    Num(Num<'a>),
    /// A string, unescaped (borrowed from the text when it has no escapes).
    Str(Cow<'a, str>),
    /// An array.
    Arr(Vec<Value<'a>>),
    /// An object, its members in file order (a repeated key stays repeated).
    Obj(Vec<Member<'a>>),
}

/// One `"key": value` of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Member<'a> {
    /// The key, unescaped.
    pub key: Cow<'a, str>,
    /// Byte offset of the key's opening quote.
    pub key_at: usize,
    /// The value.
    pub value: Value<'a>,
}

/// A number as the text writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Num<'a> {
    /// The number's text (`-12`, `1.5e3`).
    pub text: &'a str,
    /// Written without fraction or exponent.
    pub int: bool,
    /// Written with a minus sign.
    pub neg: bool,
}

/// What serde_json makes of a number: an unsigned or signed integer, or a float.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// An integer without sign that fits `u64`.
    U64(u64),
    /// A negative integer that fits `i64` (not `-0`, which is the float -0.0).
    I64(i64),
    /// Anything else.
    F64(f64),
}

impl Num<'_> {
    /// The number as serde_json classifies it.
    pub fn number(&self) -> Number {
        let float = || Number::F64(self.text.parse().unwrap_or(f64::NAN));
        match (self.int, self.neg) {
            (true, false) => self.text.parse().map_or_else(|_| float(), Number::U64),
            (true, true) if self.text != "-0" => {
                self.text.parse().map_or_else(|_| float(), Number::I64)
            }
            _ => float(),
        }
    }
}

/// A syntax error: where, what, and the path of the value being read when it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset of the offending character (the last character at the end of the text).
    pub at: usize,
    /// serde_json's wording ("expected `,` or `}`").
    pub message: String,
    /// The value being read: its keys and indices from the top.
    pub path: Vec<PathSeg>,
}

/// Parse one JSON value, with nothing but whitespace after it.
pub fn parse(text: &str) -> Result<Value<'_>, JsonError> {
    parse_streaming(text, None, &mut |_| Ok(()))
}

/// [`parse`], handing each element of the array under key `key` of the top-level object to
/// `each` as soon as it is read instead of keeping it: that array is empty in the tree. A
/// million-step scenario is then never in memory as a whole tree (issue 16). An error of `each` stops the parse; its `path` is below the element, deepest segment
/// first (the parser adds the element's index and `key`).
pub fn parse_streaming<'a>(
    text: &'a str,
    key: Option<&str>,
    each: &mut dyn FnMut(Value<'a>) -> Result<(), JsonError>,
) -> Result<Value<'a>, JsonError> {
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        i: 0,
        key,
        each,
    };
    let mut v = p.value(0, false);
    if v.is_ok() {
        p.ws();
        if p.i < p.b.len() {
            v = Err(p.fail("trailing characters"));
        }
    }
    v.map_err(|mut e| {
        e.path.reverse();
        e
    })
}

struct Parser<'a, 's> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    /// The top-level key whose array elements go to `each`.
    key: Option<&'s str>,
    each: &'s mut dyn FnMut(Value<'a>) -> Result<(), JsonError>,
}

impl<'a> Parser<'a, '_> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    /// An error at the current byte, or at the last one at the end of the text (where
    /// serde_json places it: after a final line break, on the line that break ends).
    fn fail(&self, message: &str) -> JsonError {
        let eof = self.i >= self.b.len();
        JsonError {
            at: if eof {
                self.b.len().saturating_sub(1)
            } else {
                self.i
            },
            message: message.to_string(),
            path: Vec::new(),
        }
    }

    fn eof_or(&self, message: &str, what: &str) -> JsonError {
        if self.i >= self.b.len() {
            self.fail(&format!("EOF while parsing {what}"))
        } else {
            self.fail(message)
        }
    }

    /// The value at the current byte; `stream`: an array whose elements go to `each`.
    fn value(&mut self, depth: usize, stream: bool) -> Result<Value<'a>, JsonError> {
        self.ws();
        let at = self.i;
        let kind = match self.b.get(at) {
            None => return Err(self.fail("EOF while parsing a value")),
            Some(b'n') => self.ident("null", Kind::Null)?,
            Some(b't') => self.ident("true", Kind::Bool(true))?,
            Some(b'f') => self.ident("false", Kind::Bool(false))?,
            Some(b'"') => Kind::Str(self.string()?),
            Some(b'-' | b'0'..=b'9') => Kind::Num(self.number()?),
            Some(b'[') => {
                if depth + 1 >= MAX_DEPTH {
                    return Err(self.fail("recursion limit exceeded"));
                }
                Kind::Arr(self.array(depth + 1, stream)?)
            }
            Some(b'{') => {
                if depth + 1 >= MAX_DEPTH {
                    return Err(self.fail("recursion limit exceeded"));
                }
                Kind::Obj(self.object(depth + 1)?)
            }
            Some(_) => return Err(self.fail("expected value")),
        };
        Ok(Value { at, kind })
    }

    fn ident(&mut self, word: &str, kind: Kind<'a>) -> Result<Kind<'a>, JsonError> {
        for &c in word.as_bytes() {
            match self.b.get(self.i) {
                None => return Err(self.fail("EOF while parsing a value")),
                Some(&x) if x == c => self.i += 1,
                Some(_) => return Err(self.fail("expected ident")),
            }
        }
        Ok(kind)
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.b.get(self.i) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<Num<'a>, JsonError> {
        let start = self.i;
        let neg = self.b[start] == b'-';
        if neg {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => {
                self.i += 1;
                if let Some(b'0'..=b'9') = self.b.get(self.i) {
                    return Err(self.fail("invalid number"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.eof_or("invalid number", "a value")),
        }
        let mut int = true;
        if self.b.get(self.i) == Some(&b'.') {
            int = false;
            self.i += 1;
            if self.digits() == 0 {
                return Err(self.eof_or("invalid number", "a value"));
            }
        }
        if let Some(b'e' | b'E') = self.b.get(self.i) {
            int = false;
            self.i += 1;
            if let Some(b'+' | b'-') = self.b.get(self.i) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.eof_or("invalid number", "a value"));
            }
        }
        let num = Num {
            text: &self.text[start..self.i],
            int,
            neg,
        };
        // Only a float or an integer of more digits than u64 has can be out of range.
        if !int || self.i - start > 20 {
            if let Number::F64(f) = num.number() {
                if !f.is_finite() {
                    // serde_json stops at the last digit it read.
                    self.i -= 1;
                    return Err(self.fail("number out of range"));
                }
            }
        }
        Ok(num)
    }

    /// The string starting at the current `"`, unescaped.
    fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        self.i += 1;
        let start = self.i;
        let mut owned: Option<String> = None;
        let mut run = start;
        loop {
            // The plain characters at once; then what ends them.
            while let Some(&c) = self.b.get(self.i) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            match self.b.get(self.i) {
                None => return Err(self.fail("EOF while parsing a string")),
                Some(b'"') => {
                    let tail = &self.text[run..self.i];
                    self.i += 1;
                    return Ok(match owned {
                        None => Cow::Borrowed(tail),
                        Some(mut s) => {
                            s.push_str(tail);
                            Cow::Owned(s)
                        }
                    });
                }
                Some(b'\\') => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[run..self.i]);
                    self.i += 1;
                    let c = match self.b.get(self.i) {
                        None => return Err(self.fail("EOF while parsing a string")),
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.i += 1;
                            let c = self.unicode_escape()?;
                            owned.get_or_insert_with(String::new).push(c);
                            run = self.i;
                            continue;
                        }
                        Some(_) => return Err(self.fail("invalid escape")),
                    };
                    s.push(c);
                    self.i += 1;
                    run = self.i;
                }
                Some(&c) if c < 0x20 => {
                    return Err(self
                        .fail("control character (\\u0000-\\u001F) found while parsing a string"))
                }
                Some(_) => self.i += 1,
            }
        }
    }

    /// Four hex digits at the current byte.
    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut n = 0;
        for _ in 0..4 {
            let d = match self.b.get(self.i) {
                None => return Err(self.fail("EOF while parsing a string")),
                Some(&c) => (c as char).to_digit(16),
            };
            match d {
                Some(d) => n = n * 16 + d,
                None => return Err(self.fail("invalid escape")),
            }
            self.i += 1;
        }
        Ok(n)
    }

    /// The character of a `\u` escape whose digits start at the current byte (a leading
    /// surrogate must be followed by an escaped trailing one).
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let n = self.hex4()?;
        let code = match n {
            0xDC00..=0xDFFF => {
                self.i -= 1;
                return Err(self.fail("lone leading surrogate in hex escape"));
            }
            0xD800..=0xDBFF => {
                if self.b.get(self.i) != Some(&b'\\') || self.b.get(self.i + 1) != Some(&b'u') {
                    return Err(self.eof_or("unexpected end of hex escape", "a string"));
                }
                self.i += 2;
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    self.i -= 1;
                    return Err(self.fail("lone leading surrogate in hex escape"));
                }
                0x10000 + ((n - 0xD800) << 10) + (low - 0xDC00)
            }
            n => n,
        };
        char::from_u32(code).ok_or_else(|| self.fail("invalid unicode code point"))
    }

    fn array(&mut self, depth: usize, stream: bool) -> Result<Vec<Value<'a>>, JsonError> {
        self.i += 1;
        let mut out = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(out);
        }
        let mut n = 0;
        loop {
            let in_element = |mut e: JsonError| {
                e.path.push(PathSeg::Index(n));
                e
            };
            let v = self.value(depth, false).map_err(in_element)?;
            if stream {
                (self.each)(v).map_err(in_element)?;
            } else {
                out.push(v);
            }
            n += 1;
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                    if self.b.get(self.i) == Some(&b']') {
                        return Err(self.fail("trailing comma"));
                    }
                }
                Some(b']') => {
                    self.i += 1;
                    return Ok(out);
                }
                _ => return Err(self.eof_or("expected `,` or `]`", "a list")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Vec<Member<'a>>, JsonError> {
        self.i += 1;
        let mut out = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(out);
        }
        loop {
            match self.b.get(self.i) {
                Some(b'"') => {}
                _ => return Err(self.eof_or("key must be a string", "an object")),
            }
            let key_at = self.i;
            let key = self.string()?;
            let in_key = |mut e: JsonError| {
                e.path.push(PathSeg::Key(key.to_string()));
                e
            };
            self.ws();
            if self.b.get(self.i) != Some(&b':') {
                return Err(in_key(self.eof_or("expected `:`", "an object")));
            }
            self.i += 1;
            let stream = depth == 1 && self.key == Some(&*key);
            let value = self.value(depth, stream).map_err(in_key)?;
            out.push(Member { key, key_at, value });
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                    if self.b.get(self.i) == Some(&b'}') {
                        return Err(self.fail("trailing comma"));
                    }
                }
                Some(b'}') => {
                    self.i += 1;
                    return Ok(out);
                }
                _ => return Err(self.eof_or("expected `,` or `}`", "an object")),
            }
        }
    }
}

impl Value<'_> {
    /// The value as a `serde_json::Value` (numbers classified as serde_json does; a repeated
    /// key keeps its last value, as serde_json's maps do).
    pub fn to_serde(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.kind {
            Kind::Null => J::Null,
            Kind::Bool(b) => J::Bool(*b),
            Kind::Num(n) => match n.number() {
                Number::U64(u) => J::from(u),
                Number::I64(i) => J::from(i),
                Number::F64(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
            },
            Kind::Str(s) => J::String(s.to_string()),
            Kind::Arr(a) => J::Array(a.iter().map(Value::to_serde).collect()),
            Kind::Obj(m) => J::Object(
                m.iter()
                    .map(|m| (m.key.to_string(), m.value.to_serde()))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> (usize, String, Vec<PathSeg>) {
        let e = parse(text).unwrap_err();
        (e.at, e.message, e.path)
    }

    #[test]
    fn values_keep_their_offsets_and_keys_their_order() {
        let v = parse(" {\"b\": [1, -2.5e1], \"a\": \"x\\u00e9\\ud83d\\ude00\"}").unwrap();
        assert_eq!(v.at, 1);
        let Kind::Obj(m) = &v.kind else { panic!() };
        assert_eq!((m[0].key.as_ref(), m[0].key_at), ("b", 2));
        assert_eq!((m[1].key.as_ref(), m[1].key_at), ("a", 20));
        // `[` at 7, `1` at 8, `-2.5e1` at 11.
        let Kind::Arr(a) = &m[0].value.kind else {
            panic!()
        };
        assert_eq!((m[0].value.at, a[0].at, a[1].at), (7, 8, 11));
        let n = Num {
            text: "-2.5e1",
            int: false,
            neg: true,
        };
        assert_eq!(a[1].kind, Kind::Num(n));
        assert_eq!(n.number(), Number::F64(-25.0));
        assert_eq!(m[1].value.kind, Kind::Str("x\u{e9}\u{1f600}".into()));
    }

    #[test]
    fn numbers_are_classified_as_serde_json_does() {
        let num = |t: &str| match parse(t).unwrap().kind {
            Kind::Num(n) => n.number(),
            k => panic!("{k:?}"),
        };
        assert_eq!(num("18446744073709551615"), Number::U64(u64::MAX));
        assert_eq!(
            num("18446744073709551616"),
            Number::F64(18446744073709551616.0)
        );
        assert_eq!(num("-9223372036854775808"), Number::I64(i64::MIN));
        assert_eq!(num("-0"), Number::F64(-0.0));
        assert_eq!(num("1.0"), Number::F64(1.0));
        assert_eq!(num("2E2"), Number::F64(200.0));
    }

    #[test]
    fn syntax_errors_are_placed_at_the_offending_character() {
        // `{"a": 1,,}`: the second comma is byte 8.
        assert_eq!(
            err("{\"a\": 1,,}"),
            (8, "key must be a string".into(), vec![])
        );
        // A raw line break in the value of "t": at the break, inside "t".
        assert_eq!(
            err("{\"t\": \"a\nb\"}"),
            (
                8,
                "control character (\\u0000-\\u001F) found while parsing a string".into(),
                vec![PathSeg::key("t")]
            )
        );
        // Cut off: at the last character.
        assert_eq!(err("{\n").0, 1);
        assert_eq!(err("").0, 0);
        assert_eq!(err("[1,]").1, "trailing comma");
        assert_eq!(err("{\"a\":1,}").1, "trailing comma");
        assert_eq!(err("[1 2]").1, "expected `,` or `]`");
        assert_eq!(err("{\"a\" 1}").1, "expected `:`");
        assert_eq!(err("01").1, "invalid number");
        assert_eq!(err("1e400").1, "number out of range");
        assert_eq!(err("\"\\x\"").1, "invalid escape");
        assert_eq!(err("\"\\ud800\"").1, "unexpected end of hex escape");
        assert_eq!(err("\"\\udc00\"").1, "lone leading surrogate in hex escape");
        assert_eq!(err("{} x"), (3, "trailing characters".into(), vec![]));
        // Inside an array inside an object: the path names both.
        assert_eq!(
            err("{\"s\": [1, tru]}").2,
            vec![PathSeg::key("s"), PathSeg::Index(1)]
        );
    }

    #[test]
    fn streamed_elements_are_handed_over_and_not_kept() {
        let mut seen = Vec::new();
        let text = "{\"s\": [1, {\"a\": 2}], \"t\": [3], \"\": [4]}";
        let v = parse_streaming(text, Some("s"), &mut |v| {
            seen.push(v.at);
            Ok(())
        })
        .unwrap();
        // The elements at bytes 7 and 10 went to the callback; "t" and "" kept theirs.
        assert_eq!(seen, vec![7, 10]);
        let Kind::Obj(m) = &v.kind else { panic!() };
        let kept = |v: &Value| match &v.kind {
            Kind::Arr(a) => a.iter().map(|e| e.at).collect::<Vec<_>>(),
            _ => panic!(),
        };
        assert_eq!(kept(&m[0].value), Vec::<usize>::new());
        assert_eq!(kept(&m[1].value), vec![27]);
        assert_eq!(kept(&m[2].value), vec![36]);
        // An error of the callback comes back with the element's index and the key.
        let e = parse_streaming(text, Some("s"), &mut |v| match v.kind {
            Kind::Obj(_) => Err(JsonError {
                at: v.at + 1,
                message: "no".into(),
                path: vec![PathSeg::key("a")],
            }),
            _ => Ok(()),
        })
        .unwrap_err();
        let path = vec![PathSeg::key("s"), PathSeg::Index(1), PathSeg::key("a")];
        assert_eq!((e.at, e.path), (11, path));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        // 127 arrays inside one another read; the 128th is one too many.
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH - 1), "]".repeat(MAX_DEPTH - 1));
        assert!(parse(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        let e = parse(&deep).unwrap_err();
        assert_eq!(
            (e.at, e.message.as_str()),
            (127, "recursion limit exceeded")
        );
        assert!(parse(&"{\"a\":".repeat(100_000)).is_err());
    }
}
