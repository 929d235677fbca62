//! Escaping every string that comes from the state before it lands in a page.

/// Text safe inside HTML or SVG element content and quoted attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text safe in Markdown prose and table cells: no markup, no HTML, no line breaks.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text inside a Markdown code span: backticks become quotes, line breaks spaces.
pub fn markdown_code(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| match c {
            '`' => '\'',
            '\n' | '\r' | '|' => ' ',
            c => c,
        })
        .collect();
    format!("`{cleaned}`")
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
