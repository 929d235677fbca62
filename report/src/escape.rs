//! Escaping every string that comes from the state before it lands in a page.

/// Text safe inside HTML or SVG element content and quoted attribute values.
pub fn html(text: &str) -> String {
    replace(text, |c| match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        '\'' => Some("&#39;"),
        _ => None,
    })
}

/// Text safe in Markdown prose and table cells: no markup, no HTML, no line breaks.
pub fn markdown(text: &str) -> String {
    replace(text, |c| match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '\\' => Some("\\\\"),
        '`' => Some("\\`"),
        '*' => Some("\\*"),
        '_' => Some("\\_"),
        '[' => Some("\\["),
        ']' => Some("\\]"),
        '|' => Some("\\|"),
        '#' => Some("\\#"),
        '~' => Some("\\~"),
        '\n' | '\r' => Some(" "),
        _ => None,
    })
}

/// Each character `swap` has a replacement for replaced, the others kept.
fn replace(text: &str, swap: impl Fn(char) -> Option<&'static str>) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match swap(c) {
            Some(replacement) => out.push_str(replacement),
            None => out.push(c),
        }
    }
    out
}

/// Text inside a Markdown code span: backticks become quotes, line breaks spaces.
pub fn markdown_code(text: &str) -> String {
    let inner = replace(text, |c| match c {
        '`' => Some("'"),
        '\n' | '\r' | '|' => Some(" "),
        _ => None,
    });
    format!("`{inner}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_html_characters_are_escaped() {
        assert_eq!(
            html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn markdown_markup_and_html_are_neutralised() {
        assert_eq!(
            markdown("*a* | <b>_c_</b>\n[x](y)"),
            r"\*a\* \| &lt;b&gt;\_c\_&lt;/b&gt; \[x\](y)"
        );
    }

    #[test]
    fn a_code_span_cannot_be_closed_early_or_break_a_table() {
        assert_eq!(markdown_code("a`b|c\nd"), "`a'b c d`");
    }
}
