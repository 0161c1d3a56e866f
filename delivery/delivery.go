// Package delivery owns every decision of a destination sync: who the destination should hold
// (Audience: segment members with consent and an identifier it accepts), what changes that makes
// against the delivery ledger (Plan), who must not be sent (members in doubt or rejected with the
// same fields), how changes are batched and keyed, what a retried attempt may resend, and how a
// vendor's per-member outcome becomes a ledger status. Sync runs it all; the Push activity only
// adapts it to Temporal (heartbeats, error classification).
package delivery

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/cdpflow/cdpflow/connectors"
)

// Entry is one desired member with the fingerprint of the fields it would be sent with.
type Entry struct {
	Member      connectors.Member
	Fingerprint string
}

// NewEntry computes the member's fingerprint once.
func NewEntry(m connectors.Member) Entry { return Entry{Member: m, Fingerprint: Fingerprint(m)} }

// Fingerprint hashes the fields a destination receives, so a later run can tell whether a member
// changed. Segment order does not matter.
func Fingerprint(m connectors.Member) string {
	segs := slices.Clone(m.Segments)
	slices.Sort(segs)
	parts := []string{m.Email, m.Phone, m.FirstName, m.LastName, m.BirthDate, m.Gender,
		m.Address.Line1, m.Address.City, m.Address.Region, m.Address.Postcode, m.Address.Country, strings.Join(segs, ",")}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x1f")))
	return hex.EncodeToString(sum[:12])
}

// batchKey is a batch's idempotency key: business identity (destination, run, change) plus a
// hash of its members, so the same members get the same key on every attempt.
func batchKey(destination, run, label string, entries []Entry) string {
	h := sha256.New()
	for _, e := range entries {
		h.Write([]byte(e.Member.ProfileID))
		h.Write([]byte{0})
	}
	return destination + "/" + run + "/" + label + "/" + hex.EncodeToString(h.Sum(nil)[:8])
}
