// digest.go holds ContentDigest: what tells a record read again from a changed one.
package record

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// ContentDigest is a digest of everything the source said about the customer except when it last
// touched the record: a row read again with the same content (a lookback window, a file exported
// again with a new modification time, a vendor bumping updated_at without a change) has the same
// digest, so it is not a change. The store's derived columns are not part of it either.
func ContentDigest(c Customer) (string, error) {
	c.UpdatedAt = time.Time{}
	c.Digest, c.EmailKey, c.PhoneKey = "", "", ""
	b, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16]), nil
}
