// This file holds the Shopify Admin REST imitation: customers.json and orders.json with Link/page_info
// paging, the leaky-bucket call limit and its headers, and Shopify's {"errors": ...} bodies.
package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

func init() {
	register(Shopify, func(sb *Sandbox) vendor { return &shopifyAPI{sb: sb, capacity: 40, leak: 2} })
}

const (
	shopifyDefaultLimit = 50
	shopifyMaxLimit     = 250
)

// shopifyZone is the shop's time zone: Shopify renders timestamps with the shop's UTC offset.
var shopifyZone = time.FixedZone("EST", -5*3600)

// shopifyAPI imitates https://{shop}.myshopify.com/admin/api/{version}/.
//
// Quirks: ids are JSON numbers; money is decimal strings plus *_set objects; timestamps carry the
// shop's -05:00 offset; records come in ascending id order; paging is by Link header
// (rel="next"/rel="previous") whose page_info token carries the original filters, and a request that
// sends any parameter other than limit/fields alongside page_info is a 400; limit defaults to 50 and
// may not exceed 250; orders.json without status returns open orders only (status=any for all);
// email_marketing_consent is null for customers without email and sms_marketing_consent for those
// without phone. A leaky bucket (capacity 40, leaking 2/s by default; see SetShopifyBucket) is
// reported in X-Shopify-Shop-Api-Call-Limit and overflowing it answers 429 with Retry-After: 2.0.
type shopifyAPI struct {
	sb *Sandbox

	mu       sync.Mutex
	level    float64
	last     time.Time
	capacity int
	leak     float64
}

// SetShopifyBucket sets the Shopify imitation's leaky bucket: capacity calls, leaking leakPerSecond
// (Shopify standard plans: 40 and 2). Tests that page quickly raise the leak rate.
func (sb *Sandbox) SetShopifyBucket(capacity int, leakPerSecond float64) {
	if v, ok := sb.vendors[Shopify].(*shopifyAPI); ok {
		v.mu.Lock()
		v.capacity, v.leak, v.level = max(capacity, 1), leakPerSecond, 0
		v.mu.Unlock()
	}
}

// take leaks the bucket and adds one call; it reports false when the bucket is full.
func (s *shopifyAPI) take() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drain()
	if s.level+1 > float64(s.capacity) {
		return false
	}
	s.level++
	return true
}

func (s *shopifyAPI) drain() {
	now := time.Now()
	if !s.last.IsZero() {
		s.level = math.Max(0, s.level-now.Sub(s.last).Seconds()*s.leak)
	}
	s.last = now
}

func (s *shopifyAPI) callLimit(w http.ResponseWriter) {
	s.mu.Lock()
	s.drain()
	v := fmt.Sprintf("%d/%d", int(math.Ceil(s.level)), s.capacity)
	s.mu.Unlock()
	w.Header().Set("X-Shopify-Shop-Api-Call-Limit", v)
}

func (s *shopifyAPI) write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *shopifyAPI) fail(w http.ResponseWriter, status int, errs any) {
	s.write(w, status, map[string]any{"errors": errs})
}

// Throttle answers Shopify's rate limit: 429 with a fractional Retry-After.
func (s *shopifyAPI) Throttle(w http.ResponseWriter) {
	s.callLimit(w)
	w.Header().Set("Retry-After", "2.0")
	s.fail(w, http.StatusTooManyRequests, "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.")
}

var shopifyPathRE = regexp.MustCompile(`^/admin/api/(\d{4}-\d{2}|unstable)/(customers|orders)\.json$`)

func (s *shopifyAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tok := r.Header.Get("X-Shopify-Access-Token")
	if s.sb.TokenState(tok) != TokenValid {
		s.fail(w, http.StatusUnauthorized, "[API] Invalid API key or access token (unrecognized login or wrong password)")
		return
	}
	if r.URL.Path == "/admin/oauth/access_scopes.json" && r.Method == http.MethodGet {
		var handles []map[string]string
		for _, sc := range s.scopes(tok) {
			handles = append(handles, map[string]string{"handle": sc})
		}
		s.write(w, http.StatusOK, map[string]any{"access_scopes": handles})
		return
	}
	if !s.take() {
		if st := s.sb.stats[Shopify]; st != nil {
			st.Throttled.Add(1)
		}
		s.Throttle(w)
		return
	}
	s.callLimit(w)
	m := shopifyPathRE.FindStringSubmatch(r.URL.Path)
	if m == nil || r.Method != http.MethodGet {
		s.fail(w, http.StatusNotFound, "Not Found")
		return
	}
	w.Header().Set("X-Shopify-API-Version", shopifyServedVersion(m[1]))
	s.list(w, r, m[2], slices.Contains(s.scopes(tok), "read_all_orders"))
}

