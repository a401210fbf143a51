//! Unit tests of the composer over the embedded table.

use super::*;

/// A composer that has been typed `keys` (each must be accepted).
fn typed(keys: &str) -> Composer {
    let mut c = Composer::new();
    for k in keys.chars() {
        assert!(c.push(k), "refused {k:?} in {keys:?}");
    }
    c
}

/// The position of `text` among the first `within` candidates of `keys`.
fn rank(keys: &str, text: &str, within: usize) -> Option<usize> {
    typed(keys)
        .candidates(0, within)
        .iter()
        .position(|c| c == text)
}

#[track_caller]
fn assert_within(keys: &str, text: &str, within: usize) {
    let c = typed(keys);
    assert!(
        rank(keys, text, within).is_some(),
        "{text} not in the first {within} for {keys:?}: {:?}",
        c.candidates(0, within)
    );
}

#[test]
fn embedded_table_parses_with_sane_counts() {
    let table = &*TABLE;
    // The ~410 syllables of Mandarin that a keyboard types (interjections m, n, ng left out).
    assert!(
        (390..=420).contains(&table.syllables.len()),
        "{} syllables",
        table.syllables.len()
    );
    // Every GB2312 character (6763) and the rest pypinyin knows: over 41,000 characters, some
    // under several readings.
    assert!(table.char_entries() > 41_000, "{}", table.char_entries());
    assert!(
        (11_000..=25_000).contains(&table.words.len()),
        "{} words",
        table.words.len()
    );
    // Nothing in the file was skipped: every data line parsed into an entry.
    let mut section = "";
    let mut word_lines = 0;
    let mut syllable_lines = 0;
    for line in table::EMBEDDED.lines() {
        match line {
            "[chars]" | "[words]" => section = line,
            l if l.starts_with('#') || l.is_empty() => {}
            _ if section == "[words]" => word_lines += 1,
            _ => syllable_lines += 1,
        }
    }
    assert_eq!(word_lines, table.words.len());
    assert_eq!(syllable_lines, table.syllables.len());
    assert!(table.chars.iter().all(|c| !c.is_empty()));
    assert!(
        table
            .chars
            .iter()
            .flatten()
            .all(|e| e.text.chars().count() == 1)
    );
    // The words are most frequent first, so 的-level words lead: 我们 comes before 海淀.
    let position = |w: &str| table.words.iter().position(|x| x.text == w);
    assert!(position("我们") < position("海淀"));
    assert!(position("海淀").is_some());
}

#[test]
fn segmentation_prefers_fewest_syllables() {
    assert_eq!(typed("chaoyang").preedit(), "chao'yang");
    assert_eq!(typed("beijing").preedit(), "bei'jing");
    assert_eq!(typed("xian").preedit(), "xian");
    assert_eq!(typed("xiaoqu").preedit(), "xiao'qu");
    assert_eq!(typed("danyuan").preedit(), "dan'yuan");
    assert_eq!(typed("zhongguoren").preedit(), "zhong'guo'ren");
    // Ties go to the longer first syllable.
    assert_eq!(typed("gangao").preedit(), "gang'ao");
    // The apostrophe forces a cut, and a trailing one is shown.
    assert_eq!(typed("xi'an").preedit(), "xi'an");
    assert_eq!(typed("xi'").preedit(), "xi'");
    assert_eq!(typed("fang'an").preedit(), "fang'an");
}

#[test]
fn incomplete_syllables_match_as_prefixes() {
    assert_eq!(typed("zh").preedit(), "zh");
    assert_eq!(typed("beij").preedit(), "bei'j");
    assert_eq!(typed("bj").preedit(), "b'j");
    assert_eq!(rank("beij", "北京", 1), Some(0));
    assert_eq!(rank("bj", "北京", 1), Some(0));
    assert_within("zh", "中", 5);
    // Every candidate of "zh" is a character read zh-something.
    let c = typed("zh");
    assert!(c.candidate_count() > 1000);
    // A complete last syllable also stands for the longer ones it begins, after its own.
    assert_within("beijin", "北京", 5);
    let xian = typed("xian").candidates(0, usize::MAX);
    let first_xiang = xian.iter().position(|c| c == "想");
    let last_xian = xian.iter().position(|c| c == "先");
    assert!(last_xian < first_xiang, "先 before 想: {xian:?}");
}

