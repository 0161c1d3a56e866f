package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/console"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/summary"
	"github.com/cdpflow/cdpflow/workflows"
)

const (
	operatorToken = "op-0123456789abcdef0123"
	viewerToken   = "view-0123456789abcdef01"
)

// consoleStack is a sandbox stack after one refresh, with the console served on a test server.
func consoleStack(t *testing.T) (*stack, *httptest.Server, summary.Run) {
	t.Helper()
	stackEnviron = []string{"T_OPERATOR=" + operatorToken, "T_VIEWER=" + viewerToken}
	t.Cleanup(func() { stackEnviron = []string{} })
	s := newStackFlags(t, `
sources:
  - {name: hubspot, type: hubspot, base_url: sandbox}
  - {name: shop, type: shopify, base_url: sandbox}
  - {name: web, type: ga4, base_url: sandbox, property_id: "123456", customer_source: hubspot}
segments:
  - {name: prospects_all, rule: "orders.count == 0"}
destinations:
  - {name: newsletter, type: mailchimp, base_url: sandbox, list_id: a1b2c3d4e5, segments: [rfm.champions]}
  - {name: meta_lookalike, type: meta, base_url: sandbox, audience_id: "23851234567890", segments: [rfm.champions]}
consent: {basis: opt_out}
campaigns:
  - {name: welcome, segments: [prospects_all], destinations: [newsletter, meta_lookalike]}
serve:
  tokens:
    - {name: marketing, role: operator, token_env: T_OPERATOR}
    - {name: analyst, role: viewer, token_env: T_VIEWER}
`, nil, map[string]string{"temporal.task_queue": taskQueue})
	sum := s.refresh(t, "refresh-console-1")
	require.Equal(t, summary.StatusCompleted, sum.Status, sum.Error)
	srv, err := console.New(console.Options{Config: s.rt.Config, Store: s.rt.Store, Client: s.client, Log: s.rt.Log, Metrics: s.rt.Metrics})
	require.NoError(t, err)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return s, ts, sum
}

// call makes one API request and decodes a JSON answer into out (when not nil).
func call(t *testing.T, ts *httptest.Server, method, path, token, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if out != nil && resp.StatusCode < 300 {
		require.NoError(t, json.Unmarshal(data, out), string(data))
	}
	return resp.StatusCode
}

// vendorRequests counts the requests each imitated vendor has received.
func vendorRequests(sb *sandbox.Sandbox) map[string]int64 {
	out := map[string]int64{}
	for _, v := range sandbox.Vendors() {
		if st := sb.Stats(v); st != nil {
			out[v] = st.Requests.Load()
		}
	}
	return out
}

