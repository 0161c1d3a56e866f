// This file tests credentials that renew, end to end: a refresh on the sandbox whose OAuth tokens
// expire every 20 seconds, running for minutes across every source and destination, ends exactly
// as the same refresh with tokens that never expire; a revoked refresh token then fails the next
// run at once, naming the credential, with one refusal at the token endpoint and no retries.
package e2e

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/cdpflow/cdpflow/sandbox"
	"github.com/cdpflow/cdpflow/summary"
	"github.com/cdpflow/cdpflow/workflows"
)

// credentialsSetup is the built-in setup with each vendor's credential replaced; sourceExtra is
// added to every source (a rate limit that stretches the run over many token lifetimes).
func credentialsSetup(creds map[string]string, sourceExtra string) string {
	c := func(name string) string { return creds[name] }
	return `
sandbox: {token_ttl: 20s}
sources:
  - {name: hubspot, type: hubspot, base_url: sandbox` + c("hubspot") + sourceExtra + `}
  - {name: salesforce, type: salesforce, base_url: sandbox` + c("salesforce") + sourceExtra + `}
  - {name: shop, type: shopify, base_url: sandbox` + c("shop") + sourceExtra + `}
  - {name: pos, type: square, base_url: sandbox, location_ids: [L1]` + c("pos") + sourceExtra + `}
  - {name: web, type: ga4, base_url: sandbox, property_id: "123456", customer_source: hubspot` + c("web") + sourceExtra + `}
segments:
  - {name: at_risk_high_value, rule: 'rfm.segment in ["at_risk", "cant_lose"] && clv.predicted_12m > 200'}
destinations:
  - {name: newsletter, type: mailchimp, base_url: sandbox, list_id: a1b2c3d4e5, segments: [rfm.champions, at_risk_high_value]}
  - {name: winback_email, type: mandrill, base_url: sandbox, template: winback-offer, from_email: hello@acme.example, segments: [at_risk_high_value]}
  - {name: meta_lookalike, type: meta, base_url: sandbox, audience_id: "23851234567890", segments: [rfm.champions]}
  - {name: google_ads, type: google_ads, base_url: sandbox, customer_id: "1234567890", user_list: customers/1234567890/userLists/555,
     segments: [rfm.champions]` + c("google_ads") + `}
`
}

// googleFiles writes a service-account key (GA4) and an authorized-user file (Google Ads) and a
// Salesforce connected app's private key.
func googleFiles(t *testing.T) map[string]string {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	sa, _ := json.Marshal(map[string]string{"type": "service_account", "client_email": "cdp@proj.iam.gserviceaccount.com",
		"private_key": pemKey, "private_key_id": "k1", "token_uri": "https://oauth2.googleapis.com/token"})
	au, _ := json.Marshal(map[string]string{"type": "authorized_user", "client_id": "ads-client", "client_secret": "ads-secret",
		"refresh_token": "ads-refresh-token"})
	return map[string]string{"ga4-sa.json": string(sa), "ads-user.json": string(au), "sf-app.pem": pemKey}
}