// shopifyLive are the supported versions on 2026-12-02, oldest first; a request for another
// version is answered by the oldest supported one, as Shopify does.
var shopifyLive = []string{"2026-01", "2026-04", "2026-07", "2026-10", "2027-01"}

func shopifyServedVersion(v string) string {
	if v == "unstable" || slices.Contains(shopifyLive, v) {
		return v
	}
	return shopifyLive[0]
}

// scopes are the access scopes of a token: what the token endpoint granted, or for static
// tokens the app's scopes (SetScopes).
func (s *shopifyAPI) scopes(tok string) []string {
	if sc, issued := s.sb.TokenScopes(tok); issued {
		return sc
	}
	return s.sb.grantedScopes(Shopify, defaultShopifyScopes)
}

// shopifyOrderWindow is how far back orders are visible without read_all_orders.
const shopifyOrderWindow = 60 * 24 * time.Hour

// shopifyCursor is what a page_info token carries.
type shopifyCursor struct {
	Dir     string            `json:"d"`  // next | prev
	ID      string            `json:"id"` // last id of the previous page (next) or first id (prev)
	Filters map[string]string `json:"f,omitempty"`
}

func (c shopifyCursor) token() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// shopifyFilters are the parameters that may not accompany page_info.
var shopifyFilters = map[string]bool{"updated_at_min": true, "updated_at_max": true, "created_at_min": true,
	"created_at_max": true, "since_id": true, "ids": true, "status": true, "financial_status": true}

func shopifyParseTime(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO 8601 date", v)
}

