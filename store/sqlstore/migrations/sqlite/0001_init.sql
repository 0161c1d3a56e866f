-- Initial schema (SQLite): JSON as TEXT, times as fixed-width UTC text (YYYY-MM-DDTHH:MM:SS.ffffffZ).

CREATE TABLE runs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    summary     TEXT
);
CREATE INDEX runs_started_at ON runs (started_at, id);

CREATE TABLE staged (
    run    TEXT NOT NULL,
    kind   TEXT NOT NULL,
    source TEXT NOT NULL,
    id     TEXT NOT NULL,
    data   TEXT NOT NULL,
    PRIMARY KEY (run, kind, source, id)
);

CREATE TABLE customers (
    source   TEXT NOT NULL,
    id       TEXT NOT NULL,
    last_run TEXT NOT NULL,
    data     TEXT NOT NULL,
    PRIMARY KEY (source, id)
);
CREATE INDEX customers_last_run ON customers (last_run, source, id);

CREATE TABLE orders (
    source      TEXT NOT NULL,
    id          TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    email       TEXT NOT NULL,
    last_run    TEXT NOT NULL,
    data        TEXT NOT NULL,
    PRIMARY KEY (source, id)
);
CREATE INDEX orders_customer ON orders (source, customer_id);
CREATE INDEX orders_email ON orders (email);
CREATE INDEX orders_last_run ON orders (last_run);

CREATE TABLE engagements (
    source   TEXT NOT NULL,
    id       TEXT NOT NULL,
    last_run TEXT NOT NULL,
    data     TEXT NOT NULL,
    PRIMARY KEY (source, id)
);
CREATE INDEX engagements_last_run ON engagements (last_run);

CREATE TABLE quarantine (
    run     TEXT NOT NULL,
    source  TEXT NOT NULL,
    id      TEXT NOT NULL,
    kind    TEXT NOT NULL,
    reasons TEXT NOT NULL,
    record  BLOB,
    at      TEXT NOT NULL,
    PRIMARY KEY (run, source, id, kind)
);

CREATE TABLE watermarks (
    source     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    value      TEXT,
    run        TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (source, kind)
);

CREATE TABLE profiles (
    id      TEXT PRIMARY KEY,
    golden  TEXT NOT NULL,
    lineage TEXT,
    members INTEGER NOT NULL,
    run     TEXT NOT NULL
);

CREATE TABLE links (
    source     TEXT NOT NULL,
    id         TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    evidence   TEXT,
    run        TEXT NOT NULL,
    PRIMARY KEY (source, id)
);
CREATE INDEX links_profile ON links (profile_id, source, id);

CREATE TABLE merges (
    run     TEXT NOT NULL,
    from_id TEXT NOT NULL,
    into_id TEXT NOT NULL,
    reason  TEXT NOT NULL,
    at      TEXT NOT NULL,
    PRIMARY KEY (run, from_id, into_id)
);
CREATE INDEX merges_from ON merges (from_id);
CREATE INDEX merges_into ON merges (into_id);

CREATE TABLE segment_runs (
    segment TEXT NOT NULL,
    run     TEXT NOT NULL,
    members INTEGER NOT NULL,
    at      TEXT NOT NULL,
    PRIMARY KEY (segment, run)
);

CREATE TABLE segment_members (
    segment    TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    PRIMARY KEY (segment, profile_id)
);

CREATE TABLE segment_changes (
    run        TEXT NOT NULL,
    segment    TEXT NOT NULL,
    op         TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    PRIMARY KEY (run, segment, op, profile_id)
);

CREATE TABLE deliveries (
    destination TEXT NOT NULL,
    run         TEXT NOT NULL,
    op          TEXT NOT NULL,
    profile_id  TEXT NOT NULL,
    batch_key   TEXT NOT NULL,
    status      TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    reason      TEXT NOT NULL,
    attempts    INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (destination, run, op, profile_id)
);
CREATE INDEX deliveries_run ON deliveries (run);
CREATE INDEX deliveries_profile ON deliveries (profile_id);
CREATE INDEX deliveries_status ON deliveries (status);

CREATE TABLE destination_members (
    destination TEXT NOT NULL,
    profile_id  TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    run         TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (destination, profile_id)
);

CREATE TABLE meta (
    key        TEXT PRIMARY KEY,
    value      BLOB NOT NULL,
    updated_at TEXT NOT NULL
);
