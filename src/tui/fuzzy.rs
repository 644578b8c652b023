//! A fuzzy filter: the query's characters in order (case-insensitive), scored so that the query found whole,
//! consecutive matches, matches at word starts and shorter texts rank first.

/// The score of `text` for `query`, or `None` when the query's characters are not all in it in order.
pub fn score(query: &str, text: &str) -> Option<i64> {
    if query.is_empty() {
        return Some(0);
    }
    let mut score = 0i64;
    let mut previous_match: Option<usize> = None;
    let mut wanted = query.chars().flat_map(char::to_lowercase).peekable();
    let mut previous_char = ' ';
    for (index, c) in text.chars().enumerate() {
        let Some(&next) = wanted.peek() else {
            break;
        };
        if c.to_lowercase().eq(std::iter::once(next)) {
            score += 10;
            if previous_match.is_some_and(|p| p + 1 == index) {
                score += 15;
            }
            if !previous_char.is_alphanumeric()
                || (c.is_uppercase() && previous_char.is_lowercase())
            {
                score += 10;
            }
            previous_match = Some(index);
            wanted.next();
        }
        previous_char = c;
    }
    if wanted.peek().is_some() {
        return None;
    }
    // The greedy walk above takes the first place each character fits; a query found whole (`getpet` in
    // `getPet`) is the better reading, best of all at a word's start.
    let lower = text.to_lowercase();
    let whole = query.to_lowercase();
    if let Some(at) = lower.find(&whole) {
        let at_word = at == 0 || !lower[..at].ends_with(|c: char| c.is_alphanumeric());
        score += 100 + if at_word { 50 } else { 0 };
    }
    Some(score * 100 - text.chars().count() as i64)
}

/// Indexes of `texts` that match `query`, best first (ties keep their order).
pub fn filter<'a>(query: &str, texts: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let mut hits: Vec<(i64, usize)> = texts
        .enumerate()
        .filter_map(|(index, text)| score(query, text).map(|s| (s, index)))
        .collect();
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    hits.into_iter().map(|(_, index)| index).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_in_order_match_and_rank() {
        assert!(score("lp", "listPets").is_some());
        assert!(score("pl", "listPets").is_none());
        let texts = [
            "GET /pets/{petId} getPet",
            "GET /pets listPets",
            "DELETE /pets/{petId} deletePet",
        ];
        assert_eq!(filter("listpets", texts.iter().copied()), vec![1]);
        assert_eq!(filter("getpet", texts.iter().copied())[0], 0);
        assert_eq!(filter("", texts.iter().copied()), vec![0, 1, 2]);
    }
}
