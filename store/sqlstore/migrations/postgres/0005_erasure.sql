-- Erasure requests (GDPR Art. 17, CCPA delete): the identifiers asked for are kept only until the
-- erasure is done; what remains is the request, its receipts and keyed hashes (suppressions) that
-- stop a later import of the same person.
CREATE TABLE erasures (
    id           TEXT COLLATE "C" PRIMARY KEY,
    reason       TEXT NOT NULL,
    status       TEXT COLLATE "C" NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL,
    deadline     TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    subject      JSON,
    keys         JSON NOT NULL,
    receipts     JSON NOT NULL
);
CREATE TABLE suppressions (
    key     TEXT COLLATE "C" PRIMARY KEY,
    erasure TEXT COLLATE "C" NOT NULL,
    at      TIMESTAMPTZ NOT NULL
);
