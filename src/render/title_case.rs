//! Title casing as Go's `golang.org/x/text/cases.Title(language.Und,
//! cases.NoLower)` does it, for the template function `title`.
//!
//! That caser finds words with an approximation of Unicode's word-break
//! rules and maps the first cased letter of each word to title case,
//! leaving the rest unchanged.

/// Title-cases `text` as Go's `cases.Title(language.Und, cases.NoLower)`
/// does: the first cased letter of each word is mapped to title case and
/// everything else is kept (`hello wORLD foo-bar` becomes
/// `Hello WORLD Foo-Bar`).
///
/// Words follow that package's approximation of Unicode word breaks.
/// Letters, digits and `_` continue a word. `'`, `.`, `:` and the like
/// continue it unless two of them are adjacent, and anything else ends it.
/// A cased letter after digits is still the first of its word (`1st`
/// becomes `1St`).
///
/// NOTE: Rust has no word-break or general-category tables, so a word
/// letter here is `char::is_alphanumeric` corrected by the range tables
/// below. Compared with golang.org/x/text v0.7.0 on every character from
/// U+0020 to U+2FFF and U+FE00 to U+FF6F, the results differ for about 180
/// characters, mostly marks added after Unicode 13 and rare scripts.
pub fn title_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_word = false;
    let mut previous_mid = false;
    for c in text.chars() {
        let mid = is_mid_word(c);
        if previous_mid && mid {
            in_word = false;
        }
        if is_cased(c) {
            if in_word {
                out.push(c);
            } else {
                push_title_case(c, &mut out);
                in_word = true;
            }
        } else {
            out.push(c);
            if !mid && !is_word_letter(c) {
                in_word = false;
            }
        }
        previous_mid = mid;
    }
    out
}

/// Unicode's Cased property: lowercase, uppercase or title-case letters.
fn is_cased(c: char) -> bool {
    c.is_lowercase() || c.is_uppercase() || is_title_case_letter(c)
}

/// Returns whether `c` is a title-case letter (general category Lt).
fn is_title_case_letter(c: char) -> bool {
    matches!(
        c,
        '\u{1c5}'
            | '\u{1c8}'
            | '\u{1cb}'
            | '\u{1f2}'
            | '\u{1f88}'..='\u{1f8f}'
            | '\u{1f98}'..='\u{1f9f}'
            | '\u{1fa8}'..='\u{1faf}'
            | '\u{1fbc}'
            | '\u{1fcc}'
            | '\u{1ffc}'
    )
}

/// Characters of the word-break classes MidLetter, MidNumLet and
/// Single_Quote, which do not end a word on their own.
fn is_mid_word(c: char) -> bool {
    matches!(
        c,
        '\'' | '.'
            | ':'
            | '\u{b7}'
            | '\u{387}'
            | '\u{55f}'
            | '\u{5f4}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{2024}'
            | '\u{2027}'
            | '\u{fe13}'
            | '\u{fe52}'
            | '\u{fe55}'
            | '\u{ff07}'
            | '\u{ff0e}'
            | '\u{ff1a}'
    )
}

/// Characters that continue a word: letters and decimal digits of
/// alphabetic scripts, connector punctuation such as `_`, format characters
/// and combining marks.
fn is_word_letter(c: char) -> bool {
    if WORD_LETTER_RANGES
        .iter()
        .any(|&(first, last)| (first..=last).contains(&c))
    {
        return true;
    }
    let alphanumeric = c.is_alphanumeric()
        && !NON_WORD_RANGES
            .iter()
            .any(|&(first, last)| (first..=last).contains(&c));
    alphanumeric && !(c.is_numeric() && !c.is_alphabetic() && is_other_number(c))
}

