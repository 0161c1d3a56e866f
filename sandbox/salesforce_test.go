// Wire-level tests of the Salesforce imitation's formats and quirks.
package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/sandbox"
)

func salesforceCall(t *testing.T, sb *sandbox.Sandbox, path, token string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", sb.URLs[sandbox.Salesforce]+path, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

type sfPage struct {
	TotalSize      int              `json:"totalSize"`
	Done           bool             `json:"done"`
	NextRecordsURL string           `json:"nextRecordsUrl"`
	Records        []map[string]any `json:"records"`
}

func sfQuery(q string) string { return "/services/data/v61.0/query?q=" + url.QueryEscape(q) }

func TestSalesforce_Wire(t *testing.T) {
	sb, err := sandbox.Start(sandbox.ServerOptions{Dataset: sandbox.Generate(sandbox.Options{People: 1500}),
		Only: []string{sandbox.Salesforce}, Token: "tok"})
	require.NoError(t, err)
	t.Cleanup(sb.Close)
	ds, release := sb.Data()
	total := len(ds.Sources[sandbox.Salesforce].Contacts)
	first := ds.Sources[sandbox.Salesforce].Contacts[0]
	release()

	errorCode := func(raw []byte) string {
		var errs []map[string]any
		require.NoError(t, json.Unmarshal(raw, &errs), string(raw))
		require.NotEmpty(t, errs)
		return errs[0]["errorCode"].(string)
	}
	t.Run("401 is a JSON array", func(t *testing.T) {
		resp, raw := salesforceCall(t, sb, sfQuery("SELECT Id FROM Contact"), "nope", nil)
		assert.Equal(t, 401, resp.StatusCode)
		assert.Equal(t, "INVALID_SESSION_ID", errorCode(raw))
	})
	t.Run("paging through query locators", func(t *testing.T) {
		resp, raw := salesforceCall(t, sb, sfQuery("SELECT Id, Email, HasOptedOutOfEmail, SystemModstamp FROM Contact ORDER BY SystemModstamp ASC"), "tok",
			map[string]string{"Sforce-Query-Options": "batchSize=50"})
		require.Equal(t, 200, resp.StatusCode, string(raw))
		assert.Regexp(t, `^api-usage=\d+/15000$`, resp.Header.Get("Sforce-Limit-Info"))
		var p sfPage
		require.NoError(t, json.Unmarshal(raw, &p))
		assert.Equal(t, total, p.TotalSize)
		assert.False(t, p.Done)
		assert.Len(t, p.Records, 200, "batchSize is raised to the 200 minimum")
		assert.Regexp(t, `^/services/data/v61\.0/query/01gSB\d+-200$`, p.NextRecordsURL)
		rec := p.Records[0]
		assert.Equal(t, "Contact", rec["attributes"].(map[string]any)["type"])
		assert.Regexp(t, regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$`), rec["SystemModstamp"])
		assert.IsType(t, false, rec["HasOptedOutOfEmail"])
		seen := len(p.Records)
		for !p.Done {
			_, raw = salesforceCall(t, sb, p.NextRecordsURL, "tok", nil)
			p = sfPage{}
			require.NoError(t, json.Unmarshal(raw, &p))
			seen += len(p.Records)
		}
		assert.Equal(t, total, seen)
		assert.Empty(t, p.NextRecordsURL)
	})
	t.Run("expired locator", func(t *testing.T) {
		_, raw := salesforceCall(t, sb, sfQuery("SELECT Id FROM Contact"), "tok", map[string]string{"Sforce-Query-Options": "batchSize=200"})
		var p sfPage
		require.NoError(t, json.Unmarshal(raw, &p))
		sb.ExpireSalesforceLocators()
		resp, raw := salesforceCall(t, sb, p.NextRecordsURL, "tok", nil)
		assert.Equal(t, 400, resp.StatusCode)
		assert.Equal(t, "INVALID_QUERY_LOCATOR", errorCode(raw))
	})
	t.Run("WHERE subset", func(t *testing.T) {
		count := func(q string) int {
			resp, raw := salesforceCall(t, sb, sfQuery(q), "tok", nil)
			require.Equal(t, 200, resp.StatusCode, string(raw))
			var p sfPage
			require.NoError(t, json.Unmarshal(raw, &p))
			return p.TotalSize
		}
		all := count("SELECT Id FROM Contact")
		assert.Equal(t, total, all)
		assert.Equal(t, 1, count("SELECT Id FROM Contact WHERE Id = '"+first.ID+"'"))
		assert.Equal(t, all-1, count("SELECT Id FROM Contact WHERE Id NOT IN ('"+first.ID+"', 'x')"))
		at := first.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z")
		ge := count("SELECT Id FROM Contact WHERE SystemModstamp >= " + at)
		gt := count("SELECT Id FROM Contact WHERE SystemModstamp > " + at)
		assert.Equal(t, all, ge, "the first contact is the oldest")
		assert.Less(t, gt, ge)
		assert.Equal(t, all, count("SELECT Id FROM Contact WHERE SystemModstamp > "+at+" OR (SystemModstamp >= "+at+" AND NOT Id IN ('x'))"))
		assert.Equal(t, 3, count("SELECT Id FROM Contact ORDER BY Id DESC LIMIT 3"))
	})
	t.Run("bad queries", func(t *testing.T) {
		for q, code := range map[string]string{
			"SELECT Shoe__c FROM Contact":                           "INVALID_FIELD",
			"SELECT Id FROM Lead":                                   "INVALID_TYPE",
			"SELECT Id FROM Contact WHERE SystemModstamp >= 'soon'": "INVALID_QUERY_FILTER_OPERATOR",
			"SELECT Id FROM Contact WHERE (Id = 'x'":                "MALFORMED_QUERY",
			"DELETE Contact":                                        "MALFORMED_QUERY",
		} {
			resp, raw := salesforceCall(t, sb, sfQuery(q), "tok", nil)
			assert.Equal(t, 400, resp.StatusCode, q)
			assert.Equal(t, code, errorCode(raw), q)
		}
	})
	t.Run("deleted rows only in queryAll", func(t *testing.T) {
		sb.Update(func(ds *sandbox.Dataset) { ds.Sources[sandbox.Salesforce].Contacts[0].Archived = true })
		defer sb.Update(func(ds *sandbox.Dataset) { ds.Sources[sandbox.Salesforce].Contacts[0].Archived = false })
		q := url.QueryEscape("SELECT Id, IsDeleted FROM Contact WHERE IsDeleted = true")
		_, raw := salesforceCall(t, sb, "/services/data/v61.0/query?q="+q, "tok", nil)
		var p sfPage
		require.NoError(t, json.Unmarshal(raw, &p))
		assert.Zero(t, p.TotalSize)
		_, raw = salesforceCall(t, sb, "/services/data/v61.0/queryAll?q="+q, "tok", nil)
		p = sfPage{}
		require.NoError(t, json.Unmarshal(raw, &p))
		assert.Equal(t, 1, p.TotalSize)
	})
	t.Run("rate limit is 403 REQUEST_LIMIT_EXCEEDED", func(t *testing.T) {
		sb.Faults.Set(sandbox.Salesforce, sandbox.Fault{Kind: sandbox.Fault429, Times: 1})
		defer sb.Faults.Clear(sandbox.Salesforce)
		resp, raw := salesforceCall(t, sb, sfQuery("SELECT Id FROM Contact"), "tok", nil)
		assert.Equal(t, 403, resp.StatusCode)
		assert.Equal(t, "REQUEST_LIMIT_EXCEEDED", errorCode(raw))
		assert.Empty(t, resp.Header.Get("Retry-After"))
	})
}
