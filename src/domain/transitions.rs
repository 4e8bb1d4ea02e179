//! Who may move a posting or a match from which status to which: one table each. The services
//! apply a move with their `transition` helper, the pages ask the same table which buttons to
//! show.

use super::{MatchStatus, PostingAction, PostingStatus};

/// Who makes a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mover {
    /// The posting's own organisation.
    Owner,
    /// Who moderates the posting (see `Actor::moderates`).
    Moderator,
    /// A background job.
    System,
}

/// What can happen to a posting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostingMove {
    /// Change the content: a published posting goes back to review, a rejected one becomes a
    /// draft again.
    Edit,
    /// Change the content and send it for review (`"submit": true` with an edit).
    EditAndSubmit,
    Submit,
    Close,
    Approve,
    Reject,
    Expire,
}

use PostingMove::*;
use PostingStatus::*;

/// Every allowed move of a posting: (move, from, to).
const POSTING_MOVES: &[(PostingMove, PostingStatus, PostingStatus)] = &[
    (Edit, Draft, Draft),
    (Edit, PendingReview, PendingReview),
    (Edit, Published, PendingReview),
    (Edit, Rejected, Draft),
    (EditAndSubmit, Draft, PendingReview),
    (EditAndSubmit, PendingReview, PendingReview),
    (EditAndSubmit, Published, PendingReview),
    (EditAndSubmit, Rejected, PendingReview),
    (Submit, Draft, PendingReview),
    (Submit, Rejected, PendingReview),
    (Close, Draft, Closed),
    (Close, PendingReview, Closed),
    (Close, Published, Closed),
    (Close, Rejected, Closed),
    (Approve, PendingReview, Published),
    (Reject, PendingReview, Rejected),
    (Reject, Published, Rejected),
    (Expire, Published, Expired),
];

impl PostingMove {
    pub fn mover(self) -> Mover {
        match self {
            Edit | EditAndSubmit | Submit | Close => Mover::Owner,
            Approve | Reject => Mover::Moderator,
            Expire => Mover::System,
        }
    }

    /// Where a posting in `from` goes, or `None` when this move is not allowed from there.
    pub fn from(self, from: PostingStatus) -> Option<PostingStatus> {
        POSTING_MOVES
            .iter()
            .find(|(m, f, _)| *m == self && *f == from)
            .map(|(_, _, to)| *to)
    }

    /// What the posting's timeline calls the move.
    pub fn action(self) -> PostingAction {
        match self {
            Edit | EditAndSubmit => PostingAction::Edited,
            Submit => PostingAction::Submitted,
            Close => PostingAction::Closed,
            Approve => PostingAction::Approved,
            Reject => PostingAction::Rejected,
            Expire => PostingAction::Expired,
        }
    }

    /// Why the move is refused from a status it is not allowed from (中文, English).
    pub fn refusal(self) -> (&'static str, &'static str) {
        match self {
            Edit | EditAndSubmit => (
                "已关闭或已过期的发布不能修改，请重新发布",
                "a closed or expired posting cannot be edited: post a new one",
            ),
            Submit => (
                "只有草稿或被驳回的发布可以提交审核",
                "only a draft or a rejected posting can be submitted for review",
            ),
            Close => (
                "该发布已关闭或已过期",
                "this posting is already closed or expired",
            ),
            Approve => (
                "只有待审核的发布可以通过",
                "only a posting pending review can be approved",
            ),
            Reject => (
                "只有待审核或已发布的发布可以驳回",
                "only a posting pending review or published can be rejected",
            ),
            Expire => ("只有已发布的发布会过期", "only a published posting expires"),
        }
    }
}

/// What can happen to a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchMove {
    /// The SME's side says it is interested.
    SmeInterest,
    /// The provider's side says it is interested.
    ProviderInterest,
    Decline,
    Succeed,
    Fail,
}