func (s *shopifyAPI) list(w http.ResponseWriter, r *http.Request, resource string, allOrders bool) {
	q := r.URL.Query()
	limit := shopifyDefaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > shopifyMaxLimit {
			s.fail(w, http.StatusBadRequest, map[string][]string{"limit": {fmt.Sprintf("must be between 1 and %d", shopifyMaxLimit)}})
			return
		}
		limit = n
	}
	cur := shopifyCursor{Dir: "next"}
	filters := map[string]string{}
	if pi := q.Get("page_info"); pi != "" {
		for k := range q {
			if k != "page_info" && k != "limit" && k != "fields" {
				s.fail(w, http.StatusBadRequest, fmt.Sprintf("page_info cannot be combined with %s: only limit and fields may be sent with page_info", k))
				return
			}
		}
		raw, err := base64.RawURLEncoding.DecodeString(pi)
		if err != nil || json.Unmarshal(raw, &cur) != nil || (cur.Dir != "next" && cur.Dir != "prev") {
			s.fail(w, http.StatusBadRequest, "page_info - Invalid value.")
			return
		}
		for k, v := range cur.Filters {
			filters[k] = v
		}
	} else {
		for k := range shopifyFilters {
			if v := q.Get(k); v != "" {
				filters[k] = v
			}
		}
	}
	var tmin, tmax, cmin, cmax time.Time
	for k, dst := range map[string]*time.Time{"updated_at_min": &tmin, "updated_at_max": &tmax, "created_at_min": &cmin, "created_at_max": &cmax} {
		if v := filters[k]; v != "" {
			t, err := shopifyParseTime(v)
			if err != nil {
				s.fail(w, http.StatusBadRequest, map[string][]string{k: {"is invalid"}})
				return
			}
			*dst = t
		}
	}
	status := filters["status"]
	if resource == "orders" && status == "" {
		status = "open"
	}
	ids := map[string]bool{}
	if v := filters["ids"]; v != "" {
		for _, id := range strings.Split(v, ",") {
			ids[strings.TrimSpace(id)] = true
		}
	}
	inRange := func(created, updated time.Time) bool {
		u, c := updated.Truncate(time.Second), created.Truncate(time.Second)
		return (tmin.IsZero() || !u.Before(tmin)) && (tmax.IsZero() || !u.After(tmax)) &&
			(cmin.IsZero() || !c.Before(cmin)) && (cmax.IsZero() || !c.After(cmax))
	}
	keep := func(id string) bool {
		if len(ids) > 0 && !ids[id] {
			return false
		}
		return filters["since_id"] == "" || idOrderLess(filters["since_id"], id)
	}

	ds, release := s.sb.Data()
	defer release()
	sd := ds.Sources[Shopify]
	var all []string // matching ids in ascending order
	var render func(id string) map[string]any
	switch resource {
	case "customers":
		byID := map[string]*Contact{}
		for i := range sd.Contacts {
			c := &sd.Contacts[i]
			if !c.Archived && keep(c.ID) && inRange(c.CreatedAt, c.UpdatedAt) {
				byID[c.ID] = c
				all = append(all, c.ID)
			}
		}
		stats := shopifyOrderStats(sd.Orders)
		render = func(id string) map[string]any { return shopifyCustomer(byID[id], stats[id]) }
	default:
		contacts := map[string]*Contact{}
		for i := range sd.Contacts {
			contacts[sd.Contacts[i].ID] = &sd.Contacts[i]
		}
		byID := map[string]*Order{}
		for i := range sd.Orders {
			o := &sd.Orders[i]
			if !allOrders && o.CreatedAt.Before(ds.Opts.Now.Add(-shopifyOrderWindow)) {
				continue // without read_all_orders only the last 60 days of orders exist
			}
			if keep(o.ID) && inRange(o.CreatedAt, o.UpdatedAt) && shopifyStatusMatch(o, status) {
				byID[o.ID] = o
				all = append(all, o.ID)
			}
		}
		render = func(id string) map[string]any { o := byID[id]; return shopifyOrder(o, contacts[o.ContactID]) }
	}
	sort.Slice(all, func(i, j int) bool { return idOrderLess(all[i], all[j]) })

	// locate the window
	start, end := 0, 0
	if cur.ID == "" {
		end = min(limit, len(all))
	} else if cur.Dir == "next" {
		start = sort.Search(len(all), func(i int) bool { return idOrderLess(cur.ID, all[i]) })
		end = min(start+limit, len(all))
	} else {
		end = sort.Search(len(all), func(i int) bool { return !idOrderLess(all[i], cur.ID) })
		start = max(0, end-limit)
	}
	page := all[start:end]
	fields := map[string]bool{}
	for _, f := range strings.Split(q.Get("fields"), ",") {
		if f = strings.TrimSpace(f); f != "" {
			fields[f] = true
		}
	}
	items := make([]map[string]any, 0, len(page))
	for _, id := range page {
		obj := render(id)
		if len(fields) > 0 {
			for k := range obj {
				if !fields[k] {
					delete(obj, k)
				}
			}
		}
		items = append(items, obj)
	}

	var links []string
	link := func(c shopifyCursor, rel string) {
		c.Filters = filters
		v := url.Values{"limit": {strconv.Itoa(limit)}, "page_info": {c.token()}}
		if f := q.Get("fields"); f != "" {
			v.Set("fields", f)
		}
		links = append(links, fmt.Sprintf(`<http://%s%s?%s>; rel="%s"`, r.Host, r.URL.Path, v.Encode(), rel))
	}
	if cur.ID != "" && start > 0 && len(page) > 0 {
		link(shopifyCursor{Dir: "prev", ID: page[0]}, "previous")
	}
	if end < len(all) && len(page) > 0 {
		link(shopifyCursor{Dir: "next", ID: page[len(page)-1]}, "next")
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	s.write(w, http.StatusOK, map[string]any{resource: items})
}

func shopifyStatusMatch(o *Order, status string) bool {
	cancelled := o.Status == "cancelled"
	closed := !o.ClosedAt.IsZero()
	switch status {
	case "any":
		return true
	case "cancelled":
		return cancelled
	case "closed":
		return closed && !cancelled
	default: // open
		return !closed && !cancelled
	}
}

type shopifySpend struct {
	count    int
	total    int64
	currency string
	lastID   string
}

