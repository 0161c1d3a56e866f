// This file holds contact paging: the list endpoint for full syncs, the lastmodifieddate search for
// incremental syncs, then (both) the archived list for deletions, and the resumable cursor that
// carries where a sync stands.
package hubspot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/record"
)

// contactProperties are the properties every contact request asks for.
var contactProperties = []string{"email", "firstname", "lastname", "phone", "mobilephone", "date_of_birth",
	"gender", "address", "city", "state", "zip", "country", "hs_email_optout", "createdate", "lastmodifieddate"}

// cursor is the opaque page cursor, JSON-encoded. Exactly one of List/Search/Archived is set.
type cursor struct {
	V        int            `json:"v"`
	List     *listState     `json:"list,omitempty"`
	Search   *searchState   `json:"search,omitempty"`
	Archived *archivedState `json:"archived,omitempty"`
}

// archivedState pages the archived contacts (deletions). Search never returns archived contacts
// and the list has no filter on archivedAt, so the whole archived list is paged and only contacts
// archived at or after Since (epoch ms; 0 = all) are kept.
type archivedState struct {
	Since int64  `json:"since,omitempty"`
	After string `json:"after,omitempty"`
}

type listState struct {
	After string `json:"after,omitempty"` // the list endpoint's paging token ("" = first page)
}

// searchState is where an incremental sync stands. A search filters lastmodifieddate >= Since
// (epoch ms), sorted ascending, and pages by offset After. Records at exactly Since whose ids are in
// Skip were returned before the search (re)started. Max is the highest lastmodifieddate seen in the
// current search and MaxIDs the ids seen at it: the next search restarts from there.
type searchState struct {
	Since  int64    `json:"since"`
	After  int      `json:"after,omitempty"`
	Skip   []string `json:"skip,omitempty"`
	Max    int64    `json:"max"`
	MaxIDs []string `json:"max_ids,omitempty"`
}

const cursorVersion = 1

func decodeCursor(s string, since time.Time) (cursor, error) {
	if s == "" {
		if since.IsZero() {
			return cursor{V: cursorVersion, List: &listState{}}, nil
		}
		ms := since.UnixMilli()
		return cursor{V: cursorVersion, Search: &searchState{Since: ms, Max: ms}}, nil
	}
	var c cursor
	set := 0
	err := json.Unmarshal([]byte(s), &c)
	for _, p := range []bool{c.List != nil, c.Search != nil, c.Archived != nil} {
		if p {
			set++
		}
	}
	if err != nil || c.V != cursorVersion || set != 1 {
		return cursor{}, fmt.Errorf("hubspot: cursor %q is not a HubSpot contacts cursor", s)
	}
	return c, nil
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return string(b)
}

// FetchPage returns one page of contacts. A page is a pure function of the cursor (and HubSpot's
// data), so calling it again with the same cursor fetches the same page.
func (s *Source) FetchPage(ctx context.Context, req connectors.PageRequest) (connectors.Page, error) {
	if req.Kind != record.KindCustomer {
		return connectors.Page{}, fmt.Errorf("hubspot: source %q has no %q records (only %q)", s.cfg.Name, req.Kind, record.KindCustomer)
	}
	cur, err := decodeCursor(req.Cursor, req.Since)
	if err != nil {
		return connectors.Page{}, err
	}
	before := s.client.Stats.Requests.Load()
	var page connectors.Page
	switch {
	case cur.Archived != nil:
		page, err = s.archivedPage(ctx, *cur.Archived)
	case cur.Search != nil:
		page, err = s.searchPage(ctx, *cur.Search)
	default:
		page, err = s.listPage(ctx, *cur.List)
	}
	if err == nil && page.Done && cur.Archived == nil {
		// Live contacts are done: the archived ones (deletions) follow.
		page.Done = false
		page.Next = cursor{V: cursorVersion, Archived: &archivedState{Since: req.Since.UnixMilli()}}.encode()
		if req.Since.IsZero() {
			page.Next = cursor{V: cursorVersion, Archived: &archivedState{}}.encode()
		}
	}
	page.Requests = int(s.client.Stats.Requests.Load() - before)
	return page, err
}

// archivedPage reads one page of archived contacts and keeps those archived at or after Since, as
// deleted records.
func (s *Source) archivedPage(ctx context.Context, st archivedState) (connectors.Page, error) {
	q := url.Values{"limit": {strconv.Itoa(s.cfg.PageSize)}, "properties": {strings.Join(s.props, ",")}, "archived": {"true"}}
	if st.After != "" {
		q.Set("after", st.After)
	}
	var resp listResponse
	if _, err := s.client.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: s.objects, Query: q}, &resp); err != nil {
		return connectors.Page{}, fmt.Errorf("hubspot: fetch archived contacts page: %w", err)
	}
	var page connectors.Page
	for _, o := range resp.Results {
		o.Archived = true
		c, err := toCustomer(s.cfg.Name, o, s.cfg.ExtraProperties)
		if err != nil {
			return connectors.Page{}, fmt.Errorf("hubspot: fetch archived contacts page: %w", err)
		}
		if st.Since > 0 && c.UpdatedAt.UnixMilli() < st.Since {
			continue
		}
		page.Customers = append(page.Customers, c)
	}
	after := nextAfter(resp.Paging)
	if after == "" {
		page.Done = true
		return page, nil
	}
	page.Next = cursor{V: cursorVersion, Archived: &archivedState{Since: st.Since, After: after}}.encode()
	return page, nil
}

