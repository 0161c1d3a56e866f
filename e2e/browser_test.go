package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/summary"
)

// chromiumPath finds Debian's chromium; CI must have it (.ci/run installs it).
func chromiumPath(t *testing.T) string {
	for _, p := range []string{os.Getenv("CDPFLOW_CHROMIUM"), "chromium", "chromium-browser"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	msg := "chromium is not installed: apt-get install chromium"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// browser starts headless Chromium for the test (closed at its end).
func browser(t *testing.T) context.Context {
	exe := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1360, 1000))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelB := chromedp.NewContext(actx)
	bctx, cancelT := context.WithTimeout(bctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelB(); cancelA() })
	return bctx
}

// signIn signs in through the console's login form.
func signIn(t *testing.T, bctx context.Context, base, token string) {
	require.NoError(t, chromedp.Do(bctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=token]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=token]`), token),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`header .who`))))
}

// TestConsole_Browser signs in through the login form in headless Chromium and reads the
// dashboard, a run, a profile and a campaign preview, checking the figures on the pages against
// the store. Screenshots are kept (CDPFLOW_ARTIFACTS, else the test's temp dir).
func TestConsole_Browser(t *testing.T) {
	bctx := browser(t)
	s, ts, first := consoleStack(t)
	ctx := context.Background()
	st := s.rt.Store

	shot := func(name string) {
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		writeArtifact(t, name, png)
	}
	text := func(c context.Context, sel string) string {
		v, err := chromedp.Run(c, chromedp.Text(chromedp.CSS(sel)))
		require.NoError(t, err, "text of %s", sel)
		return v
	}
	attr := func(sel, name string) (string, bool) {
		v, err := chromedp.Run(bctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
		require.NoError(t, err, "attribute %s of %s", name, sel)
		return v.Value, v.Exists
	}
	num := func(s string) int {
		n, err := strconv.Atoi(strings.ReplaceAll(strings.Fields(s)[0], ",", ""))
		require.NoError(t, err, "a number on the page: %q", s)
		return n
	}

	// Sign in: the login form sets the session cookie and lands on the dashboard.
	require.NoError(t, chromedp.Do(bctx,
		chromedp.Navigate(ts.URL+"/runs"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=token]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=token]`), operatorToken),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#runs`)), // back where the sign-in started
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#kpi-customers`))))
	customers, buyers := text(bctx, `#kpi-customers`), text(bctx, `#kpi-buyers`)
	shot("console-dashboard.png")
	live, withSources := 0, map[string]int{}
	require.NoError(t, st.ScanProfiles(ctx, func(p store.Profile) error {
		if !p.Golden.Deleted {
			live++
			for _, src := range p.Sources {
				withSources[src]++
			}
		}
		return nil
	}))
	assert.Equal(t, live, num(customers), "customers on the dashboard = live profiles in the store")
	repeat, err := st.SegmentMembers(ctx, "buyers.repeat")
	require.NoError(t, err)
	once, err := st.SegmentMembers(ctx, "buyers.one_time")
	require.NoError(t, err)
	assert.Equal(t, len(repeat)+len(once), num(buyers), "buyers = repeat + one-time segment members")
	for src, n := range withSources {
		v, ok := attr(`svg text.val[data-label="`+src+`"]`, "data-value")
		require.True(t, ok, "a bar for source %s", src)
		assert.Equal(t, strconv.Itoa(n), v, "profiles with a %s record", src)
	}
	prospects, err := st.SegmentMembers(ctx, "prospects_all")
	require.NoError(t, err)
	segV, _ := attr(`svg text.val[data-label="prospects_all"]`, "data-value")
	assert.Equal(t, strconv.Itoa(len(prospects)), segV, "segment size on the dashboard = the store's")

	// A run.
	row, err := st.GetRun(ctx, first.WorkflowID)
	require.NoError(t, err)
	var stored summary.Run
	require.NoError(t, json.Unmarshal(row.Summary, &stored))
	require.NoError(t, chromedp.Do(bctx,
		chromedp.Navigate(ts.URL+"/runs/"+first.WorkflowID),
		chromedp.WaitVisible(chromedp.CSS(`#cleanse-accepted`))))
	accepted, status := text(bctx, `#cleanse-accepted`), text(bctx, `#run-status`)
	threshold := text(bctx, `#identity-threshold`)
	newsletterRow := text(bctx, `tr[data-destination="newsletter"]`)
	shot("console-run.png")
	assert.Equal(t, stored.Cleanse.Accepted, num(accepted))
	assert.Equal(t, row.Status, strings.TrimSpace(status))
	require.Positive(t, stored.Identity.Threshold, "the summary names the match threshold")
	assert.Contains(t, threshold, fmt.Sprintf("%.3g", stored.Identity.Threshold), "the run page shows the summary's threshold")
	assert.Equal(t, stored.Identity.ThresholdChosen, strings.Contains(threshold, "chosen from the model"))
	assert.Equal(t, strconv.Itoa(stored.Destinations["newsletter"].Added), strings.Fields(newsletterRow)[1], "newsletter's added count")

	// A profile, found by email through the search box.
	var p store.Profile
	require.NoError(t, st.ScanProfiles(ctx, func(x store.Profile) error {
		if p.ID == "" && x.Golden.Email != "" && len(x.Sources) > 1 && !x.Golden.Deleted {
			p = x
		}
		return nil
	}))
	require.NotEmpty(t, p.ID)
	require.NoError(t, chromedp.Do(bctx,
		chromedp.Navigate(ts.URL+"/profiles"),
		chromedp.SendKeys(chromedp.CSS(`input[name=q]`), p.Golden.Email),
		chromedp.Submit(chromedp.CSS(`input[name=q]`)),
		chromedp.WaitVisible(chromedp.CSS(`#results a`)),
		chromedp.Click(chromedp.CSS(`#results a`)),
		chromedp.WaitVisible(chromedp.CSS(`#golden`))))
	golden := text(bctx, `#golden`)
	segs, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#profile-segments li')).map(e => e.textContent)`))
	require.NoError(t, err)
	shot("console-profile.png")
	assert.Contains(t, golden, p.Golden.Email, "an operator sees the golden email")
	var want []string
	names, err := st.SegmentNames(ctx)
	require.NoError(t, err)
	for _, n := range names {
		m, err := st.SegmentMembers(ctx, n)
		require.NoError(t, err)
		for _, id := range m {
			if id == p.ID {
				want = append(want, n)
			}
		}
	}
	assert.Equal(t, want, segs, "the profile's segments = the store's memberships")

	// A campaign preview.
	require.NoError(t, chromedp.Do(bctx,
		chromedp.Navigate(ts.URL+"/campaigns/welcome"),
		chromedp.WaitVisible(chromedp.CSS(`#preview`)),
		chromedp.Click(chromedp.CSS(`#preview`)),
		chromedp.WaitVisible(chromedp.CSS(`#preview-table`))))
	holds, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#preview-table tr[data-destination]')).map(r => r.dataset.destination + "=" + r.cells[1].textContent)`))
	require.NoError(t, err)
	shot("console-preview.png")
	require.Len(t, holds, 2)
	for _, h := range holds {
		dest, n, _ := strings.Cut(h, "=")
		members, err := st.DestinationMembers(ctx, dest)
		require.NoError(t, err)
		assert.Equal(t, len(members), num(n), "%s now holds what the ledger says", dest)
	}

	// A viewer sees identifiers masked and no action buttons.
	// (signing out first: the session is one cookie)
	vctx := bctx
	step := func(what string, a ...chromedp.Action[chromedp.Void]) {
		sctx, cancel := context.WithTimeout(vctx, 20*time.Second)
		defer cancel()
		require.NoError(t, chromedp.Do(sctx, a...), what)
	}
	step("sign out", chromedp.Click(chromedp.CSS(`header form button`)), chromedp.WaitVisible(chromedp.CSS(`input[name=token]`)))
	step("sign in as viewer", chromedp.SendKeys(chromedp.CSS(`input[name=token]`), viewerToken),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)))
	step("dashboard", chromedp.WaitVisible(chromedp.CSS(`#kpi-customers`)))
	require.NoError(t, chromedp.Do(vctx,
		chromedp.Navigate(ts.URL+"/profiles/"+p.ID),
		chromedp.WaitVisible(chromedp.CSS(`#golden`))))
	vgolden := text(vctx, `#golden`)
	require.NoError(t, chromedp.Do(vctx, chromedp.Navigate(ts.URL+"/campaigns/welcome"), chromedp.WaitVisible(chromedp.CSS(`main h1`))))
	buttons, err := chromedp.Run(vctx, chromedp.Evaluate[int](`document.querySelectorAll('#preview, #trigger').length`))
	require.NoError(t, err)
	assert.NotContains(t, vgolden, p.Golden.Email, "a viewer does not see the email")
	assert.Zero(t, buttons, "a viewer gets no preview or run buttons")
}
