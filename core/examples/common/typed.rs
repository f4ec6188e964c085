//! What the search benchmarks type, the same on a library (`bench_catalog`) and on a team
//! server (`bench_server`), so that their figures in one run compare. Each list is eight
//! searches, taken in turn.

pub const ONE_LETTER: &[&str] = &["b", "c", "m", "s", "v", "g", "l", "p"];
pub const TWO_LETTERS: &[&str] = &["bl", "ce", "mu", "st", "va", "go", "li", "po"];
pub const THREE_LETTERS: &[&str] = &["blu", "cer", "mug", "str", "vas", "gol", "lin", "por"];
pub const FIVE_LETTERS: &[&str] = &[
    "rusti", "ceram", "candl", "strip", "vinta", "golde", "linen", "porce",
];
pub const TWO_WORDS: &[&str] = &[
    "blue mu", "oak tr", "silk sc", "glass va", "wool bl", "steel la", "linen ap", "jug 4",
];
