// Package kpi computes the business figures the console shows over the current profiles: customers
// by source and their overlap, buyers (repeat and one-time), revenue and average order value per
// currency, the CLV distribution, the RFM grid, monthly acquisition cohorts with their retention,
// web conversion and cart abandonment. Every figure follows the segment engine's rules (which
// orders count, RFM scores, CLV), so the dashboard and the segments never disagree.
package kpi

import (
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/segments"
)

// Input is the customer base as of Now: the profiles with their orders and engagement, their
// facts from the segment engine, and each profile's sources.
type Input struct {
	Profiles []segments.Profile
	Facts    map[string]segments.Facts
	Sources  map[string][]string // profile id -> sorted source names
	Now      time.Time
}

// Dashboard is the figures of one customer base.
type Dashboard struct {
	AsOf      time.Time      `json:"as_of"`
	Customers int            `json:"customers"` // live profiles
	BySource  map[string]int `json:"by_source"` // profiles holding a record of the source
	// Overlap counts profiles by the exact set of sources they combine ("hubspot+shop").
	Overlap     map[string]int `json:"overlap"`
	MultiSource int            `json:"multi_source"` // profiles combining two or more sources

	Buyers     int     `json:"buyers"`
	Repeat     int     `json:"repeat_buyers"`
	OneTime    int     `json:"one_time_buyers"`
	Prospects  int     `json:"prospects"`
	RepeatRate float64 `json:"repeat_rate"` // repeat buyers / buyers

	// Money per currency (major units), over counted orders.
	Currencies []Currency `json:"currencies"`

	// CLV is the distribution of predicted 12-month value in the main currency (most buyers).
	CLV CLV `json:"clv"`
	// RFM[r-1][f-1] counts buyers with recency score r and frequency score f.
	RFM [5][5]int `json:"rfm"`
	// RFMSegments counts buyers per named RFM segment.
	RFMSegments map[string]int `json:"rfm_segments"`

	Cohorts []Cohort `json:"cohorts"`

	Web Web `json:"web"`
	// EmailConsent counts profiles by email consent state.
	EmailConsent map[string]int `json:"email_consent"`
}

// Currency is revenue, order count and average order value in one currency.
type Currency struct {
	Code    string  `json:"code"`
	Revenue float64 `json:"revenue"`
	Orders  int     `json:"orders"`
	AOV     float64 `json:"aov"`
	Buyers  int     `json:"buyers"`
}

// CLV is a histogram of predicted 12-month customer value.
type CLV struct {
	Currency      string  `json:"currency"`
	Mean          float64 `json:"mean"`
	Median        float64 `json:"median"`
	Bins          []Bin   `json:"bins"`
	TopDecileFrom float64 `json:"top_decile_from"` // the lowest value in the top decile
}

// Bin is one histogram bar: values in [From, To).
type Bin struct {
	From  float64 `json:"from"`
	To    float64 `json:"to"`
	Count int     `json:"count"`
}

// Cohort is the buyers whose first counted order fell in Month, and the share of them who
// ordered again in each later month (Retention[0] is the acquisition month itself: 1).
type Cohort struct {
	Month     string    `json:"month"` // "2026-03"
	Size      int       `json:"size"`
	Retention []float64 `json:"retention"`
}

// Web is the analytics funnel over every profile's engagement metrics.
type Web struct {
	Sessions        float64 `json:"sessions"`
	AddToCarts      float64 `json:"add_to_carts"`
	Purchases       float64 `json:"purchases"`
	ConversionRate  float64 `json:"conversion_rate"`  // purchases / sessions
	CartAbandonment float64 `json:"cart_abandonment"` // 1 - purchases / add-to-carts
	Profiles        int     `json:"profiles"`         // profiles with any engagement
}

// Engagement metric names (GA4's).
const (
	MetricSessions  = "sessions"
	MetricAddToCart = "addToCarts"
	MetricPurchases = "ecommercePurchases"
)

// maxCohorts and retentionMonths bound the cohort table (the newest cohorts are shown).
const (
	maxCohorts      = 12
	retentionMonths = 12
	clvBins         = 10
)

