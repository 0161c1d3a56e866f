-- Erasure requests (GDPR Art. 17, CCPA delete): the identifiers asked for are kept only until the
-- erasure is done; what remains is the request, its receipts and keyed hashes (suppressions) that
-- stop a later import of the same person.
CREATE TABLE erasures (
    id           TEXT PRIMARY KEY,
    reason       TEXT NOT NULL,
    status       TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    deadline     TEXT NOT NULL,
    finished_at  TEXT,
    subject      TEXT,
    keys         TEXT NOT NULL,
    receipts     TEXT NOT NULL
);
CREATE TABLE suppressions (
    key     TEXT PRIMARY KEY,
    erasure TEXT NOT NULL,
    at      TEXT NOT NULL
);
