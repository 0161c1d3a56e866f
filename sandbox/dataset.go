// Package sandbox serves local imitations of the vendor APIs (HubSpot, Salesforce, Shopify, Square,
// GA4, Mailchimp, Mandrill, Meta, Google Ads) on loopback ports, over one deterministic generated
// dataset of customers with realistic duplicates across sources, orders, consent and junk.
//
// This file holds the dataset: people, and each vendor's view of them.
package sandbox

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/cdpflow/cdpflow/record"
)

// Vendor names, used as keys of Dataset.Sources and Sandbox.URLs.
const (
	HubSpot    = "hubspot"
	Salesforce = "salesforce"
	Shopify    = "shopify"
	Square     = "square"
	GA4        = "ga4"
	Mailchimp  = "mailchimp"
	Mandrill   = "mandrill"
	Meta       = "meta"
	GoogleAds  = "google_ads"
)

// Options shapes the generated dataset.
type Options struct {
	Seed   uint64    // same seed, same dataset (default 42)
	People int       // distinct persons (default 1000)
	Now    time.Time // the dataset's "today" (default 2026-11-01T00:00:00Z)
}

// Person is the ground truth behind the source records.
type Person struct {
	ID        int
	FirstName string
	LastName  string
	Email     string
	Phone     string // E.164
	BirthDate string // YYYY-MM-DD
	Gender    string // m | f
	Address   record.Address
	// Consent is the person's true email marketing consent.
	EmailConsent record.ConsentState
	SMSConsent   record.ConsentState
}

// Contact is one vendor's record of a person (or a junk record when PersonID < 0), in vendor-neutral
// form; each vendor server renders it into its own wire format. Fields carry the variations a real
// source has: casing, spacing, formats, typos, missing values.
type Contact struct {
	ID           string
	PersonID     int    // -1 for junk
	Junk         string // for junk records: the reason code cleansing is expected to quarantine it with
	Email        string
	Phone        string
	FirstName    string
	LastName     string
	BirthDate    string // vendor's format, e.g. 1984-03-07 or 03/07/1984
	Gender       string
	Address      record.Address
	EmailConsent record.ConsentState
	SMSConsent   record.ConsentState
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Archived     bool
}

// Order is one vendor's order.
type Order struct {
	ID         string
	ContactID  string // the vendor's customer id
	Email      string
	Total      record.Money
	Status     string // completed | cancelled | refunded
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ClosedAt   time.Time
	Lines      []record.LineItem
	LocationID string
}

// Engagement is one analytics row: metrics for a CRM id.
type Engagement struct {
	CustomerRef string // the HubSpot contact id, as GA4's customUser:crm_id
	Sessions    int64
	AddToCarts  int64
	Purchases   int64
}

// SourceData is one vendor's records.
type SourceData struct {
	Contacts    []Contact
	Orders      []Order
	Engagements []Engagement
}

// Dataset is the whole generated world.
type Dataset struct {
	Opts    Options
	People  []Person
	Sources map[string]*SourceData
}

// share of people present in each source.
var presence = map[string]float64{HubSpot: 0.7, Salesforce: 0.35, Shopify: 0.6, Square: 0.3}

// Generate builds the dataset deterministically from opts.
func Generate(opts Options) *Dataset {
	if opts.Seed == 0 {
		opts.Seed = 42
	}
	if opts.People <= 0 {
		opts.People = 1000
	}
	if opts.Now.IsZero() {
		opts.Now = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	}
	g := &generator{opts: opts, faker: gofakeit.New(opts.Seed), rnd: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))}
	ds := &Dataset{Opts: opts, Sources: map[string]*SourceData{}}
	for i := 0; i < opts.People; i++ {
		ds.People = append(ds.People, g.person(i))
	}
	for _, v := range []string{HubSpot, Salesforce, Shopify, Square} {
		ds.Sources[v] = g.source(v, ds.People)
	}
	ds.Sources[GA4] = g.analytics(ds.Sources[HubSpot])
	return ds
}

type generator struct {
	opts  Options
	faker *gofakeit.Faker
	rnd   *rand.Rand
	seq   int
}

func (g *generator) chance(p float64) bool { return g.rnd.Float64() < p }

// when returns a time within the last `days` days before Now.
func (g *generator) when(days int) time.Time {
	secs := g.rnd.Int64N(int64(days) * 86400)
	return g.opts.Now.Add(-time.Duration(secs) * time.Second).Truncate(time.Second)
}

var countries = []struct{ code, region, city, zip string }{
	{"US", "CA", "San Francisco", "94103"}, {"US", "NY", "New York", "10001"}, {"US", "TX", "Austin", "73301"},
	{"US", "WA", "Seattle", "98101"}, {"CA", "ON", "Toronto", "M5V 2T6"}, {"GB", "", "London", "SW1A 1AA"},
	{"DE", "BE", "Berlin", "10115"}, {"AU", "NSW", "Sydney", "2000"},
}

