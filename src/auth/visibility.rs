//! Who may read published needs, decided here once for every path: need lists and pages,
//! search results and their facet counts, saved searches and their digests, and match mail.
//! A need says how much a company wants to borrow, against what and at what rate: it is for
//! the platform companies that could serve it and for the administrators, not for other SMEs.

use super::Actor;
use crate::domain::{OrgKind, OrgStatus, Role};

/// The published needs of *other* organisations a caller may read. An organisation's own needs
/// are always readable by its users, whatever the audience says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NeedAudience {
    /// None: anonymous visitors, SMEs, and providers that are not (or no longer) verified.
    OwnOnly,
    /// The needs of one park: that park's administrators.
    Park(i64),
    /// Every published need: users of verified platform companies, platform administrators.
    All,
}

impl NeedAudience {
    pub fn of(actor: Option<&Actor>) -> NeedAudience {
        actor.map_or(NeedAudience::OwnOnly, Actor::need_audience)
    }

    /// Whether any need of another organisation is readable at all (lists, `type=need`
    /// searches and saved searches are refused otherwise).
    pub fn reads_others(self) -> bool {
        self != NeedAudience::OwnOnly
    }

    /// Whether a published need in `park_id` of another organisation is readable.
    pub fn admits(self, park_id: Option<i64>) -> bool {
        match self {
            NeedAudience::All => true,
            NeedAudience::Park(p) => park_id == Some(p),
            NeedAudience::OwnOnly => false,
        }
    }

    /// Why a caller is refused, for the 403.
    pub const REFUSAL: &'static str =
        "published needs are visible to users of verified platform companies and to administrators";
}

impl Actor {
    pub fn need_audience(&self) -> NeedAudience {
        match self.role {
            Role::PlatformAdmin => NeedAudience::All,
            Role::ParkAdmin => self
                .park_id
                .map_or(NeedAudience::OwnOnly, NeedAudience::Park),
            Role::Provider
                if self.org_kind == Some(OrgKind::Provider)
                    && self.org_status == Some(OrgStatus::Verified) =>
            {
                NeedAudience::All
            }
            Role::Provider | Role::Sme => NeedAudience::OwnOnly,
        }
    }

    /// May this caller read a published need of organisation `org_id`, in `park_id`?
    pub fn may_read_need(&self, org_id: i64, park_id: Option<i64>) -> bool {
        self.owns_org(org_id) || self.need_audience().admits(park_id)
    }

    /// Matches (with the other side's contact, once connected) are read by the two sides only
    /// while their organisation is verified, and by administrators.
    pub fn reads_matches(&self) -> bool {
        self.is_admin() || self.org_status == Some(OrgStatus::Verified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, org: Option<(OrgKind, OrgStatus)>, park_id: Option<i64>) -> Actor {
        Actor {
            user_id: 1,
            role,
            organization_id: org.map(|_| 7),
            org_kind: org.map(|o| o.0),
            org_status: org.map(|o| o.1),
            park_id,
        }
    }

    #[test]
    fn only_verified_providers_and_admins_read_other_organisations_needs() {
        use OrgKind::*;
        use OrgStatus::*;
        let cases = [
            (
                actor(Role::Sme, Some((Sme, Verified)), None),
                NeedAudience::OwnOnly,
            ),
            (
                actor(Role::Sme, Some((Sme, Pending)), None),
                NeedAudience::OwnOnly,
            ),
            (
                actor(Role::Provider, Some((Provider, Verified)), None),
                NeedAudience::All,
            ),
            (
                actor(Role::Provider, Some((Provider, Pending)), None),
                NeedAudience::OwnOnly,
            ),
            (
                actor(Role::Provider, Some((Provider, Rejected)), None),
                NeedAudience::OwnOnly,
            ),
            (actor(Role::ParkAdmin, None, Some(3)), NeedAudience::Park(3)),
            (actor(Role::PlatformAdmin, None, None), NeedAudience::All),
        ];
        for (a, expected) in cases {
            assert_eq!(a.need_audience(), expected, "{a:?}");
        }
        assert_eq!(NeedAudience::of(None), NeedAudience::OwnOnly);
        let sme = actor(Role::Sme, Some((Sme, Verified)), None);
        assert!(sme.may_read_need(7, Some(1)), "its own need");
        assert!(!sme.may_read_need(8, Some(1)), "another SME's need");
        let park = actor(Role::ParkAdmin, None, Some(3));
        assert!(park.may_read_need(8, Some(3)));
        assert!(!park.may_read_need(8, Some(4)));
        assert!(!park.may_read_need(8, None));
    }
}