// TestConsole_API: no endpoint answers without a token, viewers cannot act, a preview calls no
// vendor and predicts what the campaign then adds, and two simultaneous triggers make one run.
func TestConsole_API(t *testing.T) {
	s, ts, first := consoleStack(t)
	endpoints := [][2]string{{"GET", "/api/v1/runs"}, {"GET", "/api/v1/runs/" + first.WorkflowID},
		{"POST", "/api/v1/runs/" + first.WorkflowID + "/approvals/newsletter"}, {"GET", "/api/v1/campaigns"},
		{"POST", "/api/v1/campaigns/welcome/runs"}, {"POST", "/api/v1/campaigns/welcome/previews"},
		{"POST", "/api/v1/previews"}, {"POST", "/api/v1/sources/hubspot/syncs"}, {"GET", "/api/v1/profiles?id=x"},
		{"GET", "/api/v1/profiles/x"}, {"GET", "/api/v1/dashboard"}, {"GET", "/api/v1/nope"}}
	for _, e := range endpoints {
		assert.Equal(t, http.StatusUnauthorized, call(t, ts, e[0], e[1], "", "", nil), "%s %s without a token", e[0], e[1])
		assert.Equal(t, http.StatusUnauthorized, call(t, ts, e[0], e[1], "wrong-token-0123456789", "", nil), "%s %s with a wrong token", e[0], e[1])
	}
	for _, e := range endpoints {
		if e[0] == "POST" {
			assert.Equal(t, http.StatusForbidden, call(t, ts, e[0], e[1], viewerToken, `{"approve":true}`, nil), "a viewer may not %s %s", e[0], e[1])
		}
	}
	resp, err := http.Get(ts.URL + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the health check needs no token")
	for _, page := range []string{"/", "/runs", "/profiles/x", "/campaigns"} {
		req, _ := http.NewRequest("GET", ts.URL+page, nil)
		resp, err := http.DefaultTransport.RoundTrip(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "page %s without a session goes to the login form", page)
	}

	// The worker's metrics carry the run's numbers (served here by the console, to any token).
	req, _ := http.NewRequest("GET", ts.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+viewerToken)
	mresp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(mresp.Body)
	mresp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, mresp.StatusCode)
	text := string(body)
	for _, want := range []string{
		fmt.Sprintf(`cdpflow_records_extracted_total{source="hubspot"} %d`, first.Sources["hubspot"].Extracted),
		fmt.Sprintf(`cdpflow_records_accepted_total{source="shop"} %d`, first.Cleanse.BySource["shop"].Accepted),
		fmt.Sprintf(`cdpflow_members_pushed_total{destination="newsletter",op="added"} %d`, first.Destinations["newsletter"].Added),
		fmt.Sprintf(`cdpflow_profiles{what="profiles"} %d`, first.Identity.Profiles),
		fmt.Sprintf(`cdpflow_segment_members{segment="prospects_all"} %d`, first.Segments["prospects_all"].Members),
		`cdpflow_runs_total{kind="refresh",status="completed"} 1`,
		`cdpflow_stage_duration_seconds_count{kind="refresh",stage="cleanse"} 1`,
	} {
		assert.Contains(t, text, want)
	}
	assert.Equal(t, http.StatusUnauthorized, call(t, ts, "GET", "/metrics", "", "", nil), "metrics need a token")

	// Reads.
	var runs struct{ Runs []console.RunView }
	require.Equal(t, http.StatusOK, call(t, ts, "GET", "/api/v1/runs", viewerToken, "", &runs))
	require.NotEmpty(t, runs.Runs)
	assert.Equal(t, first.WorkflowID, runs.Runs[0].ID)
	var run console.RunView
	require.Equal(t, http.StatusOK, call(t, ts, "GET", "/api/v1/runs/"+first.WorkflowID, viewerToken, "", &run))
	assert.Equal(t, first.Identity.Profiles, run.Summary.Identity.Profiles)
	assert.Equal(t, http.StatusNotFound, call(t, ts, "GET", "/api/v1/runs/no-such-run", viewerToken, "", nil))
	var p store.Profile
	require.NoError(t, s.rt.Store.ScanProfiles(context.Background(), func(x store.Profile) error {
		if p.ID == "" && x.Golden.Email != "" && !x.Golden.Deleted {
			p = x
		}
		return nil
	}))
	var found struct{ Profiles []store.Profile }
	require.Equal(t, http.StatusOK, call(t, ts, "GET", "/api/v1/profiles?email="+strings.ToUpper(p.Golden.Email), viewerToken, "", &found))
	require.Len(t, found.Profiles, 1, "found by email, whatever its case")
	assert.Equal(t, p.ID, found.Profiles[0].ID)
	assert.Equal(t, http.StatusBadRequest, call(t, ts, "GET", "/api/v1/profiles?phone=4155550123", viewerToken, "", nil))
	assert.Equal(t, http.StatusBadRequest, call(t, ts, "GET", "/api/v1/profiles", viewerToken, "", nil))

	// Three new prospects (no opt-out, under an opt-out basis) arrive at HubSpot and are synced through the API.
	now := time.Now().UTC()
	s.rt.Sandbox.Update(func(ds *sandbox.Dataset) {
		src := ds.Sources[sandbox.HubSpot]
		for i, name := range [][2]string{{"Nova", "Quartermaine"}, {"Ingrid", "Oyelaran"}, {"Tobias", "Wexford"}} {
			src.Contacts = append(src.Contacts, sandbox.Contact{ID: fmt.Sprintf("90000%d", i), PersonID: 90000 + i,
				Email: strings.ToLower(name[0] + "." + name[1] + "@fastmail.com"), FirstName: name[0], LastName: name[1],
				EmailConsent: record.ConsentSubscribed, CreatedAt: now, UpdatedAt: now})
		}
		ds.Sources[sandbox.HubSpot] = src
	})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var st console.Started
	require.Equal(t, http.StatusAccepted, call(t, ts, "POST", "/api/v1/sources/hubspot/syncs", operatorToken, "", &st))
	var synced summary.Run
	require.NoError(t, s.client.GetWorkflow(ctx, st.WorkflowID, "").Get(ctx, &synced))
	require.Equal(t, summary.StatusCompleted, synced.Status, synced.Error)
	assert.Equal(t, http.StatusNotFound, call(t, ts, "POST", "/api/v1/sources/nope/syncs", operatorToken, "", nil))

	// A preview calls no vendor; the campaign then adds exactly what it said.
	before := vendorRequests(s.rt.Sandbox)
	var pv workflows.PreviewResult
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/api/v1/campaigns/welcome/previews", operatorToken, "", &pv))
	assert.Equal(t, before, vendorRequests(s.rt.Sandbox), "a preview sends no request to any vendor")
	require.Len(t, pv.Destinations, 2)
	adds := 0
	for _, d := range pv.Destinations {
		adds += d.Adds
		t.Logf("preview %s: %+v", d.Destination, d)
	}
	assert.Equal(t, 6, adds, "the three new prospects, at both destinations")
	var refreshPreview workflows.PreviewResult
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/api/v1/previews", operatorToken, "", &refreshPreview))
	for _, d := range refreshPreview.Destinations {
		assert.Zero(t, d.Removes, "%s: nobody left", d.Destination)
	}

	// Two triggers at once: one run.
	var wg sync.WaitGroup
	results := make([]console.Started, 2)
	codes := make([]int, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = call(t, ts, "POST", "/api/v1/campaigns/welcome/runs", operatorToken, "", &results[i])
		}()
	}
	wg.Wait()
	assert.ElementsMatch(t, []int{http.StatusAccepted, http.StatusOK}, codes, "one started, the other joined")
	require.Equal(t, results[0].WorkflowID, results[1].WorkflowID, "both triggers got the same run")
	var camp summary.Run
	require.NoError(t, s.client.GetWorkflow(ctx, results[0].WorkflowID, "").Get(ctx, &camp))
	require.Equal(t, summary.StatusCompleted, camp.Status, camp.Error)
	for _, d := range pv.Destinations {
		assert.Equal(t, d.Adds, camp.Destinations[d.Destination].Added, "%s added what the preview said", d.Destination)
	}
	again := call(t, ts, "POST", "/api/v1/campaigns/welcome/runs", operatorToken, "", nil)
	assert.Equal(t, http.StatusAccepted, again, "a finished campaign can run again")

	// Approvals: a run that waits for nothing refuses a decision.
	assert.Equal(t, http.StatusBadRequest, call(t, ts, "POST", "/api/v1/runs/"+first.WorkflowID+"/approvals/newsletter", operatorToken, `{"approve":true}`, nil))
	assert.Equal(t, http.StatusBadRequest, call(t, ts, "POST", "/api/v1/runs/"+first.WorkflowID+"/approvals/newsletter", operatorToken, `{}`, nil))
}

// artifactDir is where browser screenshots are kept: $CDPFLOW_ARTIFACTS, or the test's temp dir.
func artifactDir(t *testing.T) string {
	if d := os.Getenv("CDPFLOW_ARTIFACTS"); d != "" {
		require.NoError(t, os.MkdirAll(d, 0o755))
		return d
	}
	return t.TempDir()
}

func writeArtifact(t *testing.T, name string, data []byte) {
	p := filepath.Join(artifactDir(t), name)
	require.NoError(t, os.WriteFile(p, data, 0o644))
	t.Logf("screenshot: %s (%d bytes)", p, len(data))
}
