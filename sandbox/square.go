// This file holds the Square imitation: customers list/search and orders search with keyset cursors.
package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/record"
)

// Square quirks imitated here:
//   - an empty list or search result is literally `{}` (no array, no cursor);
//   - a cursor comes back whenever a page is full, so a result that is an exact multiple of the
//     limit ends with a `{}` page;
//   - a search cursor belongs to its query: resending it with a different query is a 400;
//   - customers limit 1..100 (else 400 VALUE_TOO_HIGH / VALUE_TOO_LOW), orders limit 1..1000,
//     orders need 1..10 location_ids, and a date_time_filter field must match the sort_field;
//   - errors are {"errors":[{category,code,detail,field}]}; rate limiting is 429 RATE_LIMITED
//     without Retry-After.
//
// Square has no archived customers: a deleted customer simply disappears, so archived contacts are
// not served. The `birthday` of some customers has the year 0000 (Square stores month and day only).
// Orders in the dataset's "refunded" status are served as COMPLETED (Square keeps refunds apart).

func init() { register(Square, func(sb *Sandbox) vendor { return &squareServer{sb: sb} }) }

type squareServer struct{ sb *Sandbox }

// squareTimeLayout is how Square renders timestamps (UTC, milliseconds).
const squareTimeLayout = "2006-01-02T15:04:05.000Z"

type squareMoney struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

type squareAddress struct {
	AddressLine1                 string `json:"address_line_1,omitempty"`
	AddressLine2                 string `json:"address_line_2,omitempty"`
	Locality                     string `json:"locality,omitempty"`
	AdministrativeDistrictLevel1 string `json:"administrative_district_level_1,omitempty"`
	PostalCode                   string `json:"postal_code,omitempty"`
	Country                      string `json:"country,omitempty"`
}

type squareCustomer struct {
	ID             string         `json:"id"`
	CreatedAt      string         `json:"created_at"`
	UpdatedAt      string         `json:"updated_at"`
	GivenName      string         `json:"given_name,omitempty"`
	FamilyName     string         `json:"family_name,omitempty"`
	EmailAddress   string         `json:"email_address,omitempty"`
	PhoneNumber    string         `json:"phone_number,omitempty"`
	Address        *squareAddress `json:"address,omitempty"`
	Birthday       string         `json:"birthday,omitempty"`
	ReferenceID    string         `json:"reference_id,omitempty"`
	Preferences    map[string]any `json:"preferences"`
	CreationSource string         `json:"creation_source"`
	Version        int64          `json:"version"`
}

type squareLineItem struct {
	UID             string      `json:"uid"`
	CatalogObjectID string      `json:"catalog_object_id,omitempty"`
	Name            string      `json:"name"`
	VariationName   string      `json:"variation_name,omitempty"`
	Quantity        string      `json:"quantity"`
	BasePriceMoney  squareMoney `json:"base_price_money"`
	GrossSalesMoney squareMoney `json:"gross_sales_money"`
	TotalMoney      squareMoney `json:"total_money"`
}

type squareOrder struct {
	ID         string           `json:"id"`
	LocationID string           `json:"location_id"`
	CustomerID string           `json:"customer_id,omitempty"`
	State      string           `json:"state"`
	Version    int64            `json:"version"`
	LineItems  []squareLineItem `json:"line_items,omitempty"`
	TotalMoney squareMoney      `json:"total_money"`
	CreatedAt  string           `json:"created_at"`
	UpdatedAt  string           `json:"updated_at"`
	ClosedAt   string           `json:"closed_at,omitempty"`
	Source     map[string]any   `json:"source,omitempty"`
}

type squareTimeRange struct {
	StartAt string `json:"start_at,omitempty"`
	EndAt   string `json:"end_at,omitempty"`
}

type squareCustomerSearch struct {
	Limit  *int64 `json:"limit"`
	Cursor string `json:"cursor"`
	Query  struct {
		Filter struct {
			UpdatedAt *squareTimeRange `json:"updated_at"`
			CreatedAt *squareTimeRange `json:"created_at"`
		} `json:"filter"`
		Sort struct {
			Field string `json:"field"`
			Order string `json:"order"`
		} `json:"sort"`
	} `json:"query"`
}

