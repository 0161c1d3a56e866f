// This file holds page fetching shared by customers and orders: the first request with its
// filters, Link/page_info paging, and the resumable cursor.
package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/record"
)

// cursor is the opaque page cursor, JSON-encoded: the page_info token of the next page. Shopify's
// token carries the original filters, and only limit (and fields) may be sent with it.
type cursor struct {
	V        int         `json:"v"`
	Kind     record.Kind `json:"kind"`
	PageInfo string      `json:"page_info"`
}

const cursorVersion = 1

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return string(b)
}

func decodeCursor(s string, kind record.Kind) (cursor, error) {
	var c cursor
	if err := json.Unmarshal([]byte(s), &c); err != nil || c.V != cursorVersion || c.PageInfo == "" {
		return cursor{}, fmt.Errorf("shopify: cursor %q is not a Shopify cursor", s)
	}
	if c.Kind != kind {
		return cursor{}, fmt.Errorf("shopify: cursor for %q used to fetch %q", c.Kind, kind)
	}
	return c, nil
}

// FetchPage returns one page of customers or orders. Calling it again with the same cursor fetches
// the same page: page_info is a keyset position, not an offset.
func (s *Source) FetchPage(ctx context.Context, req connectors.PageRequest) (connectors.Page, error) {
	var resource string
	switch req.Kind {
	case record.KindCustomer:
		resource = "customers"
	case record.KindOrder:
		resource = "orders"
	default:
		return connectors.Page{}, fmt.Errorf("shopify: source %q has no %q records (only customers and orders)", s.cfg.Name, req.Kind)
	}
	q := url.Values{"limit": {strconv.Itoa(s.cfg.PageSize)}}
	if req.Cursor != "" {
		cur, err := decodeCursor(req.Cursor, req.Kind)
		if err != nil {
			return connectors.Page{}, err
		}
		q.Set("page_info", cur.PageInfo)
	} else {
		if resource == "orders" {
			q.Set("status", "any") // the default is open orders only
			if err := s.checkOrderHistory(ctx, req.Since); err != nil {
				return connectors.Page{}, err
			}
		}
		if !req.Since.IsZero() {
			q.Set("updated_at_min", req.Since.UTC().Format(time.RFC3339))
		}
	}
	before := s.client.Stats.Requests.Load()
	page, err := s.fetch(ctx, req.Kind, resource, q)
	page.Requests = int(s.client.Stats.Requests.Load() - before)
	return page, err
}

func (s *Source) fetch(ctx context.Context, kind record.Kind, resource string, q url.Values) (connectors.Page, error) {
	path := "/admin/api/" + s.cfg.APIVersion + "/" + resource + ".json"
	var page connectors.Page
	var resp *httpx.Response
	var err error
	switch kind {
	case record.KindCustomer:
		var body customersResponse
		if resp, err = s.client.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: path, Query: q}, &body); err != nil {
			return page, fmt.Errorf("shopify: fetch customers page: %w", err)
		}
		page.Customers = make([]record.Customer, 0, len(body.Customers))
		for _, c := range body.Customers {
			rc, err := toCustomer(s.cfg.Name, c)
			if err != nil {
				return connectors.Page{}, fmt.Errorf("shopify: fetch customers page: %w", err)
			}
			page.Customers = append(page.Customers, rc)
		}
	default:
		var body ordersResponse
		if resp, err = s.client.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: path, Query: q}, &body); err != nil {
			return page, fmt.Errorf("shopify: fetch orders page: %w", err)
		}
		page.Orders = make([]record.Order, 0, len(body.Orders))
		for _, o := range body.Orders {
			ro, err := toOrder(s.cfg.Name, o)
			if err != nil {
				return connectors.Page{}, fmt.Errorf("shopify: fetch orders page: %w", err)
			}
			page.Orders = append(page.Orders, ro)
		}
	}
	s.checkServedVersion(resp.Header.Get("X-Shopify-API-Version"))
	next := nextPageInfo(resp.Header.Values("Link"))
	if next == "" {
		page.Done = true
		return page, nil
	}
	page.Next = cursor{V: cursorVersion, Kind: kind, PageInfo: next}.encode()
	return page, nil
}

var linkRE = regexp.MustCompile(`<([^>]*)>\s*((?:;\s*[^;,]+)*)`)
var relRE = regexp.MustCompile(`(?i);\s*rel\s*=\s*"?([^";]+)"?`)

// nextPageInfo returns the page_info of the Link header's rel="next" target, "" on the last page.
func nextPageInfo(links []string) string {
	for _, h := range links {
		for _, m := range linkRE.FindAllStringSubmatch(h, -1) {
			for _, rel := range relRE.FindAllStringSubmatch(m[2], -1) {
				for _, r := range splitFields(rel[1]) {
					if r != "next" {
						continue
					}
					if u, err := url.Parse(m[1]); err == nil {
						return u.Query().Get("page_info")
					}
				}
			}
		}
	}
	return ""
}

// splitFields splits a rel value, which may list several space-separated relations.
func splitFields(s string) []string {
	var out []string
	start := -1
	for i, r := range s + " " {
		if r == ' ' || r == '\t' {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	return out
}