func TestCredentials_TokensThatExpireEvery20s(t *testing.T) {
	var base summary.Run
	t.Run("baseline: tokens that never expire", func(t *testing.T) {
		s := newStackWith(t, credentialsSetup(map[string]string{}, ""), nil)
		base = s.refresh(t, "credentials-baseline")
		require.Equal(t, summary.StatusCompleted, base.Status, base.Error)
	})

	t.Setenv("HS_REFRESH", "hs-refresh-token")
	t.Setenv("SF_KEY_FILE", "sf-app.pem")
	t.Setenv("GA4_CREDENTIALS", "ga4-sa.json")
	t.Setenv("ADS_CREDENTIALS", "ads-user.json")
	oauth := map[string]string{
		"hubspot":    ", client_id_env: HS_CLIENT_ID, client_secret_env: HS_CLIENT_SECRET, refresh_token_env: HS_REFRESH",
		"salesforce": ", client_id_env: SF_CONSUMER_KEY, jwt_username: integration@acme.example, jwt_key_file_env: SF_KEY_FILE",
		"shop":       ", client_id_env: SHOP_CLIENT_ID, client_secret_env: SHOP_CLIENT_SECRET",
		"pos":        ", client_id_env: SQ_CLIENT_ID, client_secret_env: SQ_CLIENT_SECRET, refresh_token_env: SQ_REFRESH",
		"web":        ", credentials_file_env: GA4_CREDENTIALS",
		"google_ads": ", credentials_file_env: ADS_CREDENTIALS",
	}
	// One request every 21 s per source: every call after a source's first needs a new token, and
	// the run takes minutes.
	s := newStackWith(t, credentialsSetup(oauth, ", rate_limit: {requests_per_second: 0.0476, burst: 1}"), googleFiles(t))
	sb := s.rt.Sandbox
	started := time.Now()
	sum := s.refresh(t, "credentials-20s")
	took := time.Since(started)

	t.Run("the run completes exactly as with tokens that never expire", func(t *testing.T) {
		require.Equal(t, summary.StatusCompleted, sum.Status, sum.Error)
		for name, src := range base.Sources {
			assert.Equal(t, src.Extracted, sum.Sources[name].Extracted, "source %s: every record exactly once", name)
			assert.Equal(t, src.ByKind, sum.Sources[name].ByKind, "source %s", name)
			assert.Empty(t, sum.Sources[name].Error)
		}
		for name, d := range base.Destinations {
			got := sum.Destinations[name]
			assert.Equal(t, d.Added, got.Added, "destination %s", name)
			assert.Equal(t, d.Rejected, got.Rejected, "destination %s", name)
			assert.Zero(t, got.Failed, "destination %s", name)
			assert.Empty(t, got.Error, "destination %s", name)
		}
		assert.Len(t, sb.MetaAudience("23851234567890"), sum.Destinations["meta_lookalike"].Added)
		assert.Len(t, sb.MailchimpMembers("a1b2c3d4e5"), sum.Destinations["newsletter"].Added)
		assert.NotEmpty(t, sb.GoogleAdsUserList("customers/1234567890/userLists/555"))
		t.Logf("the run took %s", took.Round(time.Second))
	})

	t.Run("tokens were renewed along the run, before they expired", func(t *testing.T) {
		for _, v := range []string{sandbox.HubSpot, sandbox.Shopify, sandbox.Square} {
			st := sb.TokenStats(v)
			assert.GreaterOrEqual(t, st.Issued, 2, "%s: renewed along the run", v)
			assert.Zero(t, st.Refused, "%s", v)
			assert.Zero(t, st.Expired, "%s: renewed before expiry, never refused as expired", v)
		}
		assert.GreaterOrEqual(t, sb.TokenStats(sandbox.HubSpot).Issued, 4, "HubSpot's calls 21 s apart")
		assert.Positive(t, sb.TokenStats(sandbox.GA4).Issued)
		assert.Positive(t, sb.TokenStats(sandbox.GoogleAds).Issued)
	})

	time.Sleep(21 * time.Second) // every access token the run holds has expired now
	t.Run("later runs renew expired tokens: from their lifetime, or on the vendor's expired answer", func(t *testing.T) {
		ga4, sf := sb.TokenStats(sandbox.GA4).Issued, sb.TokenStats(sandbox.Salesforce)
		for _, src := range []string{"web", "salesforce"} {
			got := s.run(t, "credentials-later-"+src, workflows.SourceSync, workflows.SyncInput{Source: src, Trigger: "test"})
			require.Equal(t, summary.StatusCompleted, got.Status, got.Error)
		}
		assert.Greater(t, sb.TokenStats(sandbox.GA4).Issued, ga4, "GA4: renewed from expires_in before the call")
		after := sb.TokenStats(sandbox.Salesforce)
		// Salesforce tells no lifetime: its session is renewed when it answers INVALID_SESSION_ID.
		assert.Greater(t, after.Expired, sf.Expired, "an expired session was refused ...")
		assert.Greater(t, after.Issued, sf.Issued, "... renewed, and the call repeated")
	})

	t.Run("a revoked refresh token fails the next run at once, naming the credential", func(t *testing.T) {
		sb.Revoke("hs-refresh-token") // HubSpot's access token expired during the sleep: the next call must renew
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "credentials-revoked", TaskQueue: taskQueue},
			workflows.SourceSync, workflows.SyncInput{Source: "hubspot", Trigger: "test"})
		require.NoError(t, err)
		err = run.Get(ctx, nil)
		require.Error(t, err)
		msg := err.Error()
		assert.Contains(t, msg, "$HS_REFRESH", "names the credential to fix")
		assert.Contains(t, msg, "BAD_REFRESH_TOKEN", "the vendor's words")
		assert.NotContains(t, msg, "hs-refresh-token", "never the secret")
		assert.Equal(t, 1, sb.TokenStats(sandbox.HubSpot).Refused, "one refusal: a refused credential is not retried")
		for _, e := range historyEvents(t, s.client, "credentials-revoked") {
			if a := e.GetActivityTaskScheduledEventAttributes(); a != nil {
				assert.NotEqual(t, "Extract", a.GetActivityType().GetName(), "nothing is extracted")
			}
			if a := e.GetActivityTaskStartedEventAttributes(); a != nil {
				assert.EqualValues(t, 1, a.GetAttempt(), "no activity was retried")
			}
		}
	})
}