type squareOrderSearch struct {
	LocationIDs []string `json:"location_ids"`
	Limit       *int64   `json:"limit"`
	Cursor      string   `json:"cursor"`
	Query       struct {
		Filter struct {
			DateTimeFilter struct {
				CreatedAt *squareTimeRange `json:"created_at"`
				UpdatedAt *squareTimeRange `json:"updated_at"`
				ClosedAt  *squareTimeRange `json:"closed_at"`
			} `json:"date_time_filter"`
			StateFilter *struct {
				States []string `json:"states"`
			} `json:"state_filter"`
			CustomerFilter *struct {
				CustomerIDs []string `json:"customer_ids"`
			} `json:"customer_filter"`
		} `json:"filter"`
		Sort struct {
			SortField string `json:"sort_field"`
			SortOrder string `json:"sort_order"`
		} `json:"sort"`
	} `json:"query"`
}

func (s *squareServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	switch s.sb.TokenState(strings.TrimPrefix(auth, "Bearer ")) {
	case TokenExpired:
		squareError(w, http.StatusUnauthorized, "AUTHENTICATION_ERROR", "ACCESS_TOKEN_EXPIRED", "The access token has expired.", "")
		return
	case TokenInvalid:
		squareError(w, http.StatusUnauthorized, "AUTHENTICATION_ERROR", "UNAUTHORIZED", "This request could not be authorized.", "")
		return
	}
	if v := r.Header.Get("Square-Version"); v != "" && !squareVersionRE.MatchString(v) {
		squareError(w, http.StatusBadRequest, "INVALID_REQUEST_ERROR", "INVALID_VALUE",
			fmt.Sprintf("Square-Version %q is not a valid version.", v), "")
		return
	}
	switch {
	case r.URL.Path == "/v2/customers" && r.Method == http.MethodGet:
		s.listCustomers(w, r)
	case r.URL.Path == "/v2/customers/search" && r.Method == http.MethodPost:
		s.searchCustomers(w, r)
	case r.URL.Path == "/v2/orders/search" && r.Method == http.MethodPost:
		s.searchOrders(w, r)
	case r.URL.Path == "/v2/locations" && r.Method == http.MethodGet:
		s.locations(w)
	case r.URL.Path == "/v2/customers" || r.URL.Path == "/v2/customers/search" || r.URL.Path == "/v2/orders/search":
		squareError(w, http.StatusMethodNotAllowed, "INVALID_REQUEST_ERROR", "METHOD_NOT_ALLOWED",
			r.Method+" is not allowed on "+r.URL.Path, "")
	default:
		squareError(w, http.StatusNotFound, "INVALID_REQUEST_ERROR", "NOT_FOUND", "API endpoint for URL path `"+r.URL.Path+"` and HTTP method `"+r.Method+"` is not found.", "")
	}
}

// locations lists the seller's locations: every location id an order names.
func (s *squareServer) locations(w http.ResponseWriter) {
	ds, release := s.sb.Data()
	defer release()
	seen := map[string]bool{}
	var out []map[string]string
	for _, o := range ds.Sources[Square].Orders {
		if o.LocationID != "" && !seen[o.LocationID] {
			seen[o.LocationID] = true
			out = append(out, map[string]string{"id": o.LocationID, "name": "Store " + o.LocationID, "status": "ACTIVE"})
		}
	}
	if len(out) == 0 {
		out = []map[string]string{{"id": "L1", "name": "Store L1", "status": "ACTIVE"}}
	}
	squareJSON(w, http.StatusOK, map[string]any{"locations": out})
}

var squareVersionRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// Throttle answers as Square does when rate limited: 429 RATE_LIMITED, no Retry-After.
func (s *squareServer) Throttle(w http.ResponseWriter) {
	squareError(w, http.StatusTooManyRequests, "RATE_LIMIT_ERROR", "RATE_LIMITED", "Rate limit exceeded.", "")
}

func squareError(w http.ResponseWriter, status int, category, code, detail, field string) {
	e := map[string]string{"category": category, "code": code, "detail": detail}
	if field != "" {
		e["field"] = field
	}
	squareJSON(w, status, map[string]any{"errors": []map[string]string{e}})
}

