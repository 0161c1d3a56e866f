// facts.go holds the per-profile input (Profile), the facts computed from it (Facts, the
// environment user rules run against) and the first pass that derives order, consent,
// customer and engagement facts from one profile.

package segments

import (
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/record"
)

// Profile is one resolved person: the golden customer record, every order linked to it from
// any source, and behavioural metrics summed over analytics sources.
type Profile struct {
	ID         string
	Customer   record.Customer
	Orders     []record.Order
	Engagement map[string]float64
}

// Facts is what the engine knows about one profile as of Evaluate's now. The expr tags are
// the names rules use ("orders.count", "rfm.segment"); the JSON tags are the same names for
// export. doc.go documents every field.
type Facts struct {
	ID  string    `json:"id" expr:"id"`
	Now time.Time `json:"now" expr:"now"`

	Customer CustomerFacts `json:"customer" expr:"customer"`
	Consent  ConsentFacts  `json:"consent" expr:"consent"`
	Orders   OrderFacts    `json:"orders" expr:"orders"`

	// Whole days since the last/first counted order; -1 when there is none.
	DaysSinceLastOrder  int `json:"days_since_last_order" expr:"days_since_last_order"`
	DaysSinceFirstOrder int `json:"days_since_first_order" expr:"days_since_first_order"`

	RFM RFMFacts `json:"rfm" expr:"rfm"`
	CLV CLVFacts `json:"clv" expr:"clv"`

	Cohort        string `json:"cohort,omitempty" expr:"cohort"`                 // "2024-07"
	CohortQuarter string `json:"cohort_quarter,omitempty" expr:"cohort_quarter"` // "2024Q3"

	RepeatBuyer  bool `json:"repeat_buyer" expr:"repeat_buyer"`     // orders.count >= 2
	OneTimeBuyer bool `json:"one_time_buyer" expr:"one_time_buyer"` // orders.count == 1
	Prospect     bool `json:"prospect" expr:"prospect"`             // orders.count == 0

	// Engagement is the profile's metrics map as given (not copied); a metric the profile
	// lacks reads as 0 in rules.
	Engagement map[string]float64 `json:"engagement,omitempty" expr:"engagement"`
}

// CustomerFacts are the golden record's fields that rules may test.
type CustomerFacts struct {
	Email      string            `json:"email,omitempty" expr:"email"`
	Phone      string            `json:"phone,omitempty" expr:"phone"`
	FirstName  string            `json:"first_name,omitempty" expr:"first_name"`
	LastName   string            `json:"last_name,omitempty" expr:"last_name"`
	Gender     string            `json:"gender,omitempty" expr:"gender"`
	BirthDate  string            `json:"birth_date,omitempty" expr:"birth_date"`
	City       string            `json:"city,omitempty" expr:"city"`
	Region     string            `json:"region,omitempty" expr:"region"`
	Postcode   string            `json:"postcode,omitempty" expr:"postcode"`
	Country    string            `json:"country,omitempty" expr:"country"`
	CreatedAt  time.Time         `json:"created_at,omitzero" expr:"created_at"`
	Deleted    bool              `json:"deleted,omitempty" expr:"deleted"`
	Attributes map[string]string `json:"attributes,omitempty" expr:"attributes"`
}

// ConsentFacts holds the consent state per channel: one of record.ConsentState's values,
// "unknown" when the golden record has none for the channel.
type ConsentFacts struct {
	Email string `json:"email" expr:"email"`
	SMS   string `json:"sms" expr:"sms"`
}

// OrderFacts summarises the counted orders (see countable). Count and the dates cover every
// counted order; the money fields cover only the orders in the dominant currency.
type OrderFacts struct {
	Count           int       `json:"count" expr:"count"`
	Total           float64   `json:"total" expr:"total"` // major units of Currency
	Avg             float64   `json:"avg" expr:"avg"`     // Total / CountInCurrency
	FirstAt         time.Time `json:"first_at,omitzero" expr:"first_at"`
	LastAt          time.Time `json:"last_at,omitzero" expr:"last_at"`
	Currency        string    `json:"currency,omitempty" expr:"currency"`
	CountInCurrency int       `json:"count_in_currency" expr:"count_in_currency"`
}

// RFMFacts are the recency/frequency/monetary quintile scores (1-5) and the named segment.
// All are zero/empty for profiles without counted orders.
type RFMFacts struct {
	R       int    `json:"r" expr:"r"`
	F       int    `json:"f" expr:"f"`
	M       int    `json:"m" expr:"m"`
	Score   string `json:"score,omitempty" expr:"score"`     // "545"
	Segment string `json:"segment,omitempty" expr:"segment"` // "champions"
}

// CLVFacts are customer-lifetime-value figures in major units of orders.currency.
type CLVFacts struct {
	Historical   float64 `json:"historical" expr:"historical"`
	Predicted12m float64 `json:"predicted_12m" expr:"predicted_12m"`
	AOV          float64 `json:"aov" expr:"aov"`
	TopDecile    bool    `json:"top_decile" expr:"top_decile"`
}

// stats is per-profile working state that rules never see: exact integer amounts and keys
// the population passes (ranking, CLV fit, cohorts) need.
type stats struct {
	totalMinor     int64   // sum of dominant-currency orders, minor units
	predictedMinor int64   // clv.predicted_12m in minor units, for ranking
	spanDays       float64 // last_at - first_at in fractional days
	exp            int8    // dominant currency's exponent
	rfm            int8    // index into rfmNames, -1 for none
	cohort         int32   // year*12 + month-1 of the first order, -1 for none
}