/// Word letters that `char::is_alphanumeric` misses or that the tables
/// below exclude: the modifier symbols Unicode counts as word letters,
/// connector punctuation such as `_`, format characters, combining marks
/// and the decimal digits of scripts written without spaces.
const WORD_LETTER_RANGES: [(char, char); 130] = [
    ('_', '_'),
    ('\u{ad}', '\u{ad}'),
    ('\u{2c2}', '\u{2c5}'),
    ('\u{2d2}', '\u{2d7}'),
    ('\u{2de}', '\u{2df}'),
    ('\u{2e5}', '\u{2eb}'),
    ('\u{2ed}', '\u{2ed}'),
    ('\u{2ef}', '\u{36f}'),
    ('\u{483}', '\u{489}'),
    ('\u{55a}', '\u{55c}'),
    ('\u{55e}', '\u{55e}'),
    ('\u{58a}', '\u{58a}'),
    ('\u{591}', '\u{5bd}'),
    ('\u{5bf}', '\u{5bf}'),
    ('\u{5c1}', '\u{5c2}'),
    ('\u{5c4}', '\u{5c5}'),
    ('\u{5c7}', '\u{5c7}'),
    ('\u{5f3}', '\u{5f3}'),
    ('\u{600}', '\u{605}'),
    ('\u{610}', '\u{61a}'),
    ('\u{61c}', '\u{61c}'),
    ('\u{64b}', '\u{65f}'),
    ('\u{66b}', '\u{66b}'),
    ('\u{6dd}', '\u{6dd}'),
    ('\u{6df}', '\u{6e4}'),
    ('\u{6e7}', '\u{6e8}'),
    ('\u{6ea}', '\u{6ed}'),
    ('\u{70f}', '\u{70f}'),
    ('\u{730}', '\u{74a}'),
    ('\u{7eb}', '\u{7f3}'),
    ('\u{7fd}', '\u{7fd}'),
    ('\u{816}', '\u{82d}'),
    ('\u{859}', '\u{85b}'),
    ('\u{890}', '\u{89f}'),
    ('\u{8ca}', '\u{8ff}'),
    ('\u{93c}', '\u{93c}'),
    ('\u{94d}', '\u{94d}'),
    ('\u{951}', '\u{954}'),
    ('\u{9bc}', '\u{9bc}'),
    ('\u{9cd}', '\u{9cd}'),
    ('\u{9fe}', '\u{9fe}'),
    ('\u{a3c}', '\u{a3c}'),
    ('\u{a4d}', '\u{a4d}'),
    ('\u{abc}', '\u{abc}'),
    ('\u{acd}', '\u{acd}'),
    ('\u{afd}', '\u{aff}'),
    ('\u{b3c}', '\u{b3c}'),
    ('\u{b4d}', '\u{b4d}'),
    ('\u{b55}', '\u{b55}'),
    ('\u{bcd}', '\u{bcd}'),
    ('\u{c3c}', '\u{c3c}'),
    ('\u{c4d}', '\u{c4d}'),
    ('\u{cbc}', '\u{cbc}'),
    ('\u{ccd}', '\u{ccd}'),
    ('\u{d3b}', '\u{d3c}'),
    ('\u{d4d}', '\u{d4d}'),
    ('\u{dca}', '\u{dca}'),
    ('\u{e31}', '\u{e31}'),
    ('\u{e34}', '\u{e3a}'),
    ('\u{e47}', '\u{e4e}'),
    ('\u{e50}', '\u{e59}'),
    ('\u{eb1}', '\u{eb1}'),
    ('\u{eb4}', '\u{ebc}'),
    ('\u{ec8}', '\u{ece}'),
    ('\u{ed0}', '\u{ed9}'),
    ('\u{f18}', '\u{f19}'),
    ('\u{f35}', '\u{f35}'),
    ('\u{f37}', '\u{f37}'),
    ('\u{f39}', '\u{f39}'),
    ('\u{f3e}', '\u{f3f}'),
    ('\u{f84}', '\u{f84}'),
    ('\u{f86}', '\u{f87}'),
    ('\u{fc6}', '\u{fc6}'),
    ('\u{102b}', '\u{103e}'),
    ('\u{1040}', '\u{1049}'),
    ('\u{1056}', '\u{1059}'),
    ('\u{105e}', '\u{1060}'),
    ('\u{1062}', '\u{1064}'),
    ('\u{1067}', '\u{106d}'),
    ('\u{1071}', '\u{1074}'),
    ('\u{1082}', '\u{108d}'),
    ('\u{108f}', '\u{109d}'),
    ('\u{135d}', '\u{135f}'),
    ('\u{1712}', '\u{1715}'),
    ('\u{1732}', '\u{1734}'),
    ('\u{17b4}', '\u{17d3}'),
    ('\u{17dd}', '\u{17dd}'),
    ('\u{17e0}', '\u{17e9}'),
    ('\u{180b}', '\u{180f}'),
    ('\u{1939}', '\u{193b}'),
    ('\u{19d0}', '\u{19d9}'),
    ('\u{1a55}', '\u{1a7f}'),
    ('\u{1a80}', '\u{1a99}'),
    ('\u{1ab0}', '\u{1aff}'),
    ('\u{1b34}', '\u{1b34}'),
    ('\u{1b44}', '\u{1b44}'),
    ('\u{1b6b}', '\u{1b73}'),
    ('\u{1baa}', '\u{1bab}'),
    ('\u{1be6}', '\u{1be6}'),
    ('\u{1bf2}', '\u{1bf3}'),
    ('\u{1c37}', '\u{1c37}'),
    ('\u{1cd0}', '\u{1cd2}'),
    ('\u{1cd4}', '\u{1ce8}'),
    ('\u{1ced}', '\u{1ced}'),
    ('\u{1cf4}', '\u{1cf4}'),
    ('\u{1cf7}', '\u{1cf9}'),
    ('\u{1dc0}', '\u{1dff}'),
    ('\u{200c}', '\u{200f}'),
    ('\u{202a}', '\u{202f}'),
    ('\u{203f}', '\u{2040}'),
    ('\u{2054}', '\u{2054}'),
    ('\u{2060}', '\u{206f}'),
    ('\u{20d0}', '\u{20ff}'),
    ('\u{2cef}', '\u{2cf1}'),
    ('\u{2d7f}', '\u{2d7f}'),
    ('\u{a66f}', '\u{a672}'),
    ('\u{a674}', '\u{a67d}'),
    ('\u{a69e}', '\u{a69f}'),
    ('\u{a6f0}', '\u{a6f1}'),
    ('\u{a708}', '\u{a716}'),
    ('\u{a720}', '\u{a721}'),
    ('\u{a789}', '\u{a78a}'),
    ('\u{fb1e}', '\u{fb1e}'),
    ('\u{fe00}', '\u{fe0f}'),
    ('\u{fe20}', '\u{fe2f}'),
    ('\u{fe33}', '\u{fe34}'),
    ('\u{fe4d}', '\u{fe4f}'),
    ('\u{feff}', '\u{feff}'),
    ('\u{ff3f}', '\u{ff3f}'),
    ('\u{fff9}', '\u{fffb}'),
];