// Compute derives the dashboard from the input.
func Compute(in Input) Dashboard {
	d := Dashboard{AsOf: in.Now.UTC(), BySource: map[string]int{}, Overlap: map[string]int{},
		RFMSegments: map[string]int{}, EmailConsent: map[string]int{}}
	money := map[string]*Currency{}
	buyersIn := map[string]map[string]bool{}
	cohortOf := map[int][]map[int]bool{} // acquisition month -> per buyer, the months ordered in
	for i := range in.Profiles {
		p := &in.Profiles[i]
		if p.Customer.Deleted {
			continue
		}
		d.Customers++
		srcs := in.Sources[p.ID]
		for _, s := range srcs {
			d.BySource[s]++
		}
		if len(srcs) > 0 {
			d.Overlap[strings.Join(srcs, "+")]++
		}
		if len(srcs) > 1 {
			d.MultiSource++
		}
		f, ok := in.Facts[p.ID]
		if ok {
			d.EmailConsent[f.Consent.Email]++
		}
		switch {
		case ok && f.RepeatBuyer:
			d.Repeat++
		case ok && f.OneTimeBuyer:
			d.OneTime++
		default:
			d.Prospects++
		}
		if ok && f.RFM.R > 0 && f.RFM.F > 0 {
			d.RFM[f.RFM.R-1][f.RFM.F-1]++
			d.RFMSegments[f.RFM.Segment]++
		}
		months := map[int]bool{}
		first := math.MaxInt
		for j := range p.Orders {
			o := &p.Orders[j]
			if !segments.Countable(o, in.Now) {
				continue
			}
			c := strings.ToUpper(o.Total.Currency)
			m := money[c]
			if m == nil {
				m = &Currency{Code: c}
				money[c], buyersIn[c] = m, map[string]bool{}
			}
			m.Revenue += segments.MajorUnits(o.Total.Amount, c)
			m.Orders++
			buyersIn[c][p.ID] = true
			mo := monthIndex(o.CreatedAt)
			months[mo] = true
			first = min(first, mo)
		}
		if len(months) > 0 {
			cohortOf[first] = append(cohortOf[first], months)
		}
		for _, metric := range []string{MetricSessions, MetricAddToCart, MetricPurchases} {
			if v := p.Engagement[metric]; v != 0 {
				switch metric {
				case MetricSessions:
					d.Web.Sessions += v
				case MetricAddToCart:
					d.Web.AddToCarts += v
				case MetricPurchases:
					d.Web.Purchases += v
				}
			}
		}
		if len(p.Engagement) > 0 {
			d.Web.Profiles++
		}
	}
	d.Buyers = d.Repeat + d.OneTime
	d.RepeatRate = ratio(float64(d.Repeat), float64(d.Buyers))
	for _, c := range slices.Sorted(maps.Keys(money)) {
		m := money[c]
		m.Revenue = round2(m.Revenue)
		m.AOV = round2(ratio(m.Revenue, float64(m.Orders)))
		m.Buyers = len(buyersIn[c])
		d.Currencies = append(d.Currencies, *m)
	}
	sort.SliceStable(d.Currencies, func(i, j int) bool { return d.Currencies[i].Buyers > d.Currencies[j].Buyers })
	d.Web.ConversionRate = ratio(d.Web.Purchases, d.Web.Sessions)
	if d.Web.AddToCarts > 0 {
		d.Web.CartAbandonment = math.Max(0, 1-d.Web.Purchases/d.Web.AddToCarts)
	}
	if len(d.Currencies) > 0 {
		d.CLV = clvOf(in, d.Currencies[0].Code)
	}
	d.Cohorts = cohorts(cohortOf, monthIndex(in.Now))
	return d
}

// clvOf builds the predicted-CLV histogram over buyers whose orders are in currency.
func clvOf(in Input, currency string) CLV {
	var vals []float64
	for _, f := range in.Facts {
		if f.Orders.Count > 0 && strings.EqualFold(f.Orders.Currency, currency) && !f.Customer.Deleted {
			vals = append(vals, f.CLV.Predicted12m)
		}
	}
	c := CLV{Currency: currency}
	if len(vals) == 0 {
		return c
	}
	sort.Float64s(vals)
	sum := 0.0
	for _, v := range vals {
		sum += v
	}
	c.Mean = round2(sum / float64(len(vals)))
	c.Median = round2(vals[len(vals)/2])
	c.TopDecileFrom = round2(vals[len(vals)*9/10])
	// Bins up to the 95th percentile, the last one open-ended, so a few whales do not flatten the rest.
	hi := vals[min(len(vals)-1, len(vals)*95/100)]
	width := niceWidth(hi / clvBins)
	for i := 0; i < clvBins; i++ {
		c.Bins = append(c.Bins, Bin{From: float64(i) * width, To: float64(i+1) * width})
	}
	c.Bins[clvBins-1].To = math.Inf(1)
	for _, v := range vals {
		i := min(clvBins-1, max(0, int(v/width)))
		c.Bins[i].Count++
	}
	return c
}

// cohorts turns acquisition months into retention rows, newest maxCohorts first.
func cohorts(by map[int][]map[int]bool, now int) []Cohort {
	keys := slices.Sorted(maps.Keys(by))
	if len(keys) > maxCohorts {
		keys = keys[len(keys)-maxCohorts:]
	}
	var out []Cohort
	for _, k := range keys {
		buyers := by[k]
		c := Cohort{Month: monthLabel(k), Size: len(buyers)}
		for off := 0; off < retentionMonths && k+off <= now; off++ {
			n := 0
			for _, months := range buyers {
				if months[k+off] {
					n++
				}
			}
			c.Retention = append(c.Retention, round4(float64(n)/float64(len(buyers))))
		}
		out = append(out, c)
	}
	return out
}

func monthIndex(t time.Time) int {
	t = t.UTC()
	return t.Year()*12 + int(t.Month()) - 1
}

func monthLabel(i int) string {
	return time.Date(i/12, time.Month(i%12+1), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
}

// niceWidth rounds a bin width up to 1, 2 or 5 times a power of ten.
func niceWidth(w float64) float64 {
	if w <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(w)))
	for _, m := range []float64{1, 2, 5, 10} {
		if w <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return round4(a / b)
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
func round4(v float64) float64 { return math.Round(v*10000) / 10000 }