func squareJSON(w http.ResponseWriter, status int, v any) {
	data, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// squareLimit validates a limit against [1, max]; it writes the 400 and reports false when invalid.
func squareLimit(w http.ResponseWriter, limit *int64, def, max int64) (int64, bool) {
	if limit == nil {
		return def, true
	}
	switch {
	case *limit > max:
		squareError(w, http.StatusBadRequest, "INVALID_REQUEST_ERROR", "VALUE_TOO_HIGH",
			fmt.Sprintf("`limit` must be less than or equal to %d", max), "limit")
		return 0, false
	case *limit < 1:
		squareError(w, http.StatusBadRequest, "INVALID_REQUEST_ERROR", "VALUE_TOO_LOW",
			"`limit` must be greater than or equal to 1", "limit")
		return 0, false
	}
	return *limit, true
}

// squareKey is a keyset position: the sort time and the id of the last row served.
type squareKey struct {
	At time.Time
	ID string
}

func (k squareKey) less(o squareKey) bool {
	if !k.At.Equal(o.At) {
		return k.At.Before(o.At)
	}
	return k.ID < o.ID
}

// squareCursor encodes the position after the last row and a hash of the query it belongs to.
func squareCursor(last squareKey, queryHash string) string {
	raw := fmt.Sprintf("%d|%s|%s", last.At.UnixNano(), last.ID, queryHash)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func parseSquareCursor(c, queryHash string) (squareKey, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return squareKey{}, fmt.Errorf("malformed cursor")
	}
	parts := strings.SplitN(string(raw), "|", 3)
	if len(parts) != 3 {
		return squareKey{}, fmt.Errorf("malformed cursor")
	}
	if parts[2] != queryHash {
		return squareKey{}, fmt.Errorf("the cursor does not belong to this query")
	}
	ns, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return squareKey{}, fmt.Errorf("malformed cursor")
	}
	return squareKey{At: time.Unix(0, ns).UTC(), ID: parts[1]}, nil
}

func squareHash(parts ...any) string {
	data, _ := json.Marshal(parts)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:6])
}

// squarePage sorts rows by key, skips up to the cursor and cuts one page. A cursor is returned
// whenever the page is full (Square does not look ahead).
func squarePage[T any](rows []T, key func(T) squareKey, desc bool, after *squareKey, limit int64, hash string) ([]T, string) {
	sort.SliceStable(rows, func(i, j int) bool {
		if desc {
			return key(rows[j]).less(key(rows[i]))
		}
		return key(rows[i]).less(key(rows[j]))
	})
	start := 0
	if after != nil {
		start = sort.Search(len(rows), func(i int) bool {
			if desc {
				return key(rows[i]).less(*after)
			}
			return after.less(key(rows[i]))
		})
	}
	end := start + int(limit)
	if end > len(rows) {
		end = len(rows)
	}
	page := rows[start:end]
	if int64(len(page)) == limit {
		return page, squareCursor(key(page[len(page)-1]), hash)
	}
	return page, ""
}

func squareParseRange(w http.ResponseWriter, tr *squareTimeRange, field string) (from, to time.Time, ok bool) {
	if tr == nil {
		return time.Time{}, time.Time{}, true
	}
	var err error
	if tr.StartAt != "" {
		if from, err = time.Parse(time.RFC3339Nano, tr.StartAt); err != nil {
			squareError(w, http.StatusBadRequest, "INVALID_REQUEST_ERROR", "INVALID_TIME", "Invalid RFC 3339 timestamp "+strconv.Quote(tr.StartAt), field+".start_at")
			return from, to, false
		}
	}
	if tr.EndAt != "" {
		if to, err = time.Parse(time.RFC3339Nano, tr.EndAt); err != nil {
			squareError(w, http.StatusBadRequest, "INVALID_REQUEST_ERROR", "INVALID_TIME", "Invalid RFC 3339 timestamp "+strconv.Quote(tr.EndAt), field+".end_at")
			return from, to, false
		}
	}
	return from, to, true
}

// inRange reports whether t lies in [from, to) (zero bounds are open).
func squareInRange(t, from, to time.Time) bool {
	return (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to))
}

func (s *squareServer) customers() []Contact {
	ds, release := s.sb.Data()
	defer release()
	var out []Contact
	if sd := ds.Sources[Square]; sd != nil {
		for _, c := range sd.Contacts {
			if !c.Archived {
				out = append(out, c)
			}
		}
	}
	return out
}

func (s *squareServer) listCustomers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var limit *int64
	if v := q.Get("limit"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			squareError(w, http.StatusBadRequest, "INVALID_REQUEST_ERROR", "INVALID_VALUE", "`limit` must be an integer", "limit")
			return
		}
		limit = &n
	}
	lim, ok := squareLimit(w, limit, 100, 100)
	if !ok {
		return
	}
	desc := q.Get("sort_order") == "DESC"
	hash := squareHash("list", q.Get("sort_field"), q.Get("sort_order"))
	s.serveCustomers(w, q.Get("cursor"), hash, desc, lim, func(Contact) bool { return true })
}

