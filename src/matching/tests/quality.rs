//! The labelled matching set's floors: every labelled pair passes the hard rules, no unrelated
//! pair is mailed, and what must be suggested is.

use crate::matching::quality::{evaluate, needs, offers, summary};
use crate::search::vocabulary::Vocabulary;

#[test]
fn the_labelled_matching_set_holds_its_floors() {
    let keys: Vec<&str> = offers().iter().map(|o| o.key).collect();
    let needs = needs();
    assert!(needs.len() >= 40, "{}", needs.len());
    for n in &needs {
        for k in n.must.iter().chain(n.must_not) {
            assert!(keys.contains(k), "{}: no offer {k}", n.title);
        }
    }
    let f = evaluate(&Vocabulary::shipped());
    println!("{}", summary(&f));
    assert_eq!(f.ineligible, 0, "every labelled pair passes the hard rules");
    assert!(f.must_not >= 15, "{}", f.must_not);
    assert_eq!(f.unrelated_mailed, 0, "no unrelated pair is mailed");
    assert!(f.precision() >= 0.99, "{}", summary(&f));
    assert!(f.recall() >= 0.95, "{}", summary(&f));
    assert!(f.listed_precision() >= 0.9, "{}", summary(&f));
}
