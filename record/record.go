// Package record holds the canonical customer, order and engagement records that every
// connector maps its vendor's fields into, and that cleansing, identity and segments consume.
//
// Records live in the store; they never travel through Temporal workflow inputs or results.
package record

import "time"

// Kind names a record kind inside a source.
type Kind string

// Record kinds a source can produce.
const (
	KindCustomer   Kind = "customers"
	KindOrder      Kind = "orders"
	KindEngagement Kind = "engagements"
)

// Customer is one person as one source knows them, in the engine's canonical shape.
type Customer struct {
	Source    string    `json:"source"`     // configured source name, e.g. "hubspot"
	SourceID  string    `json:"source_id"`  // the vendor's id for this record
	UpdatedAt time.Time `json:"updated_at"` // the vendor's last-modified time
	CreatedAt time.Time `json:"created_at,omitzero"`

	Email     string  `json:"email,omitempty"`
	Phone     string  `json:"phone,omitempty"`
	Title     string  `json:"title,omitempty"` // honorific split off the name by cleansing ("dr")
	FirstName string  `json:"first_name,omitempty"`
	LastName  string  `json:"last_name,omitempty"`
	Suffix    string  `json:"suffix,omitempty"`     // "jr", "iii" ...
	BirthDate string  `json:"birth_date,omitempty"` // as received; cleansing rewrites it to YYYY-MM-DD
	Gender    string  `json:"gender,omitempty"`     // as received; cleansing rewrites it to m|f|x
	Address   Address `json:"address,omitzero"`

	// Consent per channel (ChannelEmail, ChannelSMS, ChannelAds).
	Consent map[Channel]Consent `json:"consent,omitempty"`
	// Attributes holds vendor fields without a canonical home (e.g. "tags", "company").
	Attributes map[string]string `json:"attributes,omitempty"`
	// Deleted is true when the vendor reports the record as deleted/archived.
	Deleted bool `json:"deleted,omitempty"`
	// Shared lists the identifier fields ("email", "phone") this record shares with a different
	// person of its own source (a household mailbox, a shop's phone), as cleansing found them.
	// Identity resolution does not link deterministically on them.
	Shared []string `json:"shared,omitempty"`

	// Columns the store keeps beside the record's data, not in it: Digest is ContentDigest of the
	// record as staged (how a re-read is told from a change); EmailKey and PhoneKey are the match
	// keys cleansing groups shared identifiers by.
	Digest   string `json:"-"`
	EmailKey string `json:"-"`
	PhoneKey string `json:"-"`
}

// Key is the record's identity across runs: source name and source id.
func (c Customer) Key() RecordKey { return RecordKey{Source: c.Source, ID: c.SourceID} }

// RecordKey identifies one source record.
type RecordKey struct {
	Source string `json:"source"`
	ID     string `json:"id"`
}

// String renders the key as "source/id", the form the CLI accepts.
func (k RecordKey) String() string { return k.Source + "/" + k.ID }

// Address is a postal address. Country is ISO-3166 alpha-2 after cleansing.
type Address struct {
	Line1    string `json:"line1,omitempty"`
	Line2    string `json:"line2,omitempty"`
	City     string `json:"city,omitempty"`
	Region   string `json:"region,omitempty"` // state/province; ISO-3166-2 subdivision code where known
	Postcode string `json:"postcode,omitempty"`
	Country  string `json:"country,omitempty"`
}

// IsZero reports whether no address field is set.
func (a Address) IsZero() bool { return a == Address{} }

// Channel is a marketing channel that consent is recorded for.
type Channel string

// Channels.
const (
	ChannelEmail Channel = "email"
	ChannelSMS   Channel = "sms"
	// ChannelAds is advertising audiences (ad user data and personalization). Few sources record
	// it; without a statement, email marketing consent stands in for it (package consent).
	ChannelAds Channel = "ads"
)

// ConsentState is the normalized consent state for a channel.
type ConsentState string

// Consent states (Shopify's vocabulary, which is the richest of the vendors).
const (
	ConsentSubscribed    ConsentState = "subscribed"
	ConsentNotSubscribed ConsentState = "not_subscribed"
	ConsentUnsubscribed  ConsentState = "unsubscribed" // an explicit opt-out
	ConsentPending       ConsentState = "pending"
	ConsentRedacted      ConsentState = "redacted"
	ConsentUnknown       ConsentState = "unknown"
)

// Consent is one channel's consent as the source recorded it.
type Consent struct {
	State      ConsentState `json:"state"`
	UpdatedAt  time.Time    `json:"updated_at,omitzero"`
	OptInLevel string       `json:"opt_in_level,omitempty"` // single_opt_in | confirmed_opt_in | unknown
	Source     string       `json:"source,omitempty"`       // which source/field recorded it
}

// Money is an amount in the currency's minor unit (cents). Money is never a float.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"` // ISO-4217
}

// Order is one purchase as the source knows it.
type Order struct {
	Source     string     `json:"source"`
	ID         string     `json:"id"`
	CustomerID string     `json:"customer_id,omitempty"` // the source's customer id, if linked
	Email      string     `json:"email,omitempty"`
	Phone      string     `json:"phone,omitempty"`
	Total      Money      `json:"total"`
	CreatedAt  time.Time  `json:"created_at"`
	ClosedAt   time.Time  `json:"closed_at,omitzero"`
	UpdatedAt  time.Time  `json:"updated_at,omitzero"`
	Status     string     `json:"status,omitempty"` // completed | open | cancelled | refunded ...
	Lines      []LineItem `json:"lines,omitempty"`
}

// Key identifies the order across runs.
func (o Order) Key() RecordKey { return RecordKey{Source: o.Source, ID: o.ID} }

// CustomerKey is the record key of the customer this order belongs to, if known.
func (o Order) CustomerKey() (RecordKey, bool) {
	if o.CustomerID == "" {
		return RecordKey{}, false
	}
	return RecordKey{Source: o.Source, ID: o.CustomerID}, true
}

// LineItem is one product line of an order.
type LineItem struct {
	ProductID string `json:"product_id,omitempty"`
	SKU       string `json:"sku,omitempty"`
	Title     string `json:"title,omitempty"`
	Quantity  int64  `json:"quantity"`
	Price     Money  `json:"price"` // unit price
}

// Engagement is a row of behavioural metrics for one customer from an analytics source (GA4).
type Engagement struct {
	Source string `json:"source"`
	// CustomerRef is the customer id the analytics tool knows (e.g. a CRM id in a GA4 user property).
	CustomerRef string `json:"customer_ref"`
	// Metrics by name; counts are integers, ratios may be fractional.
	Metrics   map[string]float64 `json:"metrics"`
	StartDate string             `json:"start_date,omitempty"`
	EndDate   string             `json:"end_date,omitempty"`
}

// Key identifies the engagement row across runs.
func (e Engagement) Key() RecordKey { return RecordKey{Source: e.Source, ID: e.CustomerRef} }