func (s *squareServer) searchCustomers(w http.ResponseWriter, r *http.Request) {
	var req squareCustomerSearch
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil {
		squareError(w, http.StatusBadRequest, "INVALID_REQUEST_ERROR", "INVALID_CONTENT_TYPE", "Invalid JSON body: "+err.Error(), "")
		return
	}
	lim, ok := squareLimit(w, req.Limit, 100, 100)
	if !ok {
		return
	}
	uFrom, uTo, ok := squareParseRange(w, req.Query.Filter.UpdatedAt, "query.filter.updated_at")
	if !ok {
		return
	}
	cFrom, cTo, ok := squareParseRange(w, req.Query.Filter.CreatedAt, "query.filter.created_at")
	if !ok {
		return
	}
	desc := req.Query.Sort.Order == "DESC"
	hash := squareHash("search", req.Query)
	s.serveCustomers(w, req.Cursor, hash, desc, lim, func(c Contact) bool {
		return squareInRange(c.UpdatedAt, uFrom, uTo) && squareInRange(c.CreatedAt, cFrom, cTo)
	})
}

func (s *squareServer) serveCustomers(w http.ResponseWriter, cursor, hash string, desc bool, limit int64, keep func(Contact) bool) {
	var after *squareKey
	if cursor != "" {
		k, err := parseSquareCursor(cursor, hash)
		if err != nil {
			squareError(w, http.StatusBadRequest, "INVALID_REQUEST_ERROR", "INVALID_CURSOR", "Invalid cursor: "+err.Error(), "cursor")
			return
		}
		after = &k
	}
	var rows []Contact
	for _, c := range s.customers() {
		if keep(c) {
			rows = append(rows, c)
		}
	}
	page, next := squarePage(rows, func(c Contact) squareKey { return squareKey{c.CreatedAt, c.ID} }, desc, after, limit, hash)
	out := struct {
		Customers []squareCustomer `json:"customers,omitempty"`
		Cursor    string           `json:"cursor,omitempty"`
	}{Cursor: next}
	for _, c := range page {
		out.Customers = append(out.Customers, squareRenderCustomer(c))
	}
	squareJSON(w, http.StatusOK, out)
}

func squareRenderCustomer(c Contact) squareCustomer {
	sc := squareCustomer{
		ID: c.ID, CreatedAt: c.CreatedAt.UTC().Format(squareTimeLayout), UpdatedAt: c.UpdatedAt.UTC().Format(squareTimeLayout),
		GivenName: c.FirstName, FamilyName: c.LastName, EmailAddress: c.Email, PhoneNumber: c.Phone,
		Birthday:       c.BirthDate,
		Preferences:    map[string]any{"email_unsubscribed": c.EmailConsent == "unsubscribed"},
		CreationSource: "THIRD_PARTY",
		Version:        1 + c.UpdatedAt.Unix()%97,
	}
	if c.PersonID >= 0 && c.PersonID%4 == 0 {
		sc.ReferenceID = fmt.Sprintf("LOY-%d", c.PersonID)
	}
	if c.PersonID < 0 {
		sc.CreationSource = "DIRECTORY"
	}
	if !c.Address.IsZero() {
		sc.Address = &squareAddress{AddressLine1: c.Address.Line1, AddressLine2: c.Address.Line2, Locality: c.Address.City,
			AdministrativeDistrictLevel1: c.Address.Region, PostalCode: c.Address.Postcode, Country: c.Address.Country}
	}
	return sc
}

var squareStates = map[string]string{"completed": "COMPLETED", "cancelled": "CANCELED", "refunded": "COMPLETED", "open": "OPEN"}

