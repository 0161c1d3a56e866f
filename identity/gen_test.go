// gen_test.go generates realistic customer records with gofakeit (seeded) for benchmarks
// and tests: people with several source records each, typos, swapped names, swapped day and
// month, missing fields, moves, and households sharing an address.
package identity

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/cdpflow/cdpflow/record"
)

// generated is a data set with its truth: the person behind each record.
type generated struct {
	records []record.Customer
	person  map[record.RecordKey]int
}

var genSources = []string{"shopify", "hubspot", "stripe", "zendesk"}

// generateCustomers returns n records of about n/1.3 people.
func generateCustomers(n int, seed uint64) generated {
	f := gofakeit.NewFaker(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15), false)
	rng := rand.New(rand.NewPCG(seed, 7))
	g := generated{records: make([]record.Customer, 0, n), person: make(map[record.RecordKey]int, n)}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	ids := make([]int, len(genSources))
	var prev record.Customer
	for p := 0; len(g.records) < n; p++ {
		c := record.Customer{
			FirstName: strings.ToLower(f.FirstName()),
			LastName:  strings.ToLower(f.LastName()),
			Gender:    []string{"f", "m"}[rng.IntN(2)],
			BirthDate: f.DateRange(time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2006, 1, 1, 0, 0, 0, 0, time.UTC)).Format("2006-01-02"),
			Address: record.Address{
				Line1:    strings.ToLower(f.Street()),
				City:     strings.ToLower(f.City()),
				Region:   "us-" + strings.ToLower(f.StateAbr()),
				Postcode: f.Zip(),
				Country:  "us",
			},
		}
		c.Email = fmt.Sprintf("%s.%s%d@%s", c.FirstName, c.LastName, rng.IntN(1000), []string{"gmail.com", "yahoo.com", "outlook.com", "icloud.com"}[rng.IntN(4)])
		c.Email = strings.ReplaceAll(c.Email, " ", "")
		c.Phone = fmt.Sprintf("+1%03d%07d", 200+rng.IntN(800), rng.IntN(10_000_000))
		// Households: one person in ten lives with the previous one.
		if p > 0 && rng.IntN(10) == 0 {
			c.Address = prev.Address
			if rng.IntN(10) < 7 {
				c.LastName = prev.LastName
			}
		}
		prev = c
		copies := 1
		switch r := rng.IntN(100); {
		case r < 5:
			copies = 3
		case r < 30:
			copies = 2
		}
		srcs := rng.Perm(len(genSources))
		for k := 0; k < copies && len(g.records) < n; k++ {
			r := c
			if k > 0 {
				r = perturb(rng, f, c)
			}
			s := srcs[k%len(srcs)]
			r.Source = genSources[s]
			ids[s]++
			r.SourceID = fmt.Sprintf("%s-%d", genSources[s][:2], ids[s])
			r.UpdatedAt = base.Add(-time.Duration(rng.IntN(730*24)) * time.Hour)
			g.person[r.Key()] = p
			g.records = append(g.records, r)
		}
	}
	// Shuffle so that duplicates are not neighbours; then copy the strings in record order,
	// as records read from a store are laid out in memory.
	rng.Shuffle(len(g.records), func(i, j int) { g.records[i], g.records[j] = g.records[j], g.records[i] })
	for i := range g.records {
		r := &g.records[i]
		for _, s := range []*string{&r.Source, &r.SourceID, &r.Email, &r.Phone, &r.FirstName, &r.LastName, &r.BirthDate, &r.Gender,
			&r.Address.Line1, &r.Address.City, &r.Address.Region, &r.Address.Postcode, &r.Address.Country} {
			*s = strings.Clone(*s)
		}
	}
	return g
}

// perturb returns another source's view of the person: typos, missing and changed fields.
func perturb(rng *rand.Rand, f *gofakeit.Faker, c record.Customer) record.Customer {
	chance := func(pct int) bool { return rng.IntN(100) < pct }
	if chance(20) {
		c.FirstName = typo(rng, c.FirstName)
	}
	if chance(15) {
		c.LastName = typo(rng, c.LastName)
	}
	if chance(3) {
		c.FirstName, c.LastName = c.LastName, c.FirstName
	}
	switch {
	case chance(10):
		if p := strings.Split(c.BirthDate, "-"); len(p) == 3 && p[2] <= "12" && p[1] != p[2] {
			c.BirthDate = p[0] + "-" + p[2] + "-" + p[1]
		}
	case chance(10):
		c.BirthDate = ""
	case chance(5):
		c.BirthDate = typo(rng, c.BirthDate)
	}
	switch {
	case chance(30):
		c.Email = ""
	case chance(20):
		c.Email = fmt.Sprintf("%s%d@%s", c.FirstName[:1]+c.LastName, rng.IntN(100_000), "example.org")
	}
	if chance(40) {
		c.Phone = ""
	}
	switch {
	case chance(5): // moved
		c.Address.Line1 = strings.ToLower(f.Street())
		c.Address.Postcode = f.Zip()
		c.Address.City = strings.ToLower(f.City())
	case chance(10):
		c.Address.Line1 = ""
	case chance(15):
		c.Address.Line1 = typo(rng, c.Address.Line1)
	}
	if chance(5) {
		c.Address.Postcode = typo(rng, c.Address.Postcode)
	}
	return c
}

// typo applies one random edit: substitution, deletion, insertion or transposition.
func typo(rng *rand.Rand, s string) string {
	if len(s) < 2 {
		return s
	}
	b := []byte(s)
	i := rng.IntN(len(b) - 1)
	letter := byte('a' + rng.IntN(26))
	if b[i] >= '0' && b[i] <= '9' {
		letter = byte('0' + rng.IntN(10))
	}
	switch rng.IntN(4) {
	case 0:
		b[i] = letter
	case 1:
		b = append(b[:i], b[i+1:]...)
	case 2:
		b = append(b[:i], append([]byte{letter}, b[i:]...)...)
	default:
		b[i], b[i+1] = b[i+1], b[i]
	}
	return string(b)
}
