-- What each vendor needs to remove or update a member without its profile.
ALTER TABLE deliveries ADD COLUMN handle TEXT NOT NULL DEFAULT '';
ALTER TABLE destination_members ADD COLUMN handle TEXT NOT NULL DEFAULT '';
CREATE INDEX deliveries_destination_status ON deliveries (destination, status);
