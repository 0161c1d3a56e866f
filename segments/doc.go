// doc.go holds the package documentation: the facts rules can use, the built-in segments,
// the RFM and CLV models, and the rule language.

// Package segments computes per-profile facts (order aggregates, RFM scores, customer
// lifetime value, acquisition cohort, buyer type) and segment memberships: built-in segments
// that every evaluation produces, plus user segments defined as expr-lang rules in
// configuration. It is a pure library: no I/O, no clock, no Temporal.
//
// # Evaluation
//
// [Engine.Evaluate] takes every resolved [Profile] and an as-of time now. Everything is
// computed relative to now, never the wall clock, so an evaluation is reproducible: the same
// profiles (in any order) and the same now give the same [Result]. Member lists are sorted
// by profile id. Profile ids must be unique and non-empty, and now must not be zero.
//
// Several facts are relative to the whole population evaluated together (RFM scores,
// clv.predicted_12m through its population figures, clv.top_decile): evaluate all profiles
// in one call.
//
// # Counted orders
//
// An order counts as a purchase when it has a creation time, was created at or before now
// (later orders do not exist yet as of now), and its status is not cancelled, canceled,
// refunded, voided or void (case-insensitive; "partially_refunded" still counts). Every order
// fact below is over counted orders only. Orders are taken as given; the caller de-duplicates.
//
// # Money and currencies
//
// Amounts are stored as integer minor units (record.Money) and summed as integers; they are
// converted to major units for rules with the currency's ISO 4217 exponent: 0 for JPY, KRW,
// CLP, ISK, VND ...; 3 for BHD, IQD, JOD, KWD, LYD, OMR, TND; 4 for CLF, UYW; 2 for every
// other (or unknown) code. So 1999 is 19.99 USD, 1999 JPY, 1.999 KWD.
//
// The engine has no exchange rates. A profile's money facts are in its dominant currency:
// the currency of most of its counted orders; on a tie, the currency of the most recent of
// the tied currencies' orders; then the alphabetically first code. orders.total,
// orders.avg and all clv.* figures cover only the orders in that currency, while
// orders.count, the dates and the days-since facts cover every counted order. The monetary
// RFM score and clv.top_decile rank a buyer only against buyers with the same dominant
// currency, since amounts in different currencies are not comparable.
//
// # Fields available to rules
//
// Each rule sees one profile's [Facts]. Names are dotted; times are time.Time values that
// compare with date("2024-01-01") and now - duration("720h").
//
//	id                          string  profile id
//	now                         time    the evaluation's as-of time (the now() builtin is disabled)
//
//	customer.email              string  golden record fields, as cleansed
//	customer.phone              string
//	customer.first_name         string
//	customer.last_name          string
//	customer.gender             string  m | f | x after cleansing
//	customer.birth_date         string  YYYY-MM-DD after cleansing
//	customer.city               string
//	customer.region             string  ISO 3166-2 subdivision where known
//	customer.postcode           string
//	customer.country            string  ISO 3166 alpha-2, e.g. "US"
//	customer.created_at         time    zero when unknown
//	customer.deleted            bool    the vendor reports the record deleted
//	customer.attributes.<name>  string  vendor fields without a canonical home; "" when absent
//
//	consent.email               string  subscribed | not_subscribed | unsubscribed | pending |
//	consent.sms                 string  redacted | unknown ("unknown" when none is recorded)
//
//	orders.count                int     counted orders, any currency
//	orders.total                float   sum in major units of orders.currency
//	orders.avg                  float   orders.total / orders.count_in_currency
//	orders.first_at             time    first counted order (zero without orders)
//	orders.last_at              time    last counted order (zero without orders)
//	orders.currency             string  dominant currency ("" without orders)
//	orders.count_in_currency    int     counted orders in orders.currency
//	days_since_last_order       int     whole days from orders.last_at to now; -1 without orders
//	days_since_first_order      int     whole days from orders.first_at to now; -1 without orders
//
//	rfm.r                       int     recency score 1-5 (5 = most recent); 0 without orders
//	rfm.f                       int     frequency score 1-5 (5 = most orders); 0 without orders
//	rfm.m                       int     monetary score 1-5 (5 = highest total); 0 without orders
//	rfm.score                   string  the three scores, e.g. "545"; "" without orders
//	rfm.segment                 string  champions, loyal_customers, ... (see RFM); "" without orders
//
//	clv.historical              float   total spent: orders.total
//	clv.aov                     float   average order value: orders.avg
//	clv.predicted_12m           float   predicted spend over the next 12 months (see Predicted CLV)
//	clv.top_decile              bool    clv.predicted_12m is in the top 10% of its currency
//
//	cohort                      string  month of the first counted order, UTC: "2024-07"; "" without orders
//	cohort_quarter              string  quarter of the first counted order: "2024Q3"; "" without orders
//
//	repeat_buyer                bool    orders.count >= 2
//	one_time_buyer              bool    orders.count == 1
//	prospect                    bool    orders.count == 0
//
//	engagement.<metric>         float   behavioural metric summed over analytics sources
//	                                    (engagement.sessions, engagement.addToCarts,
//	                                    engagement.ecommercePurchases ...); 0 when absent.
//	                                    Names that are not identifiers: engagement["add-to-carts"]
//
// Guard order-based comparisons for prospects: days_since_last_order is -1 for them, so
// "days_since_last_order < 30" includes them unless written
// "orders.count > 0 && days_since_last_order < 30". [Fields] lists the same names
// programmatically.
//
// # RFM
//
// Every buyer (a profile with at least one counted order) gets three quintile scores from 1
// to 5: recency R from days_since_last_order (fewer days score higher), frequency F from
// orders.count, monetary M from the dominant-currency total. R and F rank all buyers; M
// ranks buyers with the same dominant currency.
//
// A buyer scores 1 + floor(5 * below / n), where n is the number of buyers ranked and below
// the number of them with a strictly worse value. Equal values always get equal scores, the
// scores do not depend on input order, and a score s means "better than at least (s-1)/5 of
// buyers". A tie group takes the score of its lowest position: if 70% of buyers ordered
// exactly once, they all get F=1 and the two-order buyers start at F=4. Consequently a value
// shared by everyone scores 1, and on tiny populations scores are coarse (a single buyer is
// 111).
//
// The named segment comes from R and FM = floor((F+M)/2), so spend alone cannot lift a
// customer a full frequency band:
//
//	        FM=1            FM=2                FM=3                FM=4             FM=5
//	R=5     new_customers   potential_loyalists potential_loyalists champions        champions
//	R=4     promising       potential_loyalists potential_loyalists loyal_customers  loyal_customers
//	R=3     about_to_sleep  about_to_sleep      need_attention      loyal_customers  loyal_customers
//	R=2     hibernating     hibernating         at_risk             at_risk          cant_lose
//	R=1     lost            lost                at_risk             at_risk          cant_lose
//
// Profiles without counted orders have no scores: rfm.r/f/m are 0 and rfm.score and
// rfm.segment are "", and they are in no rfm.* segment (they are in buyers.prospects).
//
// # Predicted CLV
//
// clv.predicted_12m = aov × expected orders in the next 365 days × probability the customer
// is still active. It is deterministic and uses two population figures, reported in
// [Result].CLV ([CLVModel]):
//
//   - RepeatRate: the share of buyers with at least two counted orders.
//   - MedianGapDays: the median, over those repeat buyers, of their mean days between orders,
//     (last_at - first_at) / (count - 1); 365 when nobody has ordered twice.
//
// For a buyer with count counted orders spanning span days (last_at - first_at, fractional),
// the last one recency = days_since_last_order days ago:
//
//	gap      = max((span + MedianGapDays) / count, 1)     expected days between orders
//	expected = 365 / gap                                  orders a year while active
//	           × RepeatRate if count == 1                 (only that share of one-time buyers return)
//	pActive  = 1                   if recency <= gap      not yet overdue
//	         = exp(1 - recency/gap) otherwise             decays by e per further gap of silence
//	clv.predicted_12m = aov × expected × pActive, rounded to the currency's minor unit
//
// gap is the buyer's own mean gap shrunk towards the population median by one pseudo-gap: a
// buyer with many orders keeps their own rhythm, a buyer with two same-day orders does not
// get an absurd rate, and a one-time buyer uses the median. Example with MedianGapDays 30 and
// RepeatRate 0.25: three $50 orders over 60 days, the last 15 days ago: gap (60+30)/3 = 30,
// expected 365/30 = 12.17, pActive 1, predicted $608.33; the same buyer silent for 60 days:
// pActive e^-1 = 0.368, predicted $223.79; one $80 order 10 days ago: gap 30, expected
// 12.17 × 0.25 = 3.04, predicted $243.33. Prospects have clv.* = 0, and a negative aov (net
// refunds) predicts 0.
//
// clv.top_decile is true for the buyers whose predicted value is among the ceil(n/10)
// highest of the n buyers with the same dominant currency, ties at the cut-off included;
// a predicted value of 0 never qualifies.
//
// # Cohorts
//
// cohort is the UTC calendar month of the first counted order ("2024-07") and cohort_quarter
// its quarter ("2024Q3"): the acquisition cohort. Prospects have neither.
//
// # Built-in segments
//
// Always computed; [BuiltinNames] lists the static ones in this order. A profile is in
// exactly one rfm.* segment when it has counted orders, and in exactly one buyers.* segment.
//
//	rfm.champions            rfm.segment == "champions"
//	rfm.loyal_customers      rfm.segment == "loyal_customers"
//	rfm.potential_loyalists  rfm.segment == "potential_loyalists"
//	rfm.new_customers        rfm.segment == "new_customers"
//	rfm.promising            rfm.segment == "promising"
//	rfm.need_attention       rfm.segment == "need_attention"
//	rfm.about_to_sleep       rfm.segment == "about_to_sleep"
//	rfm.at_risk              rfm.segment == "at_risk"
//	rfm.cant_lose            rfm.segment == "cant_lose"
//	rfm.hibernating          rfm.segment == "hibernating"
//	rfm.lost                 rfm.segment == "lost"
//	buyers.repeat            repeat_buyer (orders.count >= 2)
//	buyers.one_time          one_time_buyer (orders.count == 1)
//	buyers.prospects         prospect (orders.count == 0)
//	clv.top_decile           clv.top_decile
//	cohort.<YYYY-MM>         cohort == "YYYY-MM"; one segment per cohort that has members
//
// Every static built-in and user segment appears in [Result].Members, empty ones as an empty
// list, so a segment that empties out still produces removals downstream; cohort segments
// appear only while they have members.
//
// # User segments
//
// A [Definition] names a segment and gives its rule, an expr-lang
// (https://expr-lang.org) boolean expression over the fields above:
//
//	rfm.segment in ["at_risk", "cant_lose"] && clv.predicted_12m > 200
//	orders.count == 1
//	consent.email == "subscribed" && customer.country == "US"
//	engagement.sessions > 3 && orders.count == 0
//	orders.count > 0 && orders.last_at < now - duration("2160h")
//	customer.attributes.tags contains "wholesale"
//	cohort_quarter == "2024Q3" && repeat_buyer
//
// [New] compiles every rule at start-up against the typed [Facts] environment, so syntax
// errors, unknown fields (orders.cnt), type errors (orders.count == "one") and non-boolean
// results (orders.count) fail there. The error is a *[RuleError] whose message names the
// definition (segments[i].rule), the segment and the rule, points at the offending position,
// and lists the available fields; New reports all invalid definitions at once. Segment names
// must be unique, non-empty, without surrounding spaces, and must not start with a reserved
// built-in prefix: rfm., buyers., clv., cohort.. [ValidateRule] checks a single rule.
//
// A rule that fails on a profile at evaluation time (e.g. int(customer.first_name) on a
// non-numeric name) fails the evaluation with a *RuleError naming the segment and the profile.
//
// # Deltas
//
// [Diff] compares a segment's previous and new member lists (sorted, as Result.Members
// are) and returns the ids to add to and remove from a destination audience.
//
// # Scale
//
// Evaluate works on slices indexed by profile: no per-profile maps, shared strings for
// scores and cohorts, member lists sized before filling, and base facts and rules spread over
// GOMAXPROCS goroutines (results do not depend on scheduling). Memory is roughly one Facts
// (about 520 bytes) per profile plus, for Evaluate, the Result.Facts map;
// [Engine.EvaluateMembers] skips that map when only memberships are needed.
package segments
