//! Every kind renders in both languages; the content, escaping, headers and links are right.

use super::*;
use crate::domain::RejectCode;
use chrono::{Duration, TimeZone};

fn sample(kind: MailKind) -> Mail {
    match kind {
        MailKind::OrganizationVerified => Mail::OrganizationVerified(OrganizationMail {
            organization_id: 3,
            name: "绵阳精密机械有限公司".into(),
        }),
        MailKind::OrganizationRejected => Mail::OrganizationRejected(OrganizationRejectedMail {
            organization_id: 3,
            name: "绵阳精密机械有限公司".into(),
            reason_code: crate::domain::OrgRejectCode::NameMismatch,
            note: Some("请上传营业执照".into()),
        }),
        MailKind::PostingApproved => Mail::PostingApproved(PostingMail {
            posting_id: 7,
            kind: PostingKind::Need,
            title: "设备更新贷款 500万".into(),
        }),
        MailKind::PostingRejected => Mail::PostingRejected(PostingRejectedMail {
            posting_id: 7,
            kind: PostingKind::Offer,
            title: "设备贷".into(),
            reason_code: RejectCode::Duplicate,
            note: None,
        }),
        MailKind::NewMatches => Mail::NewMatches(NewMatchesMail {
            posting_id: 7,
            kind: PostingKind::Need,
            title: "设备更新贷款 500万".into(),
            digest: false,
            matches: vec![MatchItem {
                match_id: 1,
                counterpart_kind: PostingKind::Offer,
                counterpart_id: 9,
                counterpart_title: "科技型中小企业设备贷".into(),
                organization_name: "四川省中小企业融资担保公司".into(),
                score: 0.873,
                reasons_zh: vec![
                    "金额 500万 在产品额度 100万–2000万 之内".into(),
                    "服务区域包含 成都".into(),
                ],
                reasons_en: vec![
                    "the amount 5M is within 1M–20M".into(),
                    "serves Chengdu".into(),
                ],
            }],
        }),
        MailKind::MatchInterest => Mail::MatchInterest(MatchInterestMail {
            match_id: 1,
            need_id: 7,
            need_title: "设备更新贷款".into(),
            offer_id: 9,
            offer_title: "设备贷".into(),
            from_organization: "四川省中小企业融资担保公司".into(),
            note: None,
        }),
        MailKind::MatchConnected => Mail::MatchConnected(MatchConnectedMail {
            match_id: 1,
            need_title: "设备更新贷款".into(),
            offer_title: "设备贷".into(),
            note: Some("我行可在两周内完成授信审批".into()),
            own_path: Some("/needs/7#matches".into()),
            counterpart: Counterpart {
                organization_name: "担保公司".into(),
                contact_name: Some("李娜".into()),
                contact_phone: Some("028-88888888".into()),
                contact_email: None,
            },
        }),
        MailKind::Escalation => Mail::Escalation(EscalationMail {
            posting_id: 7,
            title: "招聘数控车工 10 名".into(),
            park_name: Some("成都高新技术产业开发区".into()),
            organization_name: "绵阳精密机械有限公司".into(),
            published_at: Some(Utc.with_ymd_and_hms(2026, 11, 1, 2, 0, 0).unwrap()),
            days: 6,
        }),
        MailKind::SavedSearchDigest => Mail::SavedSearchDigest(SavedSearchDigestMail {
            saved_search_id: 4,
            name: "设备贷款".into(),
            items: vec![DigestItem {
                kind: PostingKind::Offer,
                id: 9,
                title: "科技型中小企业设备贷".into(),
                organization_name: "担保公司".into(),
            }],
        }),
        MailKind::PasswordReset => Mail::PasswordReset(PasswordResetMail {
            reset_url: "https://pb.example/reset-password?token=abc".into(),
            expires_minutes: 60,
        }),
        MailKind::EmailConfirmation => Mail::EmailConfirmation(EmailConfirmationMail {
            confirm_url: "https://pb.example/confirm-email?token=abc".into(),
        }),
        MailKind::Invitation => Mail::Invitation(InvitationMail {
            organization_name: "绵阳精密机械有限公司".into(),
            inviter_name: "李娜".into(),
            accept_url: "https://pb.example/invitation?token=abc".into(),
            expires_days: 7,
        }),
        MailKind::OutcomeReported => Mail::OutcomeReported(OutcomeReportedMail {
            match_id: 1,
            need_id: 7,
            need_title: "招聘数控车工 10 名".into(),
            offer_id: 9,
            offer_title: "园区专场招聘会".into(),
            recipient_kind: PostingKind::Need,
            from_organization: "德阳人力资源服务公司".into(),
            category: crate::domain::Category::Recruiting,
            grade: crate::domain::OutcomeGrade::Partial,
            achieved: Some(6),
            asked: Some(10),
            correction: false,
        }),
    }
}