/// Letters of scripts Unicode does not split into words with spaces (Thai,
/// Lao, Myanmar, Khmer, Tai), ideographs and kana: each such character ends
/// a word.
const NON_WORD_RANGES: [(char, char); 24] = [
    ('\u{e00}', '\u{e7f}'),
    ('\u{e80}', '\u{eff}'),
    ('\u{1000}', '\u{102a}'),
    ('\u{103f}', '\u{103f}'),
    ('\u{1050}', '\u{1055}'),
    ('\u{105a}', '\u{105d}'),
    ('\u{1061}', '\u{1061}'),
    ('\u{1065}', '\u{1066}'),
    ('\u{106e}', '\u{1070}'),
    ('\u{1075}', '\u{1081}'),
    ('\u{108e}', '\u{108e}'),
    ('\u{1780}', '\u{17b3}'),
    ('\u{1950}', '\u{19df}'),
    ('\u{1a20}', '\u{1a54}'),
    ('\u{3040}', '\u{30ff}'),
    ('\u{31f0}', '\u{31ff}'),
    ('\u{3400}', '\u{4dbf}'),
    ('\u{4e00}', '\u{9fff}'),
    ('\u{a9e0}', '\u{a9ff}'),
    ('\u{aa60}', '\u{aadf}'),
    ('\u{f900}', '\u{faff}'),
    ('\u{ff66}', '\u{ff9f}'),
    ('\u{11700}', '\u{1174f}'),
    ('\u{20000}', '\u{3134f}'),
];

/// Numbers that are not decimal digits (superscripts, fractions, circled
/// numbers), which end a word like punctuation does.
fn is_other_number(c: char) -> bool {
    matches!(
        c,
        '\u{b2}'
            | '\u{b3}'
            | '\u{b9}'
            | '\u{bc}'..='\u{be}'
            | '\u{9f4}'..='\u{9f9}'
            | '\u{b72}'..='\u{b77}'
            | '\u{bf0}'..='\u{bf2}'
            | '\u{c78}'..='\u{c7e}'
            | '\u{d58}'..='\u{d5e}'
            | '\u{d70}'..='\u{d78}'
            | '\u{f2a}'..='\u{f33}'
            | '\u{1369}'..='\u{137c}'
            | '\u{17f0}'..='\u{17f9}'
            | '\u{19da}'
            | '\u{2070}'..='\u{209f}'
            | '\u{2150}'..='\u{215f}'
            | '\u{2189}'
            | '\u{2460}'..='\u{249b}'
            | '\u{24ea}'..='\u{24ff}'
            | '\u{2776}'..='\u{2793}'
            | '\u{2cfd}'
            | '\u{3192}'..='\u{3195}'
            | '\u{3220}'..='\u{3229}'
            | '\u{3248}'..='\u{324f}'
            | '\u{3251}'..='\u{325f}'
            | '\u{3280}'..='\u{3289}'
            | '\u{32b1}'..='\u{32bf}'
            | '\u{a830}'..='\u{a835}'
    )
}

