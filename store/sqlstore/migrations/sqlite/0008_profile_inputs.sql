-- The compact segment input of each profile moves out of the profiles table into its own narrow
-- table. Beside the golden record and lineage (a kilobyte or more per profile) it made evaluating
-- segments read every page of the profiles table: 6 s for 900k profiles, against about a tenth
-- of the pages here. Every profile has one row; a NULL input means: read the golden record.
CREATE TABLE profile_inputs (
    id    TEXT PRIMARY KEY,
    input BLOB
) WITHOUT ROWID;
INSERT INTO profile_inputs (id, input) SELECT id, segment_input FROM profiles;
ALTER TABLE profiles DROP COLUMN segment_input;
