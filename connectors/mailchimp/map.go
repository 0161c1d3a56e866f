// This file maps engine members onto Mailchimp members: email key, subscriber hash, merge fields, tags.
package mailchimp

import (
	"crypto/md5"
	"encoding/hex"
	"strings"

	"github.com/cdpflow/cdpflow/connectors"
)

// SubscriberHash is Mailchimp's member id: the hex md5 of the lowercased email.
func SubscriberHash(email string) string {
	sum := md5.Sum([]byte(strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:])
}

// Handle is the member's subscriber hash: all Mailchimp needs to archive or delete the member
// later (connectors.Handler).
func (d *Destination) Handle(m connectors.Member) string {
	if e := emailKey(m); e != "" {
		return SubscriberHash(e)
	}
	return ""
}

// memberHash is the subscriber hash of a member: from its address, else the ledger's handle.
func memberHash(m connectors.Member) string {
	if e := emailKey(m); e != "" {
		return SubscriberHash(e)
	}
	if isMD5Hex(m.Handle) {
		return m.Handle
	}
	return ""
}

func isMD5Hex(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// emailKey is the member's address as Mailchimp keys it ("" when there is no usable address).
func emailKey(m connectors.Member) string {
	e := strings.ToLower(strings.TrimSpace(m.Email))
	if i := strings.IndexByte(e, '@'); i <= 0 || i == len(e)-1 {
		return ""
	}
	return e
}

func (d *Destination) wireMember(m connectors.Member, email string) batchMember {
	bm := batchMember{EmailAddress: email, Status: "subscribed"}
	if d.cfg.MergeFields {
		mf := map[string]string{}
		if v := strings.TrimSpace(m.FirstName); v != "" {
			mf["FNAME"] = v
		}
		if v := strings.TrimSpace(m.LastName); v != "" {
			mf["LNAME"] = v
		}
		if len(mf) > 0 {
			bm.MergeFields = mf
		}
	}
	return bm
}

// tagsFor lists the tag changes for a member: its segments active and, when the destination's
// segments are configured, the others inactive.
func (d *Destination) tagsFor(m connectors.Member) []tag {
	in := map[string]bool{}
	var out []tag
	for _, s := range m.Segments {
		if s != "" && !in[s] {
			in[s] = true
			out = append(out, tag{Name: s, Status: "active"})
		}
	}
	for _, s := range d.cfg.Segments {
		if s != "" && !in[s] {
			in[s] = true
			out = append(out, tag{Name: s, Status: "inactive"})
		}
	}
	return out
}

func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