var phonePrefix = map[string]string{"US": "+1415", "CA": "+1416", "GB": "+4420", "DE": "+4930", "AU": "+612"}

// subscriberNumber returns a valid-length local number after phonePrefix: 7 digits for North
// America (exchange 200-899), 8 for London, Berlin and Sydney.
func (g *generator) subscriberNumber(country string) string {
	switch country {
	case "US", "CA":
		return fmt.Sprintf("%03d%04d", 200+g.rnd.IntN(700), g.rnd.IntN(10000))
	case "GB":
		return fmt.Sprintf("7%03d%04d", g.rnd.IntN(1000), g.rnd.IntN(10000))
	default:
		return fmt.Sprintf("%d%07d", 2+g.rnd.IntN(7), g.rnd.IntN(10000000))
	}
}

func (g *generator) person(i int) Person {
	f := g.faker
	first, last := f.FirstName(), f.LastName()
	loc := countries[g.rnd.IntN(len(countries))]
	domain := []string{"gmail.com", "yahoo.com", "outlook.com", "icloud.com", "proton.me", "fastmail.com"}[g.rnd.IntN(6)]
	email := fmt.Sprintf("%s.%s%d@%s", strings.ToLower(first), strings.ToLower(last), i, domain)
	email = strings.ReplaceAll(email, " ", "")
	phone := phonePrefix[loc.code] + g.subscriberNumber(loc.code)
	dob := time.Date(1950+g.rnd.IntN(55), time.Month(1+g.rnd.IntN(12)), 1+g.rnd.IntN(28), 0, 0, 0, 0, time.UTC)
	consent := record.ConsentSubscribed
	switch r := g.rnd.Float64(); {
	case r < 0.15:
		consent = record.ConsentUnsubscribed
	case r < 0.30:
		consent = record.ConsentNotSubscribed
	}
	sms := record.ConsentNotSubscribed
	if g.chance(0.3) {
		sms = record.ConsentSubscribed
	}
	return Person{
		ID: i, FirstName: first, LastName: last, Email: email, Phone: phone,
		BirthDate: dob.Format("2006-01-02"), Gender: []string{"m", "f"}[g.rnd.IntN(2)],
		Address: record.Address{
			Line1: fmt.Sprintf("%d %s", 1+g.rnd.IntN(999), f.StreetName()+" "+f.StreetSuffix()),
			City:  loc.city, Region: loc.region, Postcode: loc.zip, Country: loc.code,
		},
		EmailConsent: consent, SMSConsent: sms,
	}
}

func (g *generator) nextID(prefix string) string {
	g.seq++
	return fmt.Sprintf("%s%d", prefix, 1000+g.seq)
}

func (g *generator) source(vendor string, people []Person) *SourceData {
	sd := &SourceData{}
	idPrefix := map[string]string{HubSpot: "", Salesforce: "003SB", Shopify: "", Square: "SQ"}[vendor]
	for _, p := range people {
		if !g.chance(presence[vendor]) {
			continue
		}
		c := g.contact(vendor, p, g.nextID(idPrefix))
		sd.Contacts = append(sd.Contacts, c)
		// an occasional duplicate inside the same source (typed in twice, different casing/format)
		if g.chance(0.03) {
			d := g.contact(vendor, p, g.nextID(idPrefix))
			d.Email = strings.ToUpper(d.Email[:1]) + d.Email[1:]
			d.Phone = ""
			sd.Contacts = append(sd.Contacts, d)
		}
		if vendor == Shopify || vendor == Square {
			sd.Orders = append(sd.Orders, g.orders(vendor, c)...)
		}
	}
	sd.Contacts = append(sd.Contacts, g.junk(vendor, idPrefix)...)
	sort.SliceStable(sd.Contacts, func(i, j int) bool { return sd.Contacts[i].UpdatedAt.Before(sd.Contacts[j].UpdatedAt) })
	sort.SliceStable(sd.Orders, func(i, j int) bool { return sd.Orders[i].UpdatedAt.Before(sd.Orders[j].UpdatedAt) })
	return sd
}

