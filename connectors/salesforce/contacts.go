// This file holds Contact paging: the SOQL query, nextRecordsUrl paging, and the resumable cursor
// that restarts the query from its watermark when Salesforce has dropped the query locator.
package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/record"
)

// contactFields are the Contact fields every query selects.
var contactFields = []string{"Id", "FirstName", "LastName", "Email", "Phone", "MobilePhone", "Birthdate",
	"HasOptedOutOfEmail", "DoNotCall", "IsDeleted", "CreatedDate", "LastModifiedDate", "SystemModstamp"}

// cursor is the opaque page cursor, JSON-encoded. Times are whole seconds in RFC 3339 UTC because
// SOQL datetime literals have no fraction.
//
// Next is the nextRecordsUrl to read; "" means run the query. The query selects SystemModstamp >=
// Since ("" = no filter); records in Since's second whose ids are in Skip were returned before the
// query was (re)started. Max is the latest SystemModstamp second seen so far and MaxIDs the ids seen
// in it: when Salesforce no longer knows the locator in Next (expired after 15 idle minutes, or
// evicted as one of too many open cursors), the query restarts from Max skipping MaxIDs.
type cursor struct {
	V      int      `json:"v"`
	Next   string   `json:"next,omitempty"`
	Since  string   `json:"since,omitempty"`
	Skip   []string `json:"skip,omitempty"`
	Max    string   `json:"max,omitempty"`
	MaxIDs []string `json:"max_ids,omitempty"`
}

const cursorVersion = 1

func decodeCursor(s string, since time.Time) (cursor, error) {
	if s == "" {
		c := cursor{V: cursorVersion}
		if !since.IsZero() {
			c.Since = second(since)
			c.Max = c.Since
		}
		return c, nil
	}
	var c cursor
	if err := json.Unmarshal([]byte(s), &c); err != nil || c.V != cursorVersion {
		return cursor{}, fmt.Errorf("salesforce: cursor %q is not a Salesforce contacts cursor", s)
	}
	return c, nil
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return string(b)
}

// second renders t truncated to its second, the precision SOQL literals and the cursor use.
func second(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// maxNotIn bounds the ids a restarted query excludes server-side, keeping the GET URL well under
// Salesforce's URI length limit; beyond it they are only dropped client-side.
const maxNotIn = 400

// soql builds the Contact query from an optional lower bound on SystemModstamp (a whole second).
// Ids in skip, already returned within that second, are excluded so that a restarted query makes
// progress even when more contacts share the second than fit on a page. Id breaks ties so the order
// is total.
func soql(since string, skip []string) string {
	q := "SELECT " + strings.Join(contactFields, ", ") + " FROM Contact"
	if since != "" {
		q += " WHERE SystemModstamp >= " + since
		if t, err := time.Parse(time.RFC3339, since); err == nil && len(skip) > 0 && len(skip) <= maxNotIn {
			quoted := make([]string, len(skip))
			for i, id := range skip {
				quoted[i] = "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(id) + "'"
			}
			q += " AND (SystemModstamp >= " + second(t.Add(time.Second)) + " OR Id NOT IN (" + strings.Join(quoted, ",") + "))"
		}
	}
	return q + " ORDER BY SystemModstamp ASC, Id ASC"
}

// FetchPage returns one page of Contacts. Calling it again with the same cursor fetches the same
// page while Salesforce keeps the query locator, and the same records after it has dropped it.
func (s *Source) FetchPage(ctx context.Context, req connectors.PageRequest) (connectors.Page, error) {
	if req.Kind != record.KindCustomer {
		return connectors.Page{}, fmt.Errorf("salesforce: source %q has no %q records (only %q)", s.cfg.Name, req.Kind, record.KindCustomer)
	}
	cur, err := decodeCursor(req.Cursor, req.Since)
	if err != nil {
		return connectors.Page{}, err
	}
	before := s.client.Stats.Requests.Load()
	page, err := s.page(ctx, cur)
	page.Requests = int(s.client.Stats.Requests.Load() - before)
	return page, err
}

func (s *Source) page(ctx context.Context, cur cursor) (connectors.Page, error) {
	resp, err := s.fetch(ctx, cur)
	if he, ok := httpx.AsError(err); ok && he.Code == codeInvalidLocator && cur.Next != "" {
		// The locator is gone: query again from the watermark.
		cur = cursor{V: cursorVersion, Since: cur.Max, Skip: cur.MaxIDs, Max: cur.Max, MaxIDs: cur.MaxIDs}
		resp, err = s.fetch(ctx, cur)
	}
	if err != nil {
		return connectors.Page{}, fmt.Errorf("salesforce: fetch contacts page: %w", err)
	}
	next := cursor{V: cursorVersion, Since: cur.Since, Skip: cur.Skip, Max: cur.Max, MaxIDs: slices.Clone(cur.MaxIDs)}
	page := connectors.Page{Customers: make([]record.Customer, 0, len(resp.Records))}
	for _, r := range resp.Records {
		c, err := toCustomer(s.cfg.Name, r)
		if err != nil {
			return connectors.Page{}, fmt.Errorf("salesforce: fetch contacts page: %w", err)
		}
		sec := second(c.UpdatedAt)
		switch {
		case next.Max == "" || sec > next.Max: // same-width RFC 3339 UTC strings order as times
			next.Max, next.MaxIDs = sec, []string{c.SourceID}
		case sec == next.Max && !slices.Contains(next.MaxIDs, c.SourceID):
			next.MaxIDs = append(next.MaxIDs, c.SourceID)
		}
		if sec == cur.Since && slices.Contains(cur.Skip, c.SourceID) {
			continue
		}
		page.Customers = append(page.Customers, c)
	}
	if resp.Done || resp.NextRecordsURL == "" {
		page.Done = true
		return page, nil
	}
	next.Next = resp.NextRecordsURL
	page.Next = next.encode()
	return page, nil
}

// fetch runs the query (cur.Next == "") or reads the next batch of its locator.
func (s *Source) fetch(ctx context.Context, cur cursor) (*queryResponse, error) {
	req := httpx.Request{Method: http.MethodGet, Path: cur.Next}
	if cur.Next == "" {
		// /query hides deleted and merged Contacts; incremental syncs use /queryAll, which returns
		// them with IsDeleted (its next pages still point at /query/… and are followed the same way).
		endpoint := "/query"
		if cur.Since != "" {
			endpoint = "/queryAll"
		}
		req.Path = "/services/data/" + s.cfg.APIVersion + endpoint
		req.Query = url.Values{"q": {soql(cur.Since, cur.Skip)}}
	}
	if s.cfg.BatchSize > 0 {
		req.Header = http.Header{"Sforce-Query-Options": {fmt.Sprintf("batchSize=%d", s.cfg.BatchSize)}}
	}
	var resp queryResponse
	if _, err := s.client.JSON(ctx, req, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}
