-- Initial schema (PostgreSQL): JSON as JSON (validated, stored verbatim; unlike JSONB it accepts \u0000), raw bytes as BYTEA, times as TIMESTAMPTZ, keys in byte order (COLLATE "C").

CREATE TABLE runs (
    id          TEXT COLLATE "C" PRIMARY KEY,
    kind        TEXT COLLATE "C" NOT NULL,
    status      TEXT COLLATE "C" NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    summary     JSON
);
CREATE INDEX runs_started_at ON runs (started_at, id);

CREATE TABLE staged (
    run    TEXT COLLATE "C" NOT NULL,
    kind   TEXT COLLATE "C" NOT NULL,
    source TEXT COLLATE "C" NOT NULL,
    id     TEXT COLLATE "C" NOT NULL,
    data   JSON NOT NULL,
    PRIMARY KEY (run, kind, source, id)
);

CREATE TABLE customers (
    source   TEXT COLLATE "C" NOT NULL,
    id       TEXT COLLATE "C" NOT NULL,
    last_run TEXT COLLATE "C" NOT NULL,
    data     JSON NOT NULL,
    PRIMARY KEY (source, id)
);
CREATE INDEX customers_last_run ON customers (last_run, source, id);

CREATE TABLE orders (
    source      TEXT COLLATE "C" NOT NULL,
    id          TEXT COLLATE "C" NOT NULL,
    customer_id TEXT COLLATE "C" NOT NULL,
    email       TEXT COLLATE "C" NOT NULL,
    last_run    TEXT COLLATE "C" NOT NULL,
    data        JSON NOT NULL,
    PRIMARY KEY (source, id)
);
CREATE INDEX orders_customer ON orders (source, customer_id);
CREATE INDEX orders_email ON orders (email);
CREATE INDEX orders_last_run ON orders (last_run);

CREATE TABLE engagements (
    source   TEXT COLLATE "C" NOT NULL,
    id       TEXT COLLATE "C" NOT NULL,
    last_run TEXT COLLATE "C" NOT NULL,
    data     JSON NOT NULL,
    PRIMARY KEY (source, id)
);
CREATE INDEX engagements_last_run ON engagements (last_run);

CREATE TABLE quarantine (
    run     TEXT COLLATE "C" NOT NULL,
    source  TEXT COLLATE "C" NOT NULL,
    id      TEXT COLLATE "C" NOT NULL,
    kind    TEXT COLLATE "C" NOT NULL,
    reasons JSON NOT NULL,
    record  BYTEA,
    at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run, source, id, kind)
);

CREATE TABLE watermarks (
    source     TEXT COLLATE "C" NOT NULL,
    kind       TEXT COLLATE "C" NOT NULL,
    value      TIMESTAMPTZ,
    run        TEXT COLLATE "C" NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, kind)
);

CREATE TABLE profiles (
    id      TEXT COLLATE "C" PRIMARY KEY,
    golden  JSON NOT NULL,
    lineage JSON,
    members INTEGER NOT NULL,
    run     TEXT COLLATE "C" NOT NULL
);

CREATE TABLE links (
    source     TEXT COLLATE "C" NOT NULL,
    id         TEXT COLLATE "C" NOT NULL,
    profile_id TEXT COLLATE "C" NOT NULL,
    evidence   JSON,
    run        TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (source, id)
);
CREATE INDEX links_profile ON links (profile_id, source, id);

CREATE TABLE merges (
    run     TEXT COLLATE "C" NOT NULL,
    from_id TEXT COLLATE "C" NOT NULL,
    into_id TEXT COLLATE "C" NOT NULL,
    reason  TEXT COLLATE "C" NOT NULL,
    at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run, from_id, into_id)
);
CREATE INDEX merges_from ON merges (from_id);
CREATE INDEX merges_into ON merges (into_id);

CREATE TABLE segment_runs (
    segment TEXT COLLATE "C" NOT NULL,
    run     TEXT COLLATE "C" NOT NULL,
    members INTEGER NOT NULL,
    at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (segment, run)
);

CREATE TABLE segment_members (
    segment    TEXT COLLATE "C" NOT NULL,
    profile_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (segment, profile_id)
);

CREATE TABLE segment_changes (
    run        TEXT COLLATE "C" NOT NULL,
    segment    TEXT COLLATE "C" NOT NULL,
    op         TEXT COLLATE "C" NOT NULL,
    profile_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (run, segment, op, profile_id)
);

CREATE TABLE deliveries (
    destination TEXT COLLATE "C" NOT NULL,
    run         TEXT COLLATE "C" NOT NULL,
    op          TEXT COLLATE "C" NOT NULL,
    profile_id  TEXT COLLATE "C" NOT NULL,
    batch_key   TEXT COLLATE "C" NOT NULL,
    status      TEXT COLLATE "C" NOT NULL,
    provider_id TEXT COLLATE "C" NOT NULL,
    reason      TEXT COLLATE "C" NOT NULL,
    attempts    INTEGER NOT NULL,
    fingerprint TEXT COLLATE "C" NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (destination, run, op, profile_id)
);
CREATE INDEX deliveries_run ON deliveries (run);
CREATE INDEX deliveries_profile ON deliveries (profile_id);
CREATE INDEX deliveries_status ON deliveries (status);

CREATE TABLE destination_members (
    destination TEXT COLLATE "C" NOT NULL,
    profile_id  TEXT COLLATE "C" NOT NULL,
    fingerprint TEXT COLLATE "C" NOT NULL,
    run         TEXT COLLATE "C" NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (destination, profile_id)
);

CREATE TABLE meta (
    key        TEXT COLLATE "C" PRIMARY KEY,
    value      BYTEA NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