func (s *Source) listPage(ctx context.Context, st listState) (connectors.Page, error) {
	q := url.Values{
		"limit":      {strconv.Itoa(s.cfg.PageSize)},
		"properties": {strings.Join(s.props, ",")},
		"archived":   {"false"},
	}
	if st.After != "" {
		q.Set("after", st.After)
	}
	var resp listResponse
	if _, err := s.client.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: s.objects, Query: q}, &resp); err != nil {
		return connectors.Page{}, fmt.Errorf("hubspot: fetch contacts page: %w", err)
	}
	page := connectors.Page{Customers: make([]record.Customer, 0, len(resp.Results))}
	for _, o := range resp.Results {
		c, err := toCustomer(s.cfg.Name, o, s.cfg.ExtraProperties)
		if err != nil {
			return connectors.Page{}, fmt.Errorf("hubspot: fetch contacts page: %w", err)
		}
		page.Customers = append(page.Customers, c)
	}
	after := nextAfter(resp.Paging)
	if after == "" {
		page.Done = true
		return page, nil
	}
	page.Next = cursor{V: cursorVersion, List: &listState{After: after}}.encode()
	return page, nil
}

// nextAfter returns the decoded paging token: HubSpot prints it percent-encoded in paging.next.after
// ("NTI1Cg%3D%3D"), the link carries it as a query parameter, and numeric tokens appear plain.
func nextAfter(p *paging) string {
	if p == nil || p.Next == nil {
		return ""
	}
	if p.Next.Link != "" {
		if u, err := url.Parse(p.Next.Link); err == nil {
			if a := u.Query().Get("after"); a != "" {
				return a
			}
		}
	}
	if a, err := url.QueryUnescape(p.Next.After); err == nil {
		return a
	}
	return p.Next.After
}

func (s *Source) searchPage(ctx context.Context, st searchState) (connectors.Page, error) {
	limit := s.cfg.SearchPageSize
	body := searchRequest{
		FilterGroups: []filterGroup{{Filters: []filter{{PropertyName: "lastmodifieddate", Operator: "GTE", Value: strconv.FormatInt(st.Since, 10)}}}},
		Sorts:        []sortRule{{PropertyName: "lastmodifieddate", Direction: "ASCENDING"}},
		Properties:   s.props,
		Limit:        limit,
	}
	if st.After > 0 {
		body.After = strconv.Itoa(st.After)
	}
	var resp searchResponse
	if err := s.search.Wait(ctx); err != nil {
		return connectors.Page{}, err
	}
	if _, err := s.client.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: s.objects + "/search", Read: true, Body: body}, &resp); err != nil {
		return connectors.Page{}, fmt.Errorf("hubspot: search contacts page: %w", err)
	}
	next := searchState{Since: st.Since, After: st.After, Skip: st.Skip, Max: st.Max, MaxIDs: slices.Clone(st.MaxIDs)}
	page := connectors.Page{Customers: make([]record.Customer, 0, len(resp.Results))}
	for _, o := range resp.Results {
		c, err := toCustomer(s.cfg.Name, o, s.cfg.ExtraProperties)
		if err != nil {
			return connectors.Page{}, fmt.Errorf("hubspot: search contacts page: %w", err)
		}
		ts := c.UpdatedAt.UnixMilli()
		switch {
		case ts > next.Max:
			next.Max, next.MaxIDs = ts, []string{c.SourceID}
		case ts == next.Max && !slices.Contains(next.MaxIDs, c.SourceID):
			next.MaxIDs = append(next.MaxIDs, c.SourceID)
		}
		if ts == st.Since && slices.Contains(st.Skip, c.SourceID) {
			continue // returned before this search restarted from Since
		}
		page.Customers = append(page.Customers, c)
	}
	if resp.Paging == nil || resp.Paging.Next == nil || resp.Paging.Next.After == "" {
		page.Done = true
		return page, nil
	}
	after, err := strconv.Atoi(resp.Paging.Next.After)
	if err != nil {
		return connectors.Page{}, fmt.Errorf("hubspot: search contacts page: paging.next.after %q is not an offset", resp.Paging.Next.After)
	}
	switch {
	case after+limit > s.cfg.RestartSearchAfter && next.Max > st.Since:
		// Start a new search from the highest timestamp seen, skipping the contacts already
		// returned at exactly that timestamp.
		next = searchState{Since: next.Max, Skip: next.MaxIDs, Max: next.Max, MaxIDs: next.MaxIDs}
	case after+limit > searchCap:
		return connectors.Page{}, fmt.Errorf("hubspot: search contacts page: more than %d contacts share lastmodifieddate %s; HubSpot search cannot page past them",
			searchCap-limit, time.UnixMilli(st.Since).UTC().Format(time.RFC3339Nano))
	default:
		next.After = after
	}
	page.Next = cursor{V: cursorVersion, Search: &next}.encode()
	return page, nil
}
