-- Change detection and streaming cleanse: a staged customer carries the digest of its content
-- (record.ContentDigest, without its modification time); the clean row keeps the digest it was
-- cleansed from, so a row read again unchanged is not cleansed again nor counted as a change.
-- email_key and phone_key are cleansing's match keys, indexed so that the records sharing an
-- identifier with a changed one are found without reading the whole source.
ALTER TABLE staged ADD COLUMN digest TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN digest TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN email_key TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN phone_key TEXT NOT NULL DEFAULT '';
CREATE INDEX customers_email_key ON customers (source, email_key) WHERE email_key <> '';
CREATE INDEX customers_phone_key ON customers (source, phone_key) WHERE phone_key <> '';