fn row(mail: &Mail, lang: &str) -> OutboxRow {
    let now = Utc::now().naive_utc();
    let kind = mail.kind().as_str();
    OutboxRow {
        id: 1,
        kind: kind.into(),
        recipient_user_id: Some(5),
        recipient_email: "zhang.wei@example.cn".into(),
        lang: lang.into(),
        dedupe_key: format!("{kind}:x"),
        payload: mail.payload(),
        status: "pending".into(),
        attempts: 0,
        next_attempt_at: now,
        lease_until: None,
        last_error: None,
        message_id: "<k.1@parkbridge>".into(),
        created_at: now,
        sent_at: None,
    }
}

fn settings() -> Settings {
    let mut s = Settings::for_paths("sqlite://x", std::path::Path::new("/tmp"));
    s.public_url = "https://pb.example/".into();
    s
}

fn keys() -> TokenKeys {
    TokenKeys::new(&[7u8; 32], Duration::hours(1)).unwrap()
}

fn common(en: bool) -> Common {
    Common {
        en,
        base: "https://pb.example".into(),
        unsubscribe_url: None,
    }
}

#[test]
fn every_kind_renders_in_both_languages() {
    for kind in MailKind::ALL {
        let mail = sample(*kind);
        for en in [false, true] {
            let c = Common {
                unsubscribe_url: unsubscribe_url(
                    &mail,
                    Some(5),
                    en,
                    "https://pb.example",
                    &keys(),
                    Utc::now(),
                ),
                ..common(en)
            };
            let p = render_parts(&mail, &c).unwrap();
            assert!(
                !p.subject.is_empty() && !p.subject.contains('\n'),
                "{kind:?}"
            );
            for body in [&p.text, &p.html] {
                assert!(
                    !body.contains("{{") && !body.contains("{%"),
                    "{kind:?}: {body}"
                );
            }
            let han = p
                .subject
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            if en {
                assert!(
                    p.subject.starts_with("[parkbridge]"),
                    "{kind:?}: {}",
                    p.subject
                );
                assert!(p.text.contains("Hello"), "{kind:?}");
            } else {
                assert!(
                    han && p.subject.starts_with("【园企通】"),
                    "{kind:?}: {}",
                    p.subject
                );
                assert!(p.text.contains("您好"), "{kind:?}");
            }
            assert!(p.html.contains("<html"), "{kind:?}");
            let unsubscribable = matches!(
                kind,
                MailKind::NewMatches | MailKind::MatchInterest | MailKind::SavedSearchDigest
            );
            assert_eq!(
                p.text.contains("/unsubscribe?token="),
                unsubscribable,
                "{kind:?}"
            );
            assert_eq!(
                p.html.contains("/unsubscribe?token="),
                unsubscribable,
                "{kind:?}"
            );
        }
    }
}

