//! Permission rules that read who the caller is. They belong with `Actor` in `src/auth`; they
//! live here while other work changes `src/auth` (issue 11, round 2, moves them there). An
//! `impl Actor` block may sit in any module of the crate, so callers write `actor.moderates(..)`
//! wherever it lives.

use crate::auth::Actor;
use crate::domain::PostingKind;

impl Actor {
    /// Whether this caller moderates a posting of `kind` in `park_id`: platform administrators
    /// moderate every posting, park administrators the needs of their own park (DESIGN.md:
    /// "park_admin (own park's needs), platform_admin (all)"). The service checks it before
    /// approving or rejecting, and the pages before showing the buttons.
    pub fn moderates(&self, kind: PostingKind, park_id: Option<i64>) -> bool {
        match kind {
            PostingKind::Need => self.moderates_park(park_id),
            PostingKind::Offer => self.is_platform_admin(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::auth::Actor;
    use crate::domain::{PostingKind, Role};

    fn admin(role: Role, park_id: Option<i64>) -> Actor {
        Actor {
            user_id: 1,
            role,
            organization_id: None,
            org_kind: None,
            org_status: None,
            park_id,
        }
    }

    #[test]
    fn park_admins_moderate_their_parks_needs_and_platform_admins_everything() {
        let park = admin(Role::ParkAdmin, Some(3));
        assert!(park.moderates(PostingKind::Need, Some(3)));
        assert!(!park.moderates(PostingKind::Need, Some(4)));
        assert!(!park.moderates(PostingKind::Need, None));
        assert!(!park.moderates(PostingKind::Offer, Some(3)));
        let platform = admin(Role::PlatformAdmin, None);
        assert!(platform.moderates(PostingKind::Offer, None));
        assert!(platform.moderates(PostingKind::Need, Some(4)));
        assert!(!admin(Role::Sme, Some(3)).moderates(PostingKind::Need, Some(3)));
    }
}
