package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/cdpflow/cdpflow/approval"
	"github.com/cdpflow/cdpflow/console"
	"github.com/cdpflow/cdpflow/summary"
	"github.com/cdpflow/cdpflow/workflows"
)

// approvalConfig syncs one full-snapshot CSV file to three destinations that hold everyone.
const approvalConfig = `
sources:
  - {name: legacy, type: csv, path: people.csv, mapping: people.mapping.yaml, full_snapshot: true}
segments:
  - {name: everyone, rule: 'id != ""'}
consent:
  basis: opt_out
destinations:
  - {name: newsletter, type: mailchimp, base_url: sandbox, list_id: a1b2c3d4e5, segments: [everyone]}
  - {name: meta_lookalike, type: meta, base_url: sandbox, audience_id: "23851234567890", segments: [everyone]}
  - {name: google_ads, type: google_ads, base_url: sandbox, customer_id: "1234567890", user_list: customers/1234567890/userLists/555, segments: [everyone]}
approval: {max_remove_fraction: 0.2, timeout: 1h}
serve:
  tokens:
    - {name: marketing, role: operator, token_env: T_OPERATOR}
    - {name: analyst, role: viewer, token_env: T_VIEWER}
`

func peopleCSV(from, to int) string {
	var b strings.Builder
	b.WriteString("id,email,first,last\n")
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "P%d,person%d@fastmail.com,Anna%c,Berg%c\n", i, i, 'a'+rune(i), 'a'+rune(i))
	}
	return b.String()
}

// TestApproval_BigRemovalsWaitForADecision: a snapshot that loses 4 of its 10 people (40 %) holds
// every destination's removals; the new person goes out at once; an approval removes at that
// vendor, a rejection removes nobody at the other, checked at the vendors and in the summary.
func TestApproval_BigRemovalsWaitForADecision(t *testing.T) {
	stackEnviron = []string{"T_OPERATOR=" + operatorToken, "T_VIEWER=" + viewerToken}
	t.Cleanup(func() { stackEnviron = []string{} })
	s := newStackWith(t, approvalConfig, map[string]string{
		"people.mapping.yaml": "id: id\nfields:\n  email: email\n  first_name: first\n  last_name: last\n",
		"people.csv":          peopleCSV(1, 10),
	})
	first := s.refresh(t, "refresh-approval-1")
	require.Equal(t, summary.StatusCompleted, first.Status, first.Error)
	require.Equal(t, 10, first.Destinations["newsletter"].Added)

	// P1..P4 leave the file, P11 joins.
	require.NoError(t, os.WriteFile("people.csv", []byte(peopleCSV(5, 11)), 0o600))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "refresh-approval-2", TaskQueue: taskQueue},
		workflows.CustomerRefresh, workflows.RefreshInput{Trigger: "test"})
	require.NoError(t, err)
	var p workflows.Progress
	require.Eventually(t, func() bool {
		v, err := s.client.QueryWorkflow(ctx, run.GetID(), "", workflows.ProgressQuery)
		if err != nil || v.Get(&p) != nil {
			return false
		}
		return len(p.Approvals) == 3
	}, 2*time.Minute, 200*time.Millisecond, "all three destinations wait for approval")
	for _, a := range p.Approvals {
		assert.Equal(t, 4, a.Removes, a.Destination)
		assert.Equal(t, 10, a.Current, a.Destination)
		assert.Contains(t, a.Reason, "40%", a.Destination)
	}
	mc := s.rt.Sandbox.MailchimpMembers("a1b2c3d4e5")
	assert.False(t, mc["person1@fastmail.com"].Archived, "nothing is removed before the decision")
	assert.Contains(t, mc, "person11@fastmail.com", "adds are not held")

	decide := func(dest string, ok bool) {
		require.NoError(t, s.client.SignalWorkflow(ctx, run.GetID(), "", workflows.ApprovalSignal,
			approval.Decision{Destination: dest, Approve: ok, By: "e2e"}))
	}
	// The newsletter is approved through the API (a viewer may not), the others by signal.
	srv, err := console.New(console.Options{Config: s.rt.Config, Store: s.rt.Store, Client: s.client, Log: s.rt.Log})
	require.NoError(t, err)
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	var waiting console.RunView
	require.Equal(t, http.StatusOK, call(t, ts, "GET", "/api/v1/runs/"+run.GetID(), viewerToken, "", &waiting))
	require.Len(t, waiting.Approvals, 3, "the API lists the held destinations")
	path := "/api/v1/runs/" + run.GetID() + "/approvals/newsletter"
	assert.Equal(t, http.StatusForbidden, call(t, ts, "POST", path, viewerToken, `{"approve":true}`, nil))
	assert.Equal(t, http.StatusAccepted, call(t, ts, "POST", path, operatorToken, `{"approve":true}`, nil))
	// Meta's removals are rejected with the run page's button, in headless Chromium.
	bctx := browser(t)
	signIn(t, bctx, ts.URL, operatorToken)
	require.NoError(t, chromedp.Do(bctx,
		chromedp.Navigate(ts.URL+"/runs/"+run.GetID()),
		chromedp.WaitVisible(chromedp.CSS(`#reject-meta_lookalike`)),
		chromedp.Click(chromedp.CSS(`#reject-meta_lookalike`)),
		chromedp.WaitVisible(chromedp.CSS(`#flash`))))
	flash, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`#flash`)))
	require.NoError(t, err)
	assert.Contains(t, flash, "Rejected the removals of meta_lookalike")
	png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	writeArtifact(t, "console-approval.png", png)
	decide("google_ads", false)
	var sum summary.Run
	require.NoError(t, run.Get(ctx, &sum))
	require.Equal(t, summary.StatusCompleted, sum.Status, sum.Error)

	for i := 1; i <= 4; i++ {
		email := fmt.Sprintf("person%d@fastmail.com", i)
		h := held(s.rt.Sandbox, email, "")
		assert.False(t, h["newsletter"], "%s removed at Mailchimp after approval", email)
		assert.True(t, h["meta_lookalike"], "%s still at Meta after rejection", email)
		assert.True(t, h["google_ads"], "%s still at Google after rejection", email)
	}
	assert.True(t, held(s.rt.Sandbox, "person11@fastmail.com", "")["meta_lookalike"], "the add went out despite the rejection")
	nl, meta := sum.Destinations["newsletter"], sum.Destinations["meta_lookalike"]
	assert.Equal(t, 4, nl.Removed)
	require.NotNil(t, nl.Approval)
	assert.Equal(t, approval.Approved, nl.Approval.Status)
	assert.Equal(t, "marketing", nl.Approval.By, "the token's name decided")
	assert.Zero(t, meta.Removed)
	assert.Equal(t, 1, meta.Added)
	require.NotNil(t, meta.Approval)
	assert.Equal(t, approval.Rejected, meta.Approval.Status)
	assert.Contains(t, sum.Warnings, "meta_lookalike: removals rejected by marketing: 4 members not removed", "the console's decision names the token")
}