#[test]
fn content_is_what_the_mail_says() {
    let p = render_parts(&sample(MailKind::NewMatches), &common(false)).unwrap();
    assert!(p.text.contains("匹配度 87%"), "{}", p.text);
    assert!(p
        .text
        .contains("金额 500万 在产品额度 100万–2000万 之内；服务区域包含 成都"));
    assert!(p.text.contains("https://pb.example/offers/9"));
    assert!(p.text.contains("https://pb.example/needs/7"));
    let p = render_parts(&sample(MailKind::PostingRejected), &common(false)).unwrap();
    assert!(p.text.contains("原因：重复发布"), "{}", p.text);
    assert!(!p.text.contains("说明"));
    let p = render_parts(&sample(MailKind::OrganizationRejected), &common(true)).unwrap();
    assert!(p
        .text
        .contains("Reason: the name does not match the business licence"));
    assert!(p.text.contains("Note: 请上传营业执照"));
    assert!(
        p.text.contains("https://pb.example/organization"),
        "{}",
        p.text
    );
    let p = render_parts(&sample(MailKind::Escalation), &common(false)).unwrap();
    assert!(
        p.text.contains("2026-11-01") && p.text.contains("6 天"),
        "{}",
        p.text
    );
}

#[test]
fn html_escapes_the_mails_text() {
    let mail = Mail::OrganizationVerified(OrganizationMail {
        organization_id: 1,
        name: "<script>alert(1)</script> & Co".into(),
    });
    let p = render_parts(&mail, &common(false)).unwrap();
    assert!(!p.html.contains("<script>"));
    assert!(
        p.html.contains("&#60;script&#62;") || p.html.contains("&lt;script&gt;"),
        "{}",
        p.html
    );
    // Plain text is not HTML: it keeps the characters as they are.
    assert!(p.text.contains("<script>alert(1)</script> & Co"));
}

#[test]
fn a_row_that_is_not_a_mail_is_a_permanent_failure() {
    let mut bad = row(&sample(MailKind::NewMatches), "zh-CN");
    bad.payload = r#"{"matches": "many"}"#.into();
    assert!(matches!(
        render(&bad, &settings(), &keys(), Utc::now()),
        Err(RenderError::Mail(MailError::Payload { .. }))
    ));
    bad.kind = "nope".into();
    assert!(matches!(
        render(&bad, &settings(), &keys(), Utc::now()),
        Err(RenderError::Mail(MailError::UnknownKind(_)))
    ));
}

#[test]
fn messages_carry_the_row_message_id_and_unsubscribe_headers() {
    let r = row(&sample(MailKind::NewMatches), "en");
    let msg = render(&r, &settings(), &keys(), Utc::now()).unwrap();
    let raw = String::from_utf8(msg.formatted()).unwrap();
    assert!(raw.contains("Message-ID: <k.1@parkbridge>"), "{raw}");
    assert!(
        raw.contains("List-Unsubscribe: <https://pb.example/unsubscribe?token="),
        "{raw}"
    );
    assert!(raw.contains("&lang=en>"), "{raw}");
    assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    assert!(raw.contains("multipart/alternative"));
    assert!(raw.contains("To: zhang.wei@example.cn"));
    let r = row(&sample(MailKind::PostingApproved), "zh-CN");
    let raw = String::from_utf8(
        render(&r, &settings(), &keys(), Utc::now())
            .unwrap()
            .formatted(),
    )
    .unwrap();
    assert!(!raw.contains("List-Unsubscribe"));
    let mut bad = row(&sample(MailKind::PostingApproved), "zh-CN");
    bad.recipient_email = "not an address".into();
    assert!(matches!(
        render(&bad, &settings(), &keys(), Utc::now()),
        Err(RenderError::Address(_))
    ));
}

#[test]
fn the_unsubscribe_link_names_the_topic() {
    let digest = sample(MailKind::SavedSearchDigest);
    let url = unsubscribe_url(
        &digest,
        Some(5),
        false,
        "https://pb.example",
        &keys(),
        Utc::now(),
    )
    .unwrap();
    let token = url.split("token=").nth(1).unwrap();
    assert_eq!(
        keys().verify_unsubscribe(token, Utc::now()),
        Some((5, "saved_search:4".to_string()))
    );
    let reset = sample(MailKind::PasswordReset);
    assert_eq!(
        unsubscribe_url(
            &reset,
            Some(5),
            false,
            "https://pb.example",
            &keys(),
            Utc::now()
        ),
        None
    );
}
