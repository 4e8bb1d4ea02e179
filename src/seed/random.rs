//! Picking at random by weight, the generator's one primitive beyond the rng.

use rand::rngs::StdRng;
use rand::Rng;

/// One of `items`, each as likely as its weight.
pub(super) fn weighted<'a, T>(
    rng: &mut StdRng,
    items: &'a [T],
    weight: impl Fn(&T) -> u32,
) -> &'a T {
    let total: u32 = items.iter().map(&weight).sum();
    let mut x = rng.random_range(0..total);
    for item in items {
        let w = weight(item);
        if x < w {
            return item;
        }
        x -= w;
    }
    &items[items.len() - 1]
}
