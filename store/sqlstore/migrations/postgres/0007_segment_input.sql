-- Each profile keeps, beside its golden record, the compact form of what segments read from it
-- (segments.EncodeCustomer), written with the golden record by resolution: evaluating segments
-- then reads a few dozen bytes per profile instead of decoding the golden record. NULL (profiles
-- written before this column, or by a path that does not compute it) means: read the golden record.
ALTER TABLE profiles ADD COLUMN segment_input BYTEA;
