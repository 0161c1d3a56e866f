// Package subject serves data subjects' rights over what the engine holds: Find gathers everything
// about one person (their records wherever they sit, their profiles, identifiers and keyed hashes),
// Access exports it (GDPR Art. 15), and Erase removes it from a destination; the Erasure workflow
// then deletes it from the store, keeping only keyed hashes that suppress a later import
// (GDPR Art. 17, CCPA delete).
package subject

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cdpflow/cdpflow/cleansing"
	"github.com/cdpflow/cdpflow/privacy"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

// Person is everything the store holds about one data subject.
type Person struct {
	Records  []record.Customer // clean records, tombstones included
	Profiles []store.Profile
	// Emails and Phones are the person's identifiers: asked for, and found on their records and profiles.
	Emails []string
	Phones []string
	// Keys are the keyed hashes of the identifiers (the suppression list's entries).
	Keys []string
	// Engagements are the analytics rows keyed by one of the person's customer ids.
	Engagements []record.RecordKey
}

// Empty reports whether nothing is held about the person.
func (p Person) Empty() bool { return len(p.Records) == 0 && len(p.Profiles) == 0 }

// RecordKeys lists the keys of the person's records.
func (p Person) RecordKeys() []record.RecordKey {
	out := make([]record.RecordKey, len(p.Records))
	for i, r := range p.Records {
		out[i] = r.Key()
	}
	return out
}

// ProfileIDs lists the person's profile ids.
func (p Person) ProfileIDs() []string {
	out := make([]string, len(p.Profiles))
	for i, pr := range p.Profiles {
		out[i] = pr.ID
	}
	return out
}

// Validate checks a subject: at least one identifier, each usable.
func Validate(s store.ErasureSubject) error {
	if s.Email == "" && s.Phone == "" && s.Profile == "" {
		return errors.New("name the person: --email, --phone or --profile")
	}
	if s.Email != "" {
		if e, err := cleansing.NormalizeEmail(s.Email); err != nil || e == "" {
			return errors.New("--email is not an email address")
		}
	}
	if s.Phone != "" && !strings.HasPrefix(strings.TrimSpace(s.Phone), "+") {
		return errors.New("--phone must be in E.164 form with the country code, e.g. +14155550123")
	}
	return nil
}

// Find gathers everything about the subject: records whose email (by matching key) or phone is the
// subject's, the profiles of those records (or the profile named), every record of those profiles,
// and the identifiers on all of them. analytics maps each analytics source to the source whose
// customer ids its rows carry.
func Find(ctx context.Context, st store.Store, h privacy.Hasher, s store.ErasureSubject, analytics map[string]string) (Person, error) {
	emails, phones := map[string]bool{}, map[string]bool{}
	addEmail := func(e string) {
		if k := cleansing.EmailMatchKey(e); k != "" {
			emails[k] = true
		}
	}
	addPhone := func(p string) {
		if p = strings.TrimSpace(p); p != "" {
			phones[p] = true
		}
	}
	addEmail(s.Email)
	addPhone(s.Phone)
	profileIDs := map[string]bool{}
	if s.Profile != "" {
		p, err := st.GetProfile(ctx, s.Profile)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return Person{}, fmt.Errorf("find %s: %w", s.Profile, err)
		}
		if err == nil {
			profileIDs[p.ID] = true
			addEmail(p.Golden.Email)
			addPhone(p.Golden.Phone)
		}
	}
	// Records by identifier, and the profile of every record.
	recordProfile := map[record.RecordKey]string{}
	if err := st.ScanMemberships(ctx, func(rec record.RecordKey, profile string) error {
		recordProfile[rec] = profile
		return nil
	}); err != nil {
		return Person{}, fmt.Errorf("find: read links: %w", err)
	}
	found := map[record.RecordKey]record.Customer{}
	matches := func(c record.Customer) bool {
		return emails[cleansing.EmailMatchKey(c.Email)] || c.Phone != "" && phones[c.Phone] || profileIDs[recordProfile[c.Key()]]
	}
	scan := func() error {
		return st.ScanRecords(ctx, record.Visitor{Customer: func(c record.Customer) error {
			if matches(c) {
				found[c.Key()] = c
			}
			return nil
		}})
	}
	// Two rounds: the records found bring their profiles, whose other records may carry other
	// identifiers of the same person.
	for round := 0; round < 2; round++ {
		if err := scan(); err != nil {
			return Person{}, fmt.Errorf("find: read records: %w", err)
		}
		for k, c := range found {
			if p, ok := recordProfile[k]; ok {
				profileIDs[p] = true
			}
			addEmail(c.Email)
			addPhone(c.Phone)
		}
	}
	var out Person
	ids := slicesSorted(profileIDs)
	profiles, err := st.GetProfiles(ctx, ids)
	if err != nil {
		return Person{}, fmt.Errorf("find: read profiles: %w", err)
	}
	for _, id := range ids {
		if p, ok := profiles[id]; ok {
			out.Profiles = append(out.Profiles, p)
			addEmail(p.Golden.Email)
			addPhone(p.Golden.Phone)
		}
	}
	for _, k := range sortedKeys(found) {
		out.Records = append(out.Records, found[k])
		for an, cs := range analytics {
			if k.Source == cs {
				out.Engagements = append(out.Engagements, record.RecordKey{Source: an, ID: k.ID})
			}
		}
	}
	out.Emails, out.Phones = slicesSorted(emails), slicesSorted(phones)
	for _, e := range out.Emails {
		out.Keys = append(out.Keys, h.Key(privacy.Email, e))
	}
	for _, p := range out.Phones {
		out.Keys = append(out.Keys, h.Key(privacy.Phone, p))
	}
	return out, nil
}

func slicesSorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func sortedKeys(m map[record.RecordKey]record.Customer) []record.RecordKey {
	out := make([]record.RecordKey, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b record.RecordKey) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// Rows says which store rows are about the person.
func (p Person) Rows() store.PersonRows {
	texts := append(slices.Clone(p.Emails), p.Phones...)
	for _, r := range p.Records {
		if r.Email != "" && !slices.Contains(texts, strings.ToLower(r.Email)) {
			texts = append(texts, strings.ToLower(r.Email))
		}
	}
	return store.PersonRows{Records: p.RecordKeys(), Engagements: p.Engagements, Profiles: p.ProfileIDs(), Texts: texts, OptOutKeys: p.Keys}
}