/// Appends the title-case mapping of `c`, which differs from upper case for
/// digraphs and some special casings (`ǆ` to `ǅ`, `ß` to `Ss`).
fn push_title_case(c: char, out: &mut String) {
    let special = match c {
        '\u{1c4}'..='\u{1c6}' => "\u{1c5}",
        '\u{1c7}'..='\u{1c9}' => "\u{1c8}",
        '\u{1ca}'..='\u{1cc}' => "\u{1cb}",
        '\u{1f1}'..='\u{1f3}' => "\u{1f2}",
        '\u{df}' => "Ss",
        '\u{fb00}' => "Ff",
        '\u{fb01}' => "Fi",
        '\u{fb02}' => "Fl",
        '\u{fb03}' => "Ffi",
        '\u{fb04}' => "Ffl",
        '\u{fb05}' | '\u{fb06}' => "St",
        '\u{587}' => "\u{535}\u{582}",
        '\u{149}' => "\u{2bc}N",
        // Georgian Mkhedruli letters have no title-case form.
        '\u{10d0}'..='\u{10fa}' | '\u{10fd}'..='\u{10ff}' => {
            out.push(c);
            return;
        }
        '\u{1fb2}' => "\u{1fba}\u{345}",
        '\u{1fb3}' => "\u{1fbc}",
        '\u{1fb4}' => "\u{386}\u{345}",
        '\u{1fb7}' => "\u{391}\u{342}\u{345}",
        '\u{1fc2}' => "\u{1fca}\u{345}",
        '\u{1fc3}' => "\u{1fcc}",
        '\u{1fc4}' => "\u{389}\u{345}",
        '\u{1fc7}' => "\u{397}\u{342}\u{345}",
        '\u{1ff2}' => "\u{1ffa}\u{345}",
        '\u{1ff3}' => "\u{1ffc}",
        '\u{1ff4}' => "\u{38f}\u{345}",
        '\u{1ff7}' => "\u{3a9}\u{342}\u{345}",
        // Greek letters with a subscript iota title-case to the matching
        // capital with the iota still subscript.
        '\u{1f80}'..='\u{1f87}' | '\u{1f90}'..='\u{1f97}' | '\u{1fa0}'..='\u{1fa7}' => {
            out.extend(char::from_u32(u32::from(c) + 8));
            return;
        }
        '\u{1f88}'..='\u{1f8f}'
        | '\u{1f98}'..='\u{1f9f}'
        | '\u{1fa8}'..='\u{1faf}'
        | '\u{1fbc}'
        | '\u{1fcc}'
        | '\u{1ffc}' => {
            out.push(c);
            return;
        }
        _ => "",
    };
    if special.is_empty() {
        out.extend(c.to_uppercase());
    } else {
        out.push_str(special);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_case_matches_go() {
        let cases: [(&str, &str); 19] = [
            ("hello wORLD foo-bar", "Hello WORLD Foo-Bar"),
            ("aBcd", "ABcd"),
            ("1st", "1St"),
            ("don't stop", "Don't Stop"),
            ("foo.bar", "Foo.bar"),
            ("x..y", "X..Y"),
            ("hello_world", "Hello_world"),
            ("a:b", "A:b"),
            ("tab\tsep", "Tab\tSep"),
            ("\u{1c6}a", "\u{1c5}a"),
            ("\u{df}a", "Ssa"),
            ("\u{fb01}x", "Fix"),
            ("a\u{4e2d}b", "A\u{4e2d}B"),
            (
                "\u{3b1}\u{3b2}\u{3b3} \u{3b4}",
                "\u{391}\u{3b2}\u{3b3} \u{394}",
            ),
            ("a\u{b2}b", "A\u{b2}B"),
            ("a\u{301}b", "A\u{301}b"),
            ("\u{1fb3}x", "\u{1fbc}x"),
            ("\u{10d0}\u{10d1}", "\u{10d0}\u{10d1}"),
            (
                "\u{3a3}\u{391}\u{3a3} \u{3c3}\u{3b1}\u{3c2}",
                "\u{3a3}\u{391}\u{3a3} \u{3a3}\u{3b1}\u{3c2}",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(title_case(text), expected, "{text:?}");
        }
    }
}
