// access.go holds Access: everything the store holds about a person, as one document (GDPR Art. 15).
package subject

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cdpflow/cdpflow/cleansing"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

// Report is a data subject's access report.
type Report struct {
	Records    []record.Customer      `json:"records"`
	Orders     []record.Order         `json:"orders"`
	Profiles   []ProfileReport        `json:"profiles"`
	Deliveries []store.Delivery       `json:"deliveries"`
	Quarantine []store.QuarantineItem `json:"quarantine"`
}

// ProfileReport is one of the person's profiles with the segments it is in.
type ProfileReport struct {
	store.Profile
	Segments []string `json:"segments"`
}

// Access reads everything the store holds about the person found by Find.
func Access(ctx context.Context, st store.Store, p Person) (Report, error) {
	r := Report{Records: p.Records, Orders: []record.Order{}, Profiles: []ProfileReport{}, Deliveries: []store.Delivery{}, Quarantine: []store.QuarantineItem{}}
	keys := map[record.RecordKey]bool{}
	for _, k := range p.RecordKeys() {
		keys[k] = true
	}
	emails := map[string]bool{}
	for _, e := range p.Emails {
		emails[e] = true
	}
	if err := st.ScanRecords(ctx, record.Visitor{Order: func(o record.Order) error {
		if k, ok := o.CustomerKey(); ok && keys[k] || emails[cleansing.EmailMatchKey(o.Email)] {
			r.Orders = append(r.Orders, o)
		}
		return nil
	}}); err != nil {
		return r, fmt.Errorf("access: read orders: %w", err)
	}
	names, err := st.SegmentNames(ctx)
	if err != nil {
		return r, fmt.Errorf("access: read segments: %w", err)
	}
	members := map[string][]string{}
	for _, n := range names {
		ids, err := st.SegmentMembers(ctx, n)
		if err != nil {
			return r, fmt.Errorf("access: read segment %s: %w", n, err)
		}
		for _, pr := range p.Profiles {
			if _, ok := slices.BinarySearch(ids, pr.ID); ok {
				members[pr.ID] = append(members[pr.ID], n)
			}
		}
	}
	for _, pr := range p.Profiles {
		r.Profiles = append(r.Profiles, ProfileReport{Profile: pr, Segments: members[pr.ID]})
		if err := st.ScanDeliveries(ctx, store.DeliveryFilter{ProfileID: pr.ID}, func(d store.Delivery) error {
			r.Deliveries = append(r.Deliveries, d)
			return nil
		}); err != nil {
			return r, fmt.Errorf("access: read deliveries: %w", err)
		}
	}
	texts := p.Rows().Texts
	if err := st.ScanQuarantine(ctx, "", func(q store.QuarantineItem) error {
		if keys[record.RecordKey{Source: q.Source, ID: q.ID}] || containsAny(strings.ToLower(string(q.Record)), texts) {
			r.Quarantine = append(r.Quarantine, q)
		}
		return nil
	}); err != nil {
		return r, fmt.Errorf("access: read quarantine: %w", err)
	}
	return r, nil
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if x != "" && strings.Contains(s, strings.ToLower(x)) {
			return true
		}
	}
	return false
}