#[test]
fn v_is_u_umlaut() {
    assert_within("lv", "绿", 5);
    assert_within("lvse", "绿色", 1);
    assert_within("nv", "女", 3);
    // "lue" is accepted for lüe as well as "lve".
    assert_within("lve", "略", 3);
    assert_within("lue", "略", 3);
}

#[test]
fn place_words() {
    assert_eq!(rank("beijing", "北京", 1), Some(0));
    assert_within("chaoyang", "朝阳", 3);
    assert_within("haidian", "海淀", 3);
    assert_within("xiaoqu", "小区", 3);
    assert_within("danyuan", "单元", 3);
    assert_within("lou", "楼", 3);
    assert_within("chaoyangqu", "朝阳区", 3);
    assert_within("zhongguancun", "中关村", 1);
    // The courier's and the hall's own words.
    assert_within("kuaidi", "快递", 1);
    assert_within("shoujianren", "收件人", 1);
    assert_within("dizhi", "地址", 1);
    assert_within("shenfenzheng", "身份证", 1);
}

#[test]
fn surnames() {
    assert_within("zhang", "张", 3);
    assert_within("wang", "王", 3);
    assert_within("li", "李", 5);
    assert_within("chen", "陈", 3);
    assert_within("liu", "刘", 3);
}

#[test]
fn groups_come_in_order() {
    // Whole-input words, then words over a leading part (longest first), then characters.
    let c = typed("beijingdaxue");
    let all = c.candidates(0, usize::MAX);
    let position = |t: &str| all.iter().position(|c| c == t);
    assert_eq!(c.preedit(), "bei'jing'da'xue");
    let full = position("北京大学").expect("北京大学");
    let two = position("北京").expect("北京");
    let one = position("北").expect("北");
    assert!(full < two && two < one, "{all:?}");
    assert!(all.iter().take(two).all(|c| c.chars().count() >= 2));
    // After the words only characters.
    let first_char = all
        .iter()
        .position(|c| c.chars().count() == 1)
        .expect("chars");
    assert!(all.iter().skip(first_char).all(|c| c.chars().count() == 1));
}

#[test]
fn choose_consumes_the_syllables_it_covers() {
    let mut c = typed("beijingchaoyang");
    assert_eq!(c.preedit(), "bei'jing'chao'yang");
    let index = c.candidates(0, 50).iter().position(|t| t == "北京");
    let index = index.expect("北京 offered");
    assert_eq!(c.choose(index).as_deref(), Some("北京"));
    assert_eq!(c.preedit(), "chao'yang");
    let index = c.candidates(0, 3).iter().position(|t| t == "朝阳");
    assert_eq!(c.choose(index.expect("朝阳")).as_deref(), Some("朝阳"));
    assert!(c.is_empty());
    assert_eq!(c.candidate_count(), 0);
    assert_eq!(c.preedit(), "");

    // A single character consumes one syllable; the apostrophe after it goes too.
    let mut c = typed("xi'an");
    let xi = c
        .candidates(0, 100)
        .iter()
        .position(|t| t == "西")
        .expect("西");
    assert_eq!(c.choose(xi).as_deref(), Some("西"));
    assert_eq!(c.preedit(), "an");
    assert_within("an", "安", 3);

    // Out of range: nothing happens.
    let mut c = typed("lou");
    let n = c.candidate_count();
    assert_eq!(c.choose(n), None);
    assert_eq!(c.preedit(), "lou");
    assert_eq!(Composer::new().choose(0), None);
}

#[test]
fn paging() {
    let c = typed("yan");
    let n = c.candidate_count();
    assert!(n > 300, "{n}");
    let all = c.candidates(0, n);
    assert_eq!(all.len(), n);
    let mut paged = Vec::new();
    let mut offset = 0;
    loop {
        let page = c.candidates(offset, 9);
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 9);
        offset += page.len();
        paged.extend(page);
    }
    assert_eq!(paged, all);
    assert!(c.candidates(n, 10).is_empty());
    assert!(c.candidates(usize::MAX, 10).is_empty());
    assert!(c.candidates(0, 0).is_empty());
    // Each text once.
    let unique: std::collections::HashSet<_> = all.iter().collect();
    assert_eq!(unique.len(), all.len());
}

