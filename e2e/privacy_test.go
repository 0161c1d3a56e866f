package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/cdpflow/cdpflow/sandbox"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/summary"
	"github.com/cdpflow/cdpflow/workflows"
)

// TestPrivacy_AFailingRunKeepsPIIOutOfHistory makes every destination refuse its writes with an
// error that quotes the request (emails, names, phones, hashed identifiers, a subscriber hash in
// the path), as hostile or merely chatty vendors do. The run fails, and neither its Temporal
// history (every payload decoded, every failure message) nor the stored run summary holds any
// customer's email, phone, name, or their MD5/SHA-256 — with no payload encryption configured, so
// the scrubbing itself is what is tested.
func TestPrivacy_AFailingRunKeepsPIIOutOfHistory(t *testing.T) {
	s := newStack(t)
	hostile := sandbox.Fault{Kind: sandbox.FaultEcho400}
	with := func(f sandbox.Fault, path, method string) sandbox.Fault {
		f.PathContains, f.Method = path, method
		return f
	}
	s.rt.Sandbox.Faults.Set(sandbox.Mailchimp, with(hostile, "", "POST"))
	s.rt.Sandbox.Faults.Set(sandbox.Mandrill, with(hostile, "send-template", ""))
	s.rt.Sandbox.Faults.Set(sandbox.Meta, with(hostile, "/users", ""))
	google := with(hostile, "", "POST")
	google.Skip = 1 // the pre-flight's validate-only ingest
	s.rt.Sandbox.Faults.Set(sandbox.GoogleAds, google)

	sum := s.refreshMayFail(t, "refresh-hostile")
	require.Equal(t, summary.StatusFailed, sum.Status)
	for _, v := range []string{sandbox.Mailchimp, sandbox.Mandrill, sandbox.Meta, sandbox.GoogleAds} {
		require.Positive(t, s.rt.Sandbox.Faults.Fired(v), "%s refused with an echo of the request", v)
	}
	assert.Contains(t, sum.Error, "invalid", "the vendor's words are kept, minus the data")

	// Every identifier of every profile, and every hash of them.
	var emails, phones, names []string
	ctx := context.Background()
	require.NoError(t, s.rt.Store.ScanProfiles(ctx, func(p store.Profile) error {
		emails = append(emails, p.Golden.Email)
		phones = append(phones, p.Golden.Phone)
		for _, n := range []string{p.Golden.FirstName, p.Golden.LastName} {
			if len(n) >= 5 { // shorter names occur inside ordinary words and ids
				names = append(names, strings.ToLower(n))
			}
		}
		return nil
	}))
	require.Greater(t, len(emails), 100)
	secrets := needles(emails, phones)

	text := historyText(t, historyEventsOf(t, s, "refresh-hostile"))
	run, err := s.rt.Store.GetRun(ctx, "refresh-hostile")
	require.NoError(t, err)
	text += "\n" + strings.ToLower(string(run.Summary))
	require.Contains(t, text, "refresh-hostile", "the scanned text is the run's")

	var leaks []string
	for _, n := range secrets {
		if n != "" && strings.Contains(text, strings.ToLower(n)) {
			leaks = append(leaks, n)
		}
	}
	for _, n := range names {
		if regexp.MustCompile(`\b` + regexp.QuoteMeta(n) + `\b`).MatchString(text) {
			leaks = append(leaks, n)
		}
	}
	assert.Empty(t, leaks, "customer data in the failing run's history or summary")
}

// refreshMayFail runs a refresh and returns its summary, also when the run failed (the summary
// its RunFailed error carries).
func (s *stack) refreshMayFail(t *testing.T, id string) summary.Run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: taskQueue},
		workflows.CustomerRefresh, workflows.RefreshInput{Trigger: "test"})
	require.NoError(t, err)
	var sum summary.Run
	if err := run.Get(ctx, &sum); err != nil {
		require.True(t, summaryOf(err, &sum), "%v", err)
	}
	return sum
}

// summaryOf reads the summary a RunFailed error carries.
func summaryOf(err error, sum *summary.Run) bool {
	var ae *temporal.ApplicationError
	return errors.As(err, &ae) && ae.Type() == "RunFailed" && ae.Details(sum) == nil
}

func historyEventsOf(t *testing.T, s *stack, id string) *history.History {
	return &history.History{Events: historyEvents(t, s.client, id)}
}

// historyText is the history as JSON with every payload's data decoded, lowercased.
func historyText(t *testing.T, h *history.History) string {
	t.Helper()
	raw, err := protojson.Marshal(h)
	require.NoError(t, err)
	var b strings.Builder
	b.Write(raw)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && k == "data" {
					if dec, err := base64.StdEncoding.DecodeString(s); err == nil {
						b.WriteString("\n")
						b.Write(dec)
					}
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	var doc any
	require.NoError(t, json.Unmarshal(raw, &doc))
	walk(doc)
	return strings.ToLower(b.String())
}
