//! Character classes used by normalization and structure detection.

/// A Han ideograph (CJK Unified Ideographs and extensions, compatibility
/// ideographs, and `〇`).
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '\u{3007}')
}

/// CJK punctuation and symbols, full-width forms, and the curly quotes,
/// dashes and ellipsis Chinese text uses.
pub fn is_cjk_punct(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303F}'
        | '\u{FF01}'..='\u{FF0F}'
        | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}'
        | '\u{FF5B}'..='\u{FF65}'
        | '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}'
        | '\u{2014}' | '\u{2015}' | '\u{2026}' | '\u{00B7}' | '\u{FE30}'..='\u{FE4F}')
}

/// Han or CJK punctuation: the characters around which spaces and line
/// breaks carry no meaning.
pub fn is_cjk(c: char) -> bool {
    is_han(c) || is_cjk_punct(c)
}

/// Whitespace that normalization may drop or fold, including the ideographic
/// space and no-break space.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}' || c == '\u{200B}'
}

/// Punctuation that ends a sentence.
pub fn is_sentence_terminal(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '…')
}

/// Punctuation that ends a line of running text that is not softly broken.
pub fn ends_paragraph(c: char) -> bool {
    is_sentence_terminal(c) || matches!(c, '；' | ';' | '】')
}

/// Closing quotes and brackets that stay with the sentence before them.
pub fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '】' | '》' | '〉' | '〕' | '"' | '\''
    )
}

/// Punctuation that separates clauses inside a sentence.
pub fn is_clause_separator(c: char) -> bool {
    matches!(c, '，' | '；' | '：' | ',' | ';' | ':')
}

/// Chinese numerals used in list markers (一是, 一、, （一）).
pub fn is_chinese_digit(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

/// Full-width characters that normalization maps to ASCII: digits, Latin
/// letters and the percent sign. Returns the ASCII replacement.
pub fn fold_width(c: char) -> Option<char> {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '％' | '．' => {
            char::from_u32(c as u32 - 0xFEE0)
        }
        _ => None,
    }
}

/// ASCII word characters: a space between two of them is kept.
pub fn is_ascii_word(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_folding() {
        assert_eq!(fold_width('５'), Some('5'));
        assert_eq!(fold_width('％'), Some('%'));
        assert_eq!(fold_width('Ｇ'), Some('G'));
        assert_eq!(fold_width('，'), None);
    }

    #[test]
    fn classes() {
        assert!(is_han('临'));
        assert!(is_han('〇'));
        assert!(!is_han('，'));
        assert!(is_cjk_punct('，'));
        assert!(is_cjk_punct('“'));
        assert!(is_cjk('【'));
        assert!(!is_cjk('a'));
    }
}
