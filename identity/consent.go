// consent.go holds consent survivorship: the golden record's consent per channel, decided once
// here for the pipeline and the offline command alike. An explicit opt-out (unsubscribed, or
// redacted) in any member record wins; otherwise the most recent subscription; otherwise the most
// recent statement. The lineage of consent.<channel> names the record the state came from.
package identity

import "github.com/cdpflow/cdpflow/record"

// consentRank orders consent states by how strongly they bind: opt-outs first, then
// subscriptions, then any other statement.
func consentRank(c record.Consent) int {
	switch c.State {
	case record.ConsentUnsubscribed, record.ConsentRedacted:
		return 3
	case record.ConsentSubscribed:
		return 2
	case "":
		return 0
	}
	return 1
}

// strongerConsent returns the statement that survives between cur and next (ties: the newer).
func strongerConsent(cur, next record.Consent) bool {
	rc, rn := consentRank(cur), consentRank(next)
	return rn > rc || rn == rc && next.UpdatedAt.After(cur.UpdatedAt)
}

// survivingConsent returns the golden consent of members and its lineage (sorted by field).
func survivingConsent(members []*record.Customer) (map[record.Channel]record.Consent, []FieldSource) {
	var out map[record.Channel]record.Consent
	from := map[record.Channel]record.RecordKey{}
	for _, m := range members {
		for ch, c := range m.Consent {
			if cur, ok := out[ch]; ok && !strongerConsent(cur, c) {
				continue
			}
			if consentRank(c) == 0 {
				continue
			}
			if out == nil {
				out = map[record.Channel]record.Consent{}
			}
			out[ch], from[ch] = c, m.Key()
		}
	}
	lin := make([]FieldSource, 0, len(from))
	for ch, k := range from {
		lin = append(lin, FieldSource{record.ConsentPrefix + string(ch), k})
	}
	sortLineage(lin)
	return out, lin
}