func shopifyOrderStats(orders []Order) map[string]shopifySpend {
	out := map[string]shopifySpend{}
	for _, o := range orders {
		s := out[o.ContactID]
		s.count++
		if o.Status != "cancelled" {
			s.total += o.Total.Amount
		}
		s.currency = o.Total.Currency
		if s.lastID == "" || idOrderLess(s.lastID, o.ID) {
			s.lastID = o.ID
		}
		out[o.ContactID] = s
	}
	return out
}

func shopifyTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.In(shopifyZone).Format("2006-01-02T15:04:05-07:00")
}

func shopifyStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// shopifyID renders a numeric id as a JSON number.
func shopifyID(id string) any {
	if idDigits(id) {
		return json.Number(strings.TrimLeft(id, "0"))
	}
	return id
}

// shopifyExponent is the minor-unit exponent of a currency.
func shopifyExponent(currency string) int {
	switch currency {
	case "JPY", "KRW", "CLP", "ISK", "VND":
		return 0
	case "BHD", "KWD", "OMR", "JOD", "TND":
		return 3
	}
	return 2
}

// shopifyMoney renders minor units as Shopify's decimal string ("199.65").
func shopifyMoney(amount int64, currency string) string {
	e := shopifyExponent(currency)
	neg := amount < 0
	u := uint64(amount)
	if neg {
		u = uint64(-(amount + 1)) + 1
	}
	s := strconv.FormatUint(u, 10)
	if e > 0 {
		if len(s) <= e {
			s = strings.Repeat("0", e-len(s)+1) + s
		}
		s = s[:len(s)-e] + "." + s[len(s)-e:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

func shopifyMoneySet(amount int64, currency string) map[string]any {
	m := map[string]any{"amount": shopifyMoney(amount, currency), "currency_code": currency}
	return map[string]any{"shop_money": m, "presentment_money": m}
}

func shopifyAddress(c *Contact) any {
	a := c.Address
	if a.IsZero() {
		return nil
	}
	return map[string]any{"id": shopifyID("9" + strings.TrimLeft(c.ID, "0")), "customer_id": shopifyID(c.ID),
		"first_name": strings.TrimSpace(c.FirstName), "last_name": c.LastName, "company": nil,
		"address1": shopifyStr(a.Line1), "address2": shopifyStr(a.Line2), "city": shopifyStr(a.City),
		"province": shopifyStr(a.Region), "country": shopifyStr(a.Country), "zip": shopifyStr(a.Postcode),
		"phone": shopifyStr(c.Phone), "name": strings.TrimSpace(strings.TrimSpace(c.FirstName) + " " + c.LastName),
		"province_code": shopifyStr(a.Region), "country_code": shopifyStr(a.Country), "country_name": shopifyStr(a.Country),
		"default": true}
}

func shopifyCustomer(c *Contact, spend shopifySpend) map[string]any {
	currency := spend.currency
	if currency == "" {
		currency = "USD"
	}
	var emailConsent, smsConsent any
	if c.Email != "" {
		m := map[string]any{"state": string(c.EmailConsent), "opt_in_level": nil, "consent_updated_at": nil}
		if c.EmailConsent == "subscribed" || c.EmailConsent == "unsubscribed" {
			level := "single_opt_in"
			if n, err := strconv.Atoi(c.ID); err == nil && n%4 == 0 {
				level = "confirmed_opt_in"
			}
			m["opt_in_level"], m["consent_updated_at"] = level, shopifyTime(c.UpdatedAt)
		}
		emailConsent = m
	}
	if c.Phone != "" {
		m := map[string]any{"state": string(c.SMSConsent), "opt_in_level": "single_opt_in",
			"consent_updated_at": nil, "consent_collected_from": "OTHER"}
		if c.SMSConsent == "subscribed" {
			m["consent_updated_at"] = shopifyTime(c.CreatedAt)
		}
		smsConsent = m
	}
	var lastOrder any
	if spend.lastID != "" {
		lastOrder = shopifyID(spend.lastID)
	}
	addr := shopifyAddress(c)
	addrs := []any{}
	if addr != nil {
		addrs = append(addrs, addr)
	}
	state := "disabled"
	if c.PersonID >= 0 && c.PersonID%3 == 0 {
		state = "enabled"
	}
	return map[string]any{
		"id": shopifyID(c.ID), "email": shopifyStr(c.Email), "created_at": shopifyTime(c.CreatedAt),
		"updated_at": shopifyTime(c.UpdatedAt), "first_name": shopifyStr(c.FirstName), "last_name": shopifyStr(c.LastName),
		"orders_count": spend.count, "state": state, "total_spent": shopifyMoney(spend.total, currency),
		"last_order_id": lastOrder, "note": nil, "verified_email": c.Email != "", "multipass_identifier": nil,
		"tax_exempt": false, "tags": "", "currency": currency, "phone": shopifyStr(c.Phone), "addresses": addrs,
		"tax_exemptions": []any{}, "email_marketing_consent": emailConsent, "sms_marketing_consent": smsConsent,
		"admin_graphql_api_id": "gid://shopify/Customer/" + c.ID, "default_address": addr,
	}
}

// shopifyProductID turns the dataset's product id ("P-100") into Shopify's numeric id (100).
func shopifyProductID(p string) any {
	d := strings.TrimLeft(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, p), "0")
	if d == "" {
		return nil
	}
	return json.Number(d)
}

func shopifyOrder(o *Order, c *Contact) map[string]any {
	cur := o.Total.Currency
	financial, fulfillment := "paid", any("fulfilled")
	var cancelledAt, cancelReason any
	switch o.Status {
	case "cancelled":
		financial, fulfillment, cancelReason = "voided", nil, "customer"
		at := o.ClosedAt
		if at.IsZero() {
			at = o.UpdatedAt
		}
		cancelledAt = shopifyTime(at)
	case "refunded":
		financial = "refunded"
	case "open", "pending":
		financial, fulfillment = "pending", nil
	}
	var lines []any
	for i, l := range o.Lines {
		lc := l.Price.Currency
		if lc == "" {
			lc = cur
		}
		lines = append(lines, map[string]any{
			"id": shopifyID(fmt.Sprintf("%s%02d", strings.TrimLeft(o.ID, "0"), i+1)), "product_id": shopifyProductID(l.ProductID),
			"variant_id": shopifyProductID(l.ProductID + "01"), "title": l.Title, "name": l.Title, "quantity": l.Quantity,
			"price": shopifyMoney(l.Price.Amount, lc), "price_set": shopifyMoneySet(l.Price.Amount, lc), "sku": shopifyStr(l.SKU),
			"total_discount": shopifyMoney(0, lc), "requires_shipping": true, "taxable": true, "gift_card": false,
		})
	}
	if lines == nil {
		lines = []any{}
	}
	var customer any
	if c != nil {
		customer = map[string]any{"id": shopifyID(c.ID), "email": shopifyStr(c.Email), "first_name": shopifyStr(c.FirstName),
			"last_name": shopifyStr(c.LastName), "phone": shopifyStr(c.Phone), "created_at": shopifyTime(c.CreatedAt),
			"updated_at": shopifyTime(c.UpdatedAt), "admin_graphql_api_id": "gid://shopify/Customer/" + c.ID}
	}
	n := shopifyID(o.ID)
	return map[string]any{
		"id": n, "admin_graphql_api_id": "gid://shopify/Order/" + o.ID, "name": "#" + o.ID, "order_number": n,
		"email": shopifyStr(o.Email), "contact_email": shopifyStr(o.Email), "phone": nil,
		"created_at": shopifyTime(o.CreatedAt), "updated_at": shopifyTime(o.UpdatedAt), "processed_at": shopifyTime(o.CreatedAt),
		"closed_at": shopifyTime(o.ClosedAt), "cancelled_at": cancelledAt, "cancel_reason": cancelReason,
		"currency": cur, "presentment_currency": cur, "financial_status": financial, "fulfillment_status": fulfillment,
		"total_price": shopifyMoney(o.Total.Amount, cur), "subtotal_price": shopifyMoney(o.Total.Amount, cur),
		"total_tax": shopifyMoney(0, cur), "total_discounts": shopifyMoney(0, cur),
		"total_price_set": shopifyMoneySet(o.Total.Amount, cur), "test": false, "confirmed": true,
		"customer": customer, "line_items": lines,
	}
}
