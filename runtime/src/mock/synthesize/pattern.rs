//! Patterns parsed into a tree of literals, classes, groups and repetitions, from which
//! strings matching them are written.

/// A pattern, parsed just enough to write strings it matches: literals, classes,
/// groups with alternatives, and repetition. Assertions and lookarounds match the
/// empty string here; the result is always tested with regress afterwards.
#[derive(Debug)]
pub(super) enum Node {
    Literal(char),
    Class {
        ranges: Vec<(char, char)>,
        negated: bool,
    },
    Group(Vec<Vec<Node>>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

impl Node {
    fn empty() -> Self {
        Node::Group(vec![Vec::new()])
    }
}

const DIGITS: &[(char, char)] = &[('0', '9')];
const WORD: &[(char, char)] = &[('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')];
const SPACE: &[(char, char)] = &[(' ', ' '), ('\t', '\r')];
const LETTERS: &[(char, char)] = &[('a', 'z'), ('A', 'Z')];
/// Most repetitions written for one quantifier; a pattern demanding more is not
/// written out (its candidates still come from the plain list).
pub(super) const MAX_REPEAT: u32 = 1024;

pub(super) struct Parser {
    chars: Vec<char>,
    at: usize,
    depth: u32,
}

impl Parser {
    /// The pattern's tree; `None` for syntax this parser does not follow
    /// (back-references, flags groups, malformed patterns).
    pub(super) fn parse(pattern: &str) -> Option<Node> {
        let mut parser = Parser {
            chars: pattern.chars().collect(),
            at: 0,
            depth: 0,
        };
        let node = parser.alternation()?;
        (parser.at == parser.chars.len()).then_some(node)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn alternation(&mut self) -> Option<Node> {
        self.depth += 1;
        if self.depth > 64 {
            return None;
        }
        let mut branches = vec![Vec::new()];
        while let Some(c) = self.peek() {
            match c {
                ')' => break,
                '|' => {
                    self.at += 1;
                    branches.push(Vec::new());
                }
                _ => {
                    let atom = self.atom()?;
                    let atom = self.quantified(atom)?;
                    branches.last_mut()?.push(atom);
                }
            }
        }
        self.depth -= 1;
        Some(Node::Group(branches))
    }

    fn atom(&mut self) -> Option<Node> {
        Some(match self.next()? {
            '^' | '$' => Node::empty(),
            '.' => Node::Class {
                ranges: vec![('\n', '\n'), ('\r', '\r'), ('\u{2028}', '\u{2029}')],
                negated: true,
            },
            '(' => {
                let mut lookaround = false;
                if self.eat('?') {
                    match self.next()? {
                        ':' => {}
                        '=' | '!' => lookaround = true,
                        '<' if self.eat('=') || self.eat('!') => lookaround = true,
                        '<' => self.skip_name()?,
                        'P' if self.eat('<') => self.skip_name()?,
                        _ => return None,
                    }
                }
                let inner = self.alternation()?;
                if !self.eat(')') {
                    return None;
                }
                if lookaround {
                    Node::empty()
                } else {
                    inner
                }
            }
            '[' => self.class()?,
            '\\' => self.escape()?,
            '*' | '+' | '?' | ')' | '|' => return None,
            other => Node::Literal(other),
        })
    }

    fn skip_name(&mut self) -> Option<()> {
        while self.next()? != '>' {}
        Some(())
    }

    fn escape(&mut self) -> Option<Node> {
        let class = |ranges: &[(char, char)], negated| Node::Class {
            ranges: ranges.to_vec(),
            negated,
        };
        Some(match self.next()? {
            'd' => class(DIGITS, false),
            'D' => class(DIGITS, true),
            'w' => class(WORD, false),
            'W' => class(WORD, true),
            's' => class(SPACE, false),
            'S' => class(SPACE, true),
            'b' | 'B' => Node::empty(),
            c @ ('p' | 'P') => {
                let digits = self.property_is_number()?;
                class(if digits { DIGITS } else { LETTERS }, c == 'P')
            }
            '1'..='9' | 'k' | 'c' => return None,
            other => Node::Literal(self.simple_escape(other)?),
        })
    }

    /// Skips a `\p{...}` body; whether it names numbers (else letters are assumed).
    fn property_is_number(&mut self) -> Option<bool> {
        if !self.eat('{') {
            return None;
        }
        let mut name = String::new();
        loop {
            match self.next()? {
                '}' => break,
                c => name.push(c),
            }
        }
        Some(name.starts_with('N') || name.contains("Number") || name.contains("Digit"))
    }

    /// The character an escape other than a class stands for.
    fn simple_escape(&mut self, c: char) -> Option<char> {
        Some(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'f' => '\u{c}',
            'v' => '\u{b}',
            '0' => '\0',
            'x' => self.hex(2)?,
            'u' if self.eat('{') => {
                let mut digits = String::new();
                loop {
                    match self.next()? {
                        '}' => break,
                        c => digits.push(c),
                    }
                }
                char::from_u32(u32::from_str_radix(&digits, 16).ok()?)?
            }
            'u' => self.hex(4)?,
            other => other,
        })
    }

    fn hex(&mut self, len: usize) -> Option<char> {
        let digits: String = self.chars.get(self.at..self.at + len)?.iter().collect();
        if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        self.at += len;
        char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
    }

    fn class(&mut self) -> Option<Node> {
        let negated = self.eat('^');
        let mut ranges = Vec::new();
        loop {
            if self.eat(']') {
                break;
            }
            if let Some(start) = self.class_atom(&mut ranges)? {
                let dash = self.peek() == Some('-')
                    && self.chars.get(self.at + 1).is_some_and(|c| *c != ']');
                if dash {
                    self.at += 1;
                    let end = self.class_atom(&mut ranges)??;
                    if end < start {
                        return None;
                    }
                    ranges.push((start, end));
                } else {
                    ranges.push((start, start));
                }
            }
        }
        Some(Node::Class { ranges, negated })
    }

    /// One member of a class: a character, or (`None`) a class escape whose ranges were
    /// added. Negated shorthands inside a class are approximated by a few characters
    /// they contain.
    fn class_atom(&mut self, ranges: &mut Vec<(char, char)>) -> Option<Option<char>> {
        let c = self.next()?;
        if c != '\\' {
            return Some(Some(c));
        }
        let escaped = self.next()?;
        let added: &[(char, char)] = match escaped {
            'd' => DIGITS,
            'w' => WORD,
            's' => SPACE,
            'D' => LETTERS,
            'W' => &[('-', '-'), (' ', ' ')],
            'S' => WORD,
            'b' => return Some(Some('\u{8}')),
            'p' | 'P' => {
                if self.property_is_number()? {
                    DIGITS
                } else {
                    LETTERS
                }
            }
            other => return Some(Some(self.simple_escape(other)?)),
        };
        ranges.extend_from_slice(added);
        Some(None)
    }

    fn quantified(&mut self, node: Node) -> Option<Node> {
        let (min, max) = match self.peek() {
            Some('*') => {
                self.at += 1;
                (0, None)
            }
            Some('+') => {
                self.at += 1;
                (1, None)
            }
            Some('?') => {
                self.at += 1;
                (0, Some(1))
            }
            Some('{') => match self.braces() {
                Some(bounds) => bounds,
                // Not a quantifier: the `{` is a literal, read as the next atom.
                None => return Some(node),
            },
            _ => return Some(node),
        };
        if max.is_some_and(|max| max < min) {
            return None;
        }
        // Lazy and possessive forms match the same strings.
        let _ = self.eat('?') || self.eat('+');
        Some(Node::Repeat {
            node: Box::new(node),
            min,
            max,
        })
    }

    /// `{n}`, `{n,}` or `{n,m}` (consumed), else `None` (nothing consumed).
    fn braces(&mut self) -> Option<(u32, Option<u32>)> {
        let start = self.at;
        let parsed = self.braces_inner();
        if parsed.is_none() {
            self.at = start;
        }
        parsed
    }

    fn braces_inner(&mut self) -> Option<(u32, Option<u32>)> {
        if !self.eat('{') {
            return None;
        }
        let min = self.number()?;
        let max = if self.eat(',') {
            if self.peek() == Some('}') {
                None
            } else {
                Some(self.number()?)
            }
        } else {
            Some(min)
        };
        if !self.eat('}') {
            return None;
        }
        Some((min, max))
    }

    fn number(&mut self) -> Option<u32> {
        let mut value: u32 = 0;
        let mut any = false;
        while let Some(digit) = self.peek().and_then(|c| c.to_digit(10)) {
            self.at += 1;
            any = true;
            value = value.saturating_mul(10).saturating_add(digit);
        }
        any.then_some(value)
    }
}