// contact renders a person as one vendor's record, with the noise real sources have.
func (g *generator) contact(vendor string, p Person, id string) Contact {
	created := g.when(900)
	updated := created.Add(time.Duration(g.rnd.Int64N(int64(g.opts.Now.Sub(created)) + 1))).Truncate(time.Second)
	c := Contact{
		ID: id, PersonID: p.ID, Email: p.Email, Phone: p.Phone, FirstName: p.FirstName, LastName: p.LastName,
		BirthDate: p.BirthDate, Gender: p.Gender, Address: p.Address, EmailConsent: p.EmailConsent,
		SMSConsent: p.SMSConsent, CreatedAt: created, UpdatedAt: updated,
	}
	if g.chance(0.2) { // shouting, stray whitespace
		c.FirstName = "  " + strings.ToUpper(c.FirstName)
		c.Email = " " + strings.ToUpper(c.Email[:1]) + c.Email[1:] + " "
	}
	if g.chance(0.3) && c.Address.Country == "US" { // national format
		d := strings.TrimPrefix(c.Phone, "+1")
		c.Phone = fmt.Sprintf("(%s) %s-%s", d[:3], d[3:6], d[6:])
	}
	if g.chance(0.15) {
		c.Phone = ""
	}
	if g.chance(0.1) && len(c.LastName) > 4 { // a typo
		r := []rune(c.LastName)
		i := 1 + g.rnd.IntN(len(r)-2)
		r[i], r[i+1] = r[i+1], r[i]
		c.LastName = string(r)
	}
	if g.chance(0.25) {
		c.BirthDate = ""
	}
	if vendor == Salesforce || vendor == HubSpot {
		c.Address = record.Address{} // CRMs here hold no address
	}
	if vendor == Square && c.BirthDate != "" { // Square birthdays as MM-DD only for some
		if g.chance(0.5) {
			c.BirthDate = "0000-" + c.BirthDate[5:]
		}
	}
	return c
}

// junk produces unusable records each with the reason cleansing must quarantine it with.
func (g *generator) junk(vendor, prefix string) []Contact {
	at := g.when(300)
	mk := func(reason, email, phone, first, last string) Contact {
		return Contact{ID: g.nextID(prefix), PersonID: -1, Junk: reason, Email: email, Phone: phone,
			FirstName: first, LastName: last, CreatedAt: at, UpdatedAt: at,
			EmailConsent: record.ConsentNotSubscribed, SMSConsent: record.ConsentNotSubscribed}
	}
	n := g.seq
	return []Contact{
		mk("placeholder_email", "test@example.com", "", "Test", "User"),
		mk("disposable_email", fmt.Sprintf("promo%d@mailinator.com", n), "", "Free", "Stuff"),
		mk("noreply_email", "noreply@"+vendor+"-store.example.com", "", "", ""),
		mk("placeholder_phone", "", "0000000000", "Anon", ""),
		mk("no_identifier", "", "", "Walk-in", "Customer"),
		mk("invalid_email", "john.at.gmail.com", "", "John", "Broken"),
	}
}

var products = []struct {
	id, title string
	price     int64
}{{"P-100", "Cotton T-Shirt", 1999}, {"P-200", "Denim Jacket", 8900}, {"P-300", "Sneakers", 12000},
	{"P-400", "Wool Scarf", 3450}, {"P-500", "Leather Wallet", 5500}, {"P-600", "Gift Card", 2500}}

func (g *generator) orders(vendor string, c Contact) []Order {
	var n int
	switch r := g.rnd.Float64(); {
	case r < 0.25:
		n = 0
	case r < 0.6:
		n = 1
	case r < 0.85:
		n = 2 + g.rnd.IntN(3)
	default:
		n = 5 + g.rnd.IntN(8)
	}
	currency := map[string]string{"US": "USD", "CA": "CAD", "GB": "GBP", "DE": "EUR", "AU": "AUD"}[c.Address.Country]
	if currency == "" {
		currency = "USD"
	}
	var out []Order
	prefix := map[string]string{Shopify: "", Square: "ORD-"}[vendor]
	for i := 0; i < n; i++ {
		created := g.when(720)
		o := Order{ID: g.nextID(prefix), ContactID: c.ID, Email: strings.TrimSpace(strings.ToLower(c.Email)),
			Status: "completed", CreatedAt: created, UpdatedAt: created.Add(time.Hour), ClosedAt: created.Add(30 * time.Minute),
			LocationID: "L1"}
		if g.chance(0.05) {
			o.Status = "cancelled"
		}
		lines := 1 + g.rnd.IntN(3)
		for l := 0; l < lines; l++ {
			p := products[g.rnd.IntN(len(products))]
			q := int64(1 + g.rnd.IntN(2))
			o.Lines = append(o.Lines, record.LineItem{ProductID: p.id, SKU: p.id + "-SKU", Title: p.title, Quantity: q,
				Price: record.Money{Amount: p.price, Currency: currency}})
			o.Total.Amount += p.price * q
		}
		o.Total.Currency = currency
		out = append(out, o)
	}
	return out
}

func (g *generator) analytics(crm *SourceData) *SourceData {
	sd := &SourceData{}
	for _, c := range crm.Contacts {
		if c.PersonID < 0 || !g.chance(0.5) {
			continue
		}
		s := int64(1 + g.rnd.IntN(40))
		sd.Engagements = append(sd.Engagements, Engagement{CustomerRef: c.ID, Sessions: s,
			AddToCarts: int64(g.rnd.IntN(int(s) + 1)), Purchases: int64(g.rnd.IntN(4))})
	}
	return sd
}

// JunkCount is the number of junk records across all sources (for tests of the quarantine).
func (d *Dataset) JunkCount() int {
	n := 0
	for _, sd := range d.Sources {
		for _, c := range sd.Contacts {
			if c.Junk != "" {
				n++
			}
		}
	}
	return n
}