// skipStatus lists order statuses that do not count as purchases (compared case-insensitively).
var skipStatus = [...]string{"cancelled", "canceled", "refunded", "voided", "void"}

// countable reports whether an order counts as a purchase as of now: it has a creation time,
// it is not after now, and its status is not cancelled/refunded/voided.
func countable(o *record.Order, now time.Time) bool {
	if o.CreatedAt.IsZero() || o.CreatedAt.After(now) {
		return false
	}
	st := strings.TrimSpace(o.Status)
	for _, s := range skipStatus {
		if strings.EqualFold(st, s) {
			return false
		}
	}
	return true
}

// currencyTally accumulates one currency's orders while choosing the dominant currency.
type currencyTally struct {
	code  string
	n     int
	minor int64
	last  time.Time
}

// scratch is reusable per-worker memory for baseFacts.
type scratch struct{ tallies []currencyTally }

const day = 24 * time.Hour

// daysBetween is the whole number of days from a to b (b >= a).
func daysBetween(a, b time.Time) int { return int(b.Sub(a) / day) }

// baseFacts fills everything that depends on the profile alone: customer, consent,
// engagement, order aggregates, buyer type and the cohort key. Population-relative facts
// (RFM, CLV, top decile, cohort strings) are filled by later passes.
func baseFacts(p *Profile, now time.Time, f *Facts, st *stats, sc *scratch) {
	c := &p.Customer
	*f = Facts{
		ID:  p.ID,
		Now: now,
		Customer: CustomerFacts{
			Email: c.Email, Phone: c.Phone, FirstName: c.FirstName, LastName: c.LastName,
			Gender: c.Gender, BirthDate: c.BirthDate,
			City: c.Address.City, Region: c.Address.Region, Postcode: c.Address.Postcode,
			Country: c.Address.Country, CreatedAt: c.CreatedAt, Deleted: c.Deleted,
			Attributes: c.Attributes,
		},
		Consent: ConsentFacts{
			Email: consentState(c.Consent, record.ChannelEmail),
			SMS:   consentState(c.Consent, record.ChannelSMS),
		},
		DaysSinceLastOrder:  -1,
		DaysSinceFirstOrder: -1,
		Engagement:          p.Engagement,
	}
	*st = stats{rfm: -1, cohort: -1}

	o := &f.Orders
	tallies := sc.tallies[:0]
	for i := range p.Orders {
		ord := &p.Orders[i]
		if !countable(ord, now) {
			continue
		}
		o.Count++
		if o.FirstAt.IsZero() || ord.CreatedAt.Before(o.FirstAt) {
			o.FirstAt = ord.CreatedAt
		}
		if ord.CreatedAt.After(o.LastAt) {
			o.LastAt = ord.CreatedAt
		}
		tallies = tally(tallies, ord)
	}
	sc.tallies = tallies
	if o.Count == 0 {
		f.Prospect = true
		return
	}

	dom := dominant(tallies)
	exp := CurrencyExponent(dom.code)
	o.Currency = dom.code
	o.CountInCurrency = dom.n
	o.Total = toMajor(dom.minor, exp)
	o.Avg = toMajor(dom.minor, exp) / float64(dom.n)
	st.totalMinor = dom.minor
	st.exp = int8(exp)
	st.spanDays = float64(o.LastAt.Sub(o.FirstAt)) / float64(day)

	f.DaysSinceLastOrder = daysBetween(o.LastAt, now)
	f.DaysSinceFirstOrder = daysBetween(o.FirstAt, now)
	f.RepeatBuyer = o.Count >= 2
	f.OneTimeBuyer = o.Count == 1
	f.CLV.Historical = o.Total
	f.CLV.AOV = o.Avg
	st.cohort = cohortKey(o.FirstAt)
}

// tally adds one order to its currency's tally.
func tally(ts []currencyTally, o *record.Order) []currencyTally {
	code := normalizeCurrency(o.Total.Currency)
	for i := range ts {
		if ts[i].code == code {
			ts[i].n++
			ts[i].minor += o.Total.Amount
			if o.CreatedAt.After(ts[i].last) {
				ts[i].last = o.CreatedAt
			}
			return ts
		}
	}
	return append(ts, currencyTally{code: code, n: 1, minor: o.Total.Amount, last: o.CreatedAt})
}

// dominant picks the currency with the most counted orders; ties go to the currency of the
// most recent order, then to the alphabetically first code.
func dominant(ts []currencyTally) currencyTally {
	best := ts[0]
	for _, t := range ts[1:] {
		switch {
		case t.n != best.n:
			if t.n > best.n {
				best = t
			}
		case !t.last.Equal(best.last):
			if t.last.After(best.last) {
				best = t
			}
		case t.code < best.code:
			best = t
		}
	}
	return best
}

// consentState returns the channel's state, "unknown" when absent or blank.
func consentState(m map[record.Channel]record.Consent, ch record.Channel) string {
	if c, ok := m[ch]; ok && c.State != "" {
		return string(c.State)
	}
	return string(record.ConsentUnknown)
}

// Countable reports whether an order counts as a purchase as of now (not cancelled, refunded or
// voided, and not in the future): the rule every order figure of the engine follows.
func Countable(o *record.Order, now time.Time) bool { return countable(o, now) }
