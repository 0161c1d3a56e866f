-- The sources a profile's records come from (the consent basis by source), and the keyed hashes of
-- identifiers that carry an explicit opt-out on a channel in any clean record.
ALTER TABLE profiles ADD COLUMN sources TEXT NOT NULL DEFAULT '';
CREATE TABLE optouts (
    channel TEXT NOT NULL,
    key     TEXT NOT NULL,
    PRIMARY KEY (channel, key)
);
