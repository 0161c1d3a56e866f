-- Customers deleted at their source stay as tombstones (key and time only) flagged here, so a full
-- snapshot can tell which known records a file no longer holds.
ALTER TABLE customers ADD COLUMN deleted BOOLEAN NOT NULL DEFAULT FALSE;
