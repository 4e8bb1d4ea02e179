// The one schema both backends share (migrations/sqlite and migrations/postgres agree on it).

diesel::table! {
    parks (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        city_code -> Text,
        level -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organizations (id) {
        id -> BigInt,
        kind -> Text,
        name -> Text,
        uscc -> Text,
        park_id -> Nullable<BigInt>,
        industry -> Text,
        size -> Text,
        employees -> Nullable<Integer>,
        contact_name -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        status -> Text,
        reject_code -> Nullable<Text>,
        reject_note -> Nullable<Text>,
        verified_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        phone -> Nullable<Text>,
        role -> Text,
        organization_id -> Nullable<BigInt>,
        park_id -> Nullable<BigInt>,
        token_version -> Integer,
        status -> Text,
        lang -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        email_confirmed_at -> Nullable<Timestamp>,
        org_role -> Nullable<Text>,
    }
}

diesel::table! {
    postings (id) {
        id -> BigInt,
        kind -> Text,
        organization_id -> BigInt,
        park_id -> Nullable<BigInt>,
        city_code -> Nullable<Text>,
        category -> Text,
        title -> Text,
        description -> Text,
        details -> Text,
        regions -> Text,
        industries -> Text,
        sizes -> Text,
        amount_yuan -> Nullable<BigInt>,
        amount_min_yuan -> Nullable<BigInt>,
        amount_max_yuan -> Nullable<BigInt>,
        status -> Text,
        reject_code -> Nullable<Text>,
        reject_note -> Nullable<Text>,
        expires_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        escalated_at -> Nullable<Timestamp>,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    posting_events (id) {
        id -> BigInt,
        posting_id -> BigInt,
        actor_user_id -> Nullable<BigInt>,
        action -> Text,
        status -> Text,
        reason_code -> Nullable<Text>,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    matches (id) {
        id -> BigInt,
        need_id -> BigInt,
        offer_id -> BigInt,
        score -> Double,
        reasons -> Text,
        status -> Text,
        sme_interested_at -> Nullable<Timestamp>,
        provider_interested_at -> Nullable<Timestamp>,
        connected_at -> Nullable<Timestamp>,
        decline_code -> Nullable<Text>,
        decline_note -> Nullable<Text>,
        declined_by -> Nullable<BigInt>,
        outcome_result -> Nullable<Text>,
        outcome_amount_yuan -> Nullable<BigInt>,
        outcome_hires -> Nullable<Integer>,
        outcome_trainees -> Nullable<Integer>,
        outcome_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        outcome_grade -> Nullable<Text>,
        outcome_asked -> Nullable<BigInt>,
        outcome_reported_by -> Nullable<BigInt>,
        outcome_reported_side -> Nullable<Text>,
        outcome_confirmed_at -> Nullable<Timestamp>,
        outcome_confirmed_by -> Nullable<BigInt>,
        outcome_disputed_at -> Nullable<Timestamp>,
        outcome_dispute_note -> Nullable<Text>,
        sme_note -> Nullable<Text>,
        provider_note -> Nullable<Text>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        actor_user_id -> Nullable<BigInt>,
        actor_role -> Text,
        action -> Text,
        target_type -> Text,
        target_id -> BigInt,
        park_id -> Nullable<BigInt>,
        reason_code -> Nullable<Text>,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        kind -> Text,
        recipient_user_id -> Nullable<BigInt>,
        recipient_email -> Text,
        lang -> Text,
        dedupe_key -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        message_id -> Text,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    change_feed (id) {
        id -> BigInt,
        posting_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    saved_searches (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        query -> Text,
        frequency -> Text,
        last_run_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notification_settings (user_id) {
        user_id -> BigInt,
        match_emails -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    match_queue (id) {
        id -> BigInt,
        posting_id -> BigInt,
        enqueued_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        attempts -> Integer,
    }
}

diesel::table! {
    password_resets (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    saved_search_hits (saved_search_id, posting_id) {
        saved_search_id -> BigInt,
        posting_id -> BigInt,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    revoked_tokens (jti) {
        jti -> Text,
        user_id -> BigInt,
        expires_at -> Timestamp,
        revoked_at -> Timestamp,
    }
}

diesel::table! {
    throttle_counters (key) {
        key -> Text,
        hits -> BigInt,
        window_end -> Timestamp,
    }
}

diesel::joinable!(organizations -> parks (park_id));
diesel::joinable!(users -> organizations (organization_id));
diesel::joinable!(postings -> organizations (organization_id));
diesel::joinable!(posting_events -> postings (posting_id));
diesel::joinable!(saved_searches -> users (user_id));
diesel::joinable!(notification_settings -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    parks,
    organizations,
    users,
    postings,
    posting_events,
    matches,
    audit_log,
    outbox,
    change_feed,
    saved_searches,
    notification_settings,
    match_queue,
    password_resets,
    saved_search_hits,
    revoked_tokens,
    throttle_counters,
);

diesel::table! {
    synonym_groups (id) {
        id -> BigInt,
        terms -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    vocabulary_version (id) {
        id -> BigInt,
        version -> BigInt,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    invitations (id) {
        id -> BigInt,
        organization_id -> BigInt,
        email -> Text,
        token_hash -> Text,
        invited_by -> BigInt,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        accepted_user_id -> Nullable<BigInt>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}
