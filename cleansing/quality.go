// quality.go builds the data-quality report of a run: record counts, counts per reason for
// quarantined and accepted records, and the fill rate of every field after cleansing, per
// source, merged into one report for the whole run.

package cleansing

import (
	"maps"

	"github.com/cdpflow/cdpflow/record"
)

// Quality is the data-quality report of one source, or of a run when reports are merged.
type Quality struct {
	Source      string `json:"source,omitempty"` // empty for a merged report of several sources
	Records     int    `json:"records"`
	Accepted    int    `json:"accepted"`
	Quarantined int    `json:"quarantined"`
	// Deleted counts the records the source reported deleted (kept as tombstones, not in Records).
	Deleted int `json:"deleted,omitempty"`
	// Primary counts quarantined records by their primary reason (missing_id, no_identifier,
	// all_junk); the counts add up to Quarantined.
	Primary map[string]int `json:"primary_reasons"`
	// Reasons counts the issues of quarantined records by reason, the primary one included.
	Reasons map[string]int `json:"reasons"`
	// Flags counts the issues of accepted records by reason, dropped fields and kept-but-flagged
	// fields alike (shared_email and shared_phone too, once added with AddShared).
	Flags map[string]int `json:"flags"`
	// Dropped counts, per field, the accepted records the field was dropped from.
	Dropped map[string]int `json:"dropped_fields"`
	// Filled counts, per field, the accepted records that have the field set after cleansing.
	Filled map[string]int `json:"filled"`
	// FillRate is Filled divided by Accepted: the fraction of accepted records with the field.
	FillRate map[string]float64 `json:"fill_rate"`
}

// CustomerFields are the customer fields the fill rate is reported for.
var CustomerFields = []string{
	"email", "phone", "title", "first_name", "last_name", "suffix", "birth_date", "gender",
	"address.line1", "address.line2", "address.city", "address.region", "address.postcode",
	"address.country", "consent.email", "consent.sms",
}

// OrderFields are the order fields the fill rate is reported for.
var OrderFields = []string{"email", "phone", "customer_id", "total.currency", "created_at", "status", "lines"}

// QualityBuilder accumulates a Quality report. Use one builder per source and record kind;
// merge per-source reports into a run report with Merge or MergeQuality. The zero value is
// ready to use; it is not safe for concurrent use.
type QualityBuilder struct {
	q Quality
}

// NewQualityBuilder returns a builder for the report of source.
func NewQualityBuilder(source string) *QualityBuilder {
	return &QualityBuilder{q: Quality{Source: source}}
}

func (b *QualityBuilder) init() {
	if b.q.Reasons == nil {
		b.q.Primary, b.q.Reasons, b.q.Flags = map[string]int{}, map[string]int{}, map[string]int{}
		b.q.Dropped, b.q.Filled = map[string]int{}, map[string]int{}
	}
}

// Add counts one cleansed customer.
func (b *QualityBuilder) Add(r Result) {
	b.init()
	if b.add(r.Quarantined, r.Issues) {
		return
	}
	c := r.Record
	_, email := c.Consent[record.ChannelEmail]
	_, sms := c.Consent[record.ChannelSMS]
	b.fill(CustomerFields, []bool{c.Email != "", c.Phone != "", c.Title != "", c.FirstName != "",
		c.LastName != "", c.Suffix != "", c.BirthDate != "", c.Gender != "", c.Address.Line1 != "",
		c.Address.Line2 != "", c.Address.City != "", c.Address.Region != "",
		c.Address.Postcode != "", c.Address.Country != "", email, sms})
}

// AddOrder counts one cleansed order.
func (b *QualityBuilder) AddOrder(r OrderResult) {
	b.init()
	if b.add(r.Quarantined, r.Issues) {
		return
	}
	o := r.Record
	b.fill(OrderFields, []bool{o.Email != "", o.Phone != "", o.CustomerID != "",
		o.Total.Currency != "", !o.CreatedAt.IsZero(), o.Status != "", len(o.Lines) > 0})
}

// add counts the record and its issues; it reports whether the record was quarantined.
func (b *QualityBuilder) add(quarantined bool, issues []Issue) bool {
	b.q.Records++
	if quarantined {
		b.q.Quarantined++
		if len(issues) > 0 {
			b.q.Primary[issues[0].Reason]++
		}
		for _, is := range issues {
			b.q.Reasons[is.Reason]++
		}
		return true
	}
	b.q.Accepted++
	seen := map[string]bool{}
	for _, is := range issues {
		b.q.Flags[is.Reason]++
		if is.Dropped && !seen[is.Field] {
			seen[is.Field] = true
			b.q.Dropped[is.Field]++
		}
	}
	return false
}

// fill counts the fields that are set; set[i] says whether fields[i] is.
func (b *QualityBuilder) fill(fields []string, set []bool) {
	for i, f := range fields {
		if set[i] {
			b.q.Filled[f]++
		} else if _, ok := b.q.Filled[f]; !ok {
			b.q.Filled[f] = 0
		}
	}
}

// AddShared counts the flags FindSharedIdentifiers returned (shared_email, shared_phone).
func (b *QualityBuilder) AddShared(flags map[record.RecordKey][]Issue) {
	b.init()
	for _, issues := range flags {
		for _, is := range issues {
			b.q.Flags[is.Reason]++
		}
	}
}

// Merge adds another report (another source's, or another batch of the same source) into
// this one.
func (b *QualityBuilder) Merge(q Quality) {
	b.init()
	b.q.Records += q.Records
	b.q.Accepted += q.Accepted
	b.q.Quarantined += q.Quarantined
	for _, p := range []struct{ dst, src map[string]int }{
		{b.q.Primary, q.Primary}, {b.q.Reasons, q.Reasons}, {b.q.Flags, q.Flags},
		{b.q.Dropped, q.Dropped}, {b.q.Filled, q.Filled},
	} {
		for k, v := range p.src {
			p.dst[k] += v
		}
	}
	if q.Source != b.q.Source {
		b.q.Source = ""
	}
}

// Report returns the report so far, with fill rates computed.
func (b *QualityBuilder) Report() Quality {
	b.init()
	q := b.q
	q.Primary, q.Reasons, q.Flags = maps.Clone(q.Primary), maps.Clone(q.Reasons), maps.Clone(q.Flags)
	q.Dropped, q.Filled = maps.Clone(q.Dropped), maps.Clone(q.Filled)
	q.FillRate = make(map[string]float64, len(q.Filled))
	for f, n := range q.Filled {
		if q.Accepted > 0 {
			q.FillRate[f] = float64(n) / float64(q.Accepted)
		} else {
			q.FillRate[f] = 0
		}
	}
	return q
}

// MergeQuality merges per-source reports into one report labelled source ("" for a run).
func MergeQuality(source string, reports ...Quality) Quality {
	b := NewQualityBuilder(source)
	for _, q := range reports {
		b.Merge(q)
	}
	b.q.Source = source
	return b.Report()
}