func (s *squareServer) searchOrders(w http.ResponseWriter, r *http.Request) {
	var req squareOrderSearch
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil {
		squareError(w, http.StatusBadRequest, "INVALID_REQUEST_ERROR", "INVALID_CONTENT_TYPE", "Invalid JSON body: "+err.Error(), "")
		return
	}
	switch n := len(req.LocationIDs); {
	case n == 0:
		squareError(w, http.StatusBadRequest, "INVALID_REQUEST_ERROR", "MISSING_REQUIRED_PARAMETER", "Missing required parameter: location_ids", "location_ids")
		return
	case n > 10:
		squareError(w, http.StatusBadRequest, "INVALID_REQUEST_ERROR", "INVALID_ARRAY_LENGTH",
			fmt.Sprintf("location_ids must have at most 10 elements, got %d", n), "location_ids")
		return
	}
	lim, ok := squareLimit(w, req.Limit, 500, 1000)
	if !ok {
		return
	}
	sortField := req.Query.Sort.SortField
	if sortField == "" {
		sortField = "CREATED_AT"
	}
	dtf := req.Query.Filter.DateTimeFilter
	var ranged *squareTimeRange
	var rangedField string
	for _, f := range []struct {
		tr   *squareTimeRange
		name string
	}{{dtf.CreatedAt, "CREATED_AT"}, {dtf.UpdatedAt, "UPDATED_AT"}, {dtf.ClosedAt, "CLOSED_AT"}} {
		if f.tr == nil {
			continue
		}
		if ranged != nil {
			squareError(w, http.StatusBadRequest, "INVALID_REQUEST_ERROR", "INVALID_VALUE",
				"Only one date_time_filter field may be set.", "query.filter.date_time_filter")
			return
		}
		ranged, rangedField = f.tr, f.name
	}
	if ranged != nil && rangedField != sortField {
		squareError(w, http.StatusBadRequest, "INVALID_REQUEST_ERROR", "INVALID_VALUE",
			fmt.Sprintf("A date_time_filter on %s requires sort_field %s.", strings.ToLower(rangedField), rangedField), "query.sort.sort_field")
		return
	}
	from, to, ok := squareParseRange(w, ranged, "query.filter.date_time_filter."+strings.ToLower(rangedField))
	if !ok {
		return
	}
	desc := req.Query.Sort.SortOrder != "ASC" // Square's default order is DESC
	hash := squareHash("orders", req.LocationIDs, req.Query)
	var after *squareKey
	if req.Cursor != "" {
		k, err := parseSquareCursor(req.Cursor, hash)
		if err != nil {
			squareError(w, http.StatusBadRequest, "INVALID_REQUEST_ERROR", "INVALID_CURSOR", "Invalid cursor: "+err.Error(), "cursor")
			return
		}
		after = &k
	}
	locs := map[string]bool{}
	for _, l := range req.LocationIDs {
		locs[l] = true
	}
	states := map[string]bool{}
	if sf := req.Query.Filter.StateFilter; sf != nil {
		for _, st := range sf.States {
			states[st] = true
		}
	}
	customers := map[string]bool{}
	if cf := req.Query.Filter.CustomerFilter; cf != nil {
		for _, id := range cf.CustomerIDs {
			customers[id] = true
		}
	}
	sortTime := func(o Order) time.Time {
		switch sortField {
		case "UPDATED_AT":
			return o.UpdatedAt
		case "CLOSED_AT":
			return o.ClosedAt
		}
		return o.CreatedAt
	}
	ds, release := s.sb.Data()
	var rows []Order
	if sd := ds.Sources[Square]; sd != nil {
		for _, o := range sd.Orders {
			st := squareStates[o.Status]
			if st == "" {
				st = "OPEN"
			}
			switch {
			case !locs[o.LocationID],
				len(states) > 0 && !states[st],
				len(customers) > 0 && !customers[o.ContactID],
				ranged != nil && !squareInRange(sortTime(o), from, to):
				continue
			}
			cp := o
			cp.Lines = append([]record.LineItem(nil), o.Lines...)
			rows = append(rows, cp)
		}
	}
	release()
	page, next := squarePage(rows, func(o Order) squareKey { return squareKey{sortTime(o), o.ID} }, desc, after, lim, hash)
	out := struct {
		Orders []squareOrder `json:"orders,omitempty"`
		Cursor string        `json:"cursor,omitempty"`
	}{Cursor: next}
	for _, o := range page {
		out.Orders = append(out.Orders, squareRenderOrder(o))
	}
	squareJSON(w, http.StatusOK, out)
}

func squareRenderOrder(o Order) squareOrder {
	st := squareStates[o.Status]
	if st == "" {
		st = "OPEN"
	}
	so := squareOrder{
		ID: o.ID, LocationID: o.LocationID, CustomerID: o.ContactID, State: st, Version: 1 + o.UpdatedAt.Unix()%7,
		TotalMoney: squareMoney{Amount: o.Total.Amount, Currency: o.Total.Currency},
		CreatedAt:  o.CreatedAt.UTC().Format(squareTimeLayout), UpdatedAt: o.UpdatedAt.UTC().Format(squareTimeLayout),
		Source: map[string]any{"name": "Sandbox POS"},
	}
	if st != "OPEN" && !o.ClosedAt.IsZero() {
		so.ClosedAt = o.ClosedAt.UTC().Format(squareTimeLayout)
	}
	for i, l := range o.Lines {
		gross := squareMoney{Amount: l.Price.Amount * l.Quantity, Currency: l.Price.Currency}
		so.LineItems = append(so.LineItems, squareLineItem{
			UID: fmt.Sprintf("%s-L%d", o.ID, i+1), CatalogObjectID: l.ProductID, Name: l.Title, VariationName: "Regular",
			Quantity:        strconv.FormatInt(l.Quantity, 10),
			BasePriceMoney:  squareMoney{Amount: l.Price.Amount, Currency: l.Price.Currency},
			GrossSalesMoney: gross, TotalMoney: gross,
		})
	}
	return so
}