#[test]
fn rare_name_characters_are_reachable_by_paging() {
    // 䶮 (U+4DAE, CJK extension A), in a well-known name: past the common characters of yan.
    assert!(
        typed("yan")
            .candidates(0, usize::MAX)
            .iter()
            .any(|c| c == "䶮")
    );
    // An extension B character pypinyin knows: 𠀁 (U+20001) is read qi.
    assert!(
        typed("qi")
            .candidates(0, usize::MAX)
            .iter()
            .any(|c| c == "\u{20001}")
    );
    // 𠮷 (U+20BB7, the "tsuchi-yoshi" ji) is not in pypinyin 0.55.0's table, so not here.
    assert!(
        !typed("ji")
            .candidates(0, usize::MAX)
            .iter()
            .any(|c| c == "\u{20BB7}")
    );
}

#[test]
fn bad_keys_and_overlong_input_are_refused() {
    let mut c = Composer::new();
    for bad in ['A', 'Z', '1', ' ', '-', 'ü', '中', '\n', '\u{0}'] {
        assert!(!c.push(bad), "{bad:?} accepted");
    }
    // No leading or doubled apostrophe.
    assert!(!c.push('\''));
    assert!(c.is_empty());
    assert!(c.push('x'));
    assert!(c.push('\''));
    assert!(!c.push('\''));
    assert_eq!(c.preedit(), "x'");

    let mut c = Composer::new();
    for _ in 0..MAX_PINYIN_LEN {
        assert!(c.push('a'));
    }
    assert!(!c.push('a'));
    assert!(!c.push('\''));
    c.pop();
    assert!(c.push('b'));
}

#[test]
fn pop_and_clear() {
    let mut c = typed("beijing");
    c.pop();
    assert_eq!(c.preedit(), "bei'jin");
    for _ in 0..10 {
        c.pop();
    }
    assert!(c.is_empty());
    assert_eq!(c.candidate_count(), 0);
    assert_eq!(c.preedit(), "");
    let mut c = typed("haidian");
    c.clear();
    assert!(c.is_empty());
    assert!(c.candidates(0, 10).is_empty());
}

#[test]
fn letters_that_begin_no_syllable_are_offered_as_themselves() {
    let mut c = typed("v");
    assert_eq!(c.candidates(0, 10), vec!["v".to_string()]);
    assert_eq!(c.choose(0).as_deref(), Some("v"));
    assert!(c.is_empty());
    // "i" and "u" begin no syllable either; the rest is still cut.
    let c = typed("ibei");
    assert_eq!(c.preedit(), "i'bei");
}

proptest::proptest! {
    /// The packed key of a character candidate orders as the tuple it stands for: (tier,
    /// frequency descending, position, text), and gives back the character's code point.
    #[test]
    fn char_key_orders_as_the_tuple(
        a in (0u8..=255, 0u8..=255, 0usize..5_000_000, proptest::char::any()),
        b in (0u8..=255, 0u8..=255, 0usize..5_000_000, proptest::char::any()),
    ) {
        let text = |c: char| c.to_string();
        let (ta, tb) = (text(a.3), text(b.3));
        let ka = char_key(a.0, a.1, a.2, &ta).unwrap();
        let kb = char_key(b.0, b.1, b.2, &tb).unwrap();
        proptest::prop_assert_eq!(code_point(ka), u32::from(a.3));
        // Positions past 2^22 - 1 count as 2^22 - 1 (no syllable lists that many).
        let cap = |p: usize| p.min((1 << POSITION_BITS) - 1);
        let tuple = |t: &(u8, u8, usize, char), s: &str| {
            (t.0, std::cmp::Reverse(t.1), cap(t.2), s.to_owned())
        };
        proptest::prop_assert_eq!(ka.cmp(&kb), tuple(&a, &ta).cmp(&tuple(&b, &tb)));
    }
}

#[test]
fn char_key_refuses_anything_but_one_character() {
    assert_eq!(char_key(0, 0, 0, ""), None);
    assert_eq!(char_key(0, 0, 0, "北京"), None);
    assert!(char_key(0, 0, 0, "北").is_some());
}
