// segments.go holds ForSegments: every profile with its orders and engagement, as the segment
// engine (and the console's KPIs) read them.
package profiles

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/segments"
	"github.com/cdpflow/cdpflow/store"
)

// ForSegments reads every profile (as segments.SlimCustomer of its golden record, from the
// compact input resolution stored beside it), attaches the orders of its records (or, for orders without a
// customer record, of its email) and sums the engagement metrics its records' customer ids carry.
// customerSource maps each analytics source to the source whose customer ids it reports.
func ForSegments(ctx context.Context, st Store, customerSource map[string]string) ([]segments.Profile, error) {
	n, err := st.CountProfiles(ctx)
	if err != nil {
		return nil, fmt.Errorf("count profiles: %w", err)
	}
	profiles := make([]segments.Profile, 0, n) // sized once: a million profiles are 450 MB
	if err := st.ScanProfileInputs(ctx, func(p store.ProfileInput) error {
		c, err := profileInput(ctx, st, p)
		if err != nil {
			return err
		}
		profiles = append(profiles, segments.Profile{ID: p.ID, Customer: c})
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read profiles: %w", err)
	}
	// The indexes that attach orders and engagement rows to profiles (by record, read from the
	// links, and by email) are built when the first row needs them: for a million profiles they
	// cost more than evaluating the segments, and a store without orders or engagement never
	// builds them.
	var emailIndex map[string]int
	emailOf := func(email string) (int, bool) {
		if emailIndex == nil {
			emailIndex = make(map[string]int, len(profiles))
			for i, p := range profiles {
				if p.Customer.Email != "" {
					emailIndex[p.Customer.Email] = i // the last profile of an email, by id, wins
				}
			}
		}
		i, ok := emailIndex[email]
		return i, ok
	}
	var byRecord map[record.RecordKey]int
	profileOf := func(k record.RecordKey) (int, bool, error) {
		if byRecord == nil {
			index := make(map[string]int, len(profiles))
			for i, p := range profiles {
				index[p.ID] = i
			}
			byRecord = make(map[record.RecordKey]int, len(profiles))
			if err := st.ScanMemberships(ctx, func(rec record.RecordKey, profile string) error {
				if i, ok := index[profile]; ok {
					byRecord[rec] = i
				}
				return nil
			}); err != nil {
				return 0, false, fmt.Errorf("read links: %w", err)
			}
		}
		i, ok := byRecord[k]
		return i, ok, nil
	}
	if err := st.ScanRecords(ctx, record.Visitor{Order: func(o record.Order) error {
		i, ok := -1, false
		if k, has := o.CustomerKey(); has {
			var err error
			if i, ok, err = profileOf(k); err != nil {
				return err
			}
		}
		if !ok && o.Email != "" {
			i, ok = emailOf(strings.ToLower(o.Email))
		}
		if ok {
			profiles[i].Orders = append(profiles[i].Orders, o)
		}
		return nil
	}}); err != nil {
		return nil, fmt.Errorf("read orders: %w", err)
	}
	if err := st.ScanRecords(ctx, record.Visitor{Engagement: func(e record.Engagement) error {
		i, ok, err := profileOf(record.RecordKey{Source: customerSource[e.Source], ID: e.CustomerRef})
		if err != nil || !ok {
			return err
		}
		if profiles[i].Engagement == nil {
			profiles[i].Engagement = map[string]float64{}
		}
		for m, v := range e.Metrics {
			profiles[i].Engagement[m] += v
		}
		return nil
	}}); err != nil {
		return nil, fmt.Errorf("read engagement: %w", err)
	}
	return profiles, nil
}

// profileInput is the part of a profile's golden record segments read: decoded from its stored
// input, or taken from the golden record for a profile stored without one (or with an input
// of another format version).
func profileInput(ctx context.Context, st Store, p store.ProfileInput) (record.Customer, error) {
	if p.Input == nil {
		return segments.SlimCustomer(*p.Golden), nil
	}
	c, err := segments.DecodeCustomer(p.Input)
	if errors.Is(err, segments.ErrInputVersion) {
		whole, gerr := st.GetProfile(ctx, p.ID)
		if gerr != nil {
			return record.Customer{}, fmt.Errorf("read profile %s: %w", p.ID, gerr)
		}
		return segments.SlimCustomer(whole.Golden), nil
	}
	if err != nil {
		return record.Customer{}, fmt.Errorf("profile %s: %w", p.ID, err)
	}
	return c, nil
}