/// Every allowed move of a match: (move, from, to). Interest in a connected match changes
/// nothing.
const MATCH_MOVES: &[(MatchMove, MatchStatus, MatchStatus)] = {
    use MatchMove::*;
    use MatchStatus::*;
    &[
        (SmeInterest, Suggested, SmeInterested),
        (SmeInterest, SmeInterested, SmeInterested),
        (SmeInterest, ProviderInterested, Connected),
        (SmeInterest, Connected, Connected),
        (ProviderInterest, Suggested, ProviderInterested),
        (ProviderInterest, ProviderInterested, ProviderInterested),
        (ProviderInterest, SmeInterested, Connected),
        (ProviderInterest, Connected, Connected),
        (Decline, Suggested, Declined),
        (Decline, SmeInterested, Declined),
        (Decline, ProviderInterested, Declined),
        (Decline, Connected, Declined),
        (Succeed, Connected, Succeeded),
        (Fail, Connected, Failed),
        // A reported outcome is corrected until the other side confirms it (the service checks
        // the confirmation).
        (Succeed, Succeeded, Succeeded),
        (Succeed, Failed, Succeeded),
        (Fail, Succeeded, Failed),
        (Fail, Failed, Failed),
    ]
};

impl MatchMove {
    /// Where a match in `from` goes, or `None` when this move is not allowed from there.
    pub fn from(self, from: MatchStatus) -> Option<MatchStatus> {
        MATCH_MOVES
            .iter()
            .find(|(m, f, _)| *m == self && *f == from)
            .map(|(_, _, to)| *to)
    }

    /// Why the move is refused from a status it is not allowed from (中文, English).
    pub fn refusal(self) -> (&'static str, &'static str) {
        match self {
            MatchMove::SmeInterest | MatchMove::ProviderInterest => (
                "该匹配已结束（已拒绝或已有结果）",
                "this match is over (declined or with an outcome)",
            ),
            MatchMove::Decline => ("该匹配已结束", "this match is already over"),
            MatchMove::Succeed | MatchMove::Fail => (
                "只有已对接的匹配可以报告结果",
                "an outcome can only be reported for a connected match",
            ),
        }
    }
}

impl MatchStatus {
    /// Still open: interest, a decline or (once connected) an outcome may follow.
    pub fn is_open(self) -> bool {
        MatchMove::Decline.from(self).is_some()
    }

    /// Contacts are revealed: both sides said yes.
    pub fn is_connected(self) -> bool {
        matches!(
            self,
            MatchStatus::Connected | MatchStatus::Succeeded | MatchStatus::Failed
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_posting_moves_as_the_design_says() {
        assert_eq!(Submit.from(Draft), Some(PendingReview));
        assert_eq!(Approve.from(PendingReview), Some(Published));
        assert_eq!(Approve.from(Draft), None);
        assert_eq!(Edit.from(Published), Some(PendingReview));
        assert_eq!(Edit.from(Rejected), Some(Draft));
        assert_eq!(EditAndSubmit.from(Rejected), Some(PendingReview));
        assert_eq!(Edit.from(Closed), None);
        assert_eq!(Close.from(Expired), None);
        assert_eq!(Expire.from(Published), Some(Expired));
        // Nothing leaves a closed or expired posting.
        for m in [Edit, EditAndSubmit, Submit, Close, Approve, Reject, Expire] {
            assert_eq!(m.from(Closed), None, "{m:?}");
            assert_eq!(m.from(Expired), None, "{m:?}");
        }
    }

    #[test]
    fn both_sides_interested_connect_and_only_a_connected_match_has_an_outcome() {
        use MatchStatus as S;
        assert_eq!(
            MatchMove::SmeInterest.from(S::ProviderInterested),
            Some(S::Connected)
        );
        assert_eq!(
            MatchMove::ProviderInterest.from(S::Suggested),
            Some(S::ProviderInterested)
        );
        assert_eq!(MatchMove::Succeed.from(S::SmeInterested), None);
        assert_eq!(MatchMove::Decline.from(S::Succeeded), None);
        assert!(S::Connected.is_open() && !S::Declined.is_open());
    }
}
