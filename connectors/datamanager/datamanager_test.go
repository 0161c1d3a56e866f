// Tests of the Data Manager destination against the sandbox imitation: the wire payload with the
// reference's vectors, adds and removes checked in the list, fast-fail handling, limits, consent,
// terms, the validate-only check and request status.
package datamanager

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/auth"
	"github.com/cdpflow/cdpflow/connectors/connectortest"
	"github.com/cdpflow/cdpflow/connectors/hashing"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
)

const (
	testToken = "ya29.dm-test"
	list      = "customers/1234567890/userLists/555"
)

// recorder keeps every request body sent.
type recorder struct {
	mu     sync.Mutex
	bodies []map[string]any
	paths  []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(b))
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		r.mu.Lock()
		r.bodies, r.paths = append(r.bodies, m), append(r.paths, req.URL.Path)
		r.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

func newDest(t *testing.T, sb *sandbox.Sandbox, rec *recorder, mod func(*Config)) *Destination {
	t.Helper()
	cfg := Config{Name: "google_ads", BaseURL: sb.URLs[sandbox.GoogleAds] + "/v1", Credential: auth.StaticToken(testToken, "the token in $T"),
		OperatingAccountID: "123-456-7890", LoginAccountID: "9876543210", UserList: list}
	if rec != nil {
		cfg.HTTP = rec
	}
	if mod != nil {
		mod(&cfg)
	}
	d, err := New(cfg)
	require.NoError(t, err)
	return d
}

var mary = connectors.Member{ProfileID: "p-mary", Email: " Mary@Example.com", Phone: "+1 800 555 0101", FirstName: "Mary", LastName: "O'Brien",
	Address: record.Address{Country: "US", Postcode: "94043"}, ConsentGranted: true}

func TestIngestPayloadFollowsTheReference(t *testing.T) {
	sb := connectortest.StartSandbox(t, 5, testToken, sandbox.GoogleAds)
	rec := &recorder{}
	d := newDest(t, sb, rec, nil)
	outs, err := d.Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: []connectors.Member{mary}})
	require.NoError(t, err)
	require.Equal(t, connectors.StatusDelivered, outs[0].Status)
	assert.NotEmpty(t, outs[0].ProviderID, "the request id")

	require.Equal(t, []string{"/v1/audienceMembers:ingest"}, rec.paths)
	body := rec.bodies[0]
	assert.Equal(t, "HEX", body["encoding"])
	assert.Equal(t, map[string]any{"customerMatchTermsOfServiceStatus": "ACCEPTED"}, body["termsOfService"])
	dst := body["destinations"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"accountType": "GOOGLE_ADS", "accountId": "1234567890"}, dst["operatingAccount"])
	assert.Equal(t, map[string]any{"accountType": "GOOGLE_ADS", "accountId": "9876543210"}, dst["loginAccount"])
	assert.Equal(t, "555", dst["productDestinationId"])
	m := body["audienceMembers"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"adUserData": "CONSENT_GRANTED", "adPersonalization": "CONSENT_GRANTED"}, m["consent"])
	ids := m["userData"].(map[string]any)["userIdentifiers"].([]any)
	require.Len(t, ids, 3)
	assert.Equal(t, "f1904cf1a9d73a55fa5de0ac823c4403ded71afd4c3248d00bdcd0866552bb79", ids[0].(map[string]any)["emailAddress"])
	assert.Equal(t, "61d6c2976b5d92b1ad63073a12fddd26040cd980067d03a93dd1cc50f1a3ac68", ids[1].(map[string]any)["phoneNumber"])
	addr := ids[2].(map[string]any)["address"].(map[string]any)
	assert.Equal(t, "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec", addr["givenName"])
	assert.Equal(t, hashing.SHA256("o'brien"), addr["familyName"], "Google names keep their punctuation")
	assert.Equal(t, "US", addr["regionCode"])
	assert.Equal(t, "94043", addr["postalCode"], "postal codes travel in clear text")

	// Base64 encoding of the same digests.
	rec2 := &recorder{}
	d64 := newDest(t, sb, rec2, func(c *Config) { c.Encoding = EncodingBase64 })
	_, err = d64.Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: []connectors.Member{mary}})
	require.NoError(t, err)
	ids = rec2.bodies[0]["audienceMembers"].([]any)[0].(map[string]any)["userData"].(map[string]any)["userIdentifiers"].([]any)
	assert.Equal(t, "8ZBM8anXOlX6XeCsgjxEA97XGv1MMkjQC9zQhmVSu3k=", ids[0].(map[string]any)["emailAddress"])
	assert.Equal(t, "YdbCl2tdkrGtYwc6Ev3dJgQM2YAGfQOpPdHMUPGjrGg=", ids[1].(map[string]any)["phoneNumber"])
}

func TestAddThenRemoveAtTheVendor(t *testing.T) {
	sb := connectortest.StartSandbox(t, 5, testToken, sandbox.GoogleAds)
	rec := &recorder{}
	d := newDest(t, sb, rec, nil)
	gmail := connectors.Member{ProfileID: "p-g", Email: "Cloudy.SanFrancisco+shopping@gmail.com"}
	_, err := d.Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: []connectors.Member{mary, gmail}})
	require.NoError(t, err)
	held := sb.GoogleAdsUserList(list)
	assert.True(t, held[hashing.SHA256("mary@example.com")])
	assert.True(t, held[hashing.SHA256("cloudysanfrancisco@gmail.com")], "gmail dots and +suffix removed before hashing")

	// A remove whose profile is gone carries only the ledger's handle; no consent, no terms.
	gone := connectors.Member{ProfileID: "p-mary", Handle: d.Handle(mary)}
	outs, err := d.Apply(context.Background(), connectors.Batch{Op: connectors.OpRemove, Members: []connectors.Member{gone}})
	require.NoError(t, err)
	assert.Equal(t, connectors.StatusDelivered, outs[0].Status)
	body := rec.bodies[len(rec.bodies)-1]
	assert.Nil(t, body["termsOfService"])
	assert.Nil(t, body["audienceMembers"].([]any)[0].(map[string]any)["consent"])
	held = sb.GoogleAdsUserList(list)
	assert.False(t, held[hashing.SHA256("mary@example.com")], "removed at the vendor")
	assert.False(t, held[hashing.SHA256("+18005550101")], "the member is gone with every identifier")
	assert.True(t, held[hashing.SHA256("cloudysanfrancisco@gmail.com")])
}

func TestFastFailRejectsTheNamedMemberAndSendsTheRest(t *testing.T) {
	sb := connectortest.StartSandbox(t, 5, testToken, sandbox.GoogleAds)
	bad := connectors.Member{ProfileID: "p-bad", Email: "bad@example.org"}
	sb.GoogleAdsRejectHashes(hashing.SHA256("bad@example.org"))
	d := newDest(t, sb, nil, nil)
	outs, err := d.Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: []connectors.Member{mary, bad, {ProfileID: "p-none"}}})
	require.NoError(t, err)
	assert.Equal(t, connectors.StatusDelivered, outs[0].Status)
	assert.Equal(t, connectors.StatusRejected, outs[1].Status)
	assert.Contains(t, outs[1].Reason, "INVALID_SHA256_FORMAT")
	assert.Equal(t, connectors.StatusRejected, outs[2].Status)
	assert.Contains(t, outs[2].Reason, "no_identifier")
	assert.Len(t, sb.DataManagerRequests(), 1, "the first request stored nothing (fast fail); the second stored the rest")
}

func TestLimitsTermsAndConsent(t *testing.T) {
	sb := connectortest.StartSandbox(t, 5, testToken, sandbox.GoogleAds)
	d := newDest(t, sb, nil, nil)
	assert.Equal(t, 10000, d.MaxBatch())
	_, err := d.Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: make([]connectors.Member, 10001)})
	require.Error(t, err)

	no := false
	unsigned := newDest(t, sb, nil, func(c *Config) { c.TermsAccepted = &no })
	_, err = unsigned.Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: []connectors.Member{mary}})
	require.ErrorContains(t, err, "TERMS_AND_CONDITIONS_NOT_SIGNED")
	var ce connectors.Error
	require.ErrorAs(t, err, &ce)
	assert.False(t, ce.Retryable(), "a 400 is not retried")

	rec := &recorder{}
	implicit := mary
	implicit.ConsentGranted = false
	_, err = newDest(t, sb, rec, nil).Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: []connectors.Member{implicit}})
	require.NoError(t, err)
	c := rec.bodies[0]["audienceMembers"].([]any)[0].(map[string]any)["consent"]
	assert.Equal(t, map[string]any{"adUserData": "CONSENT_STATUS_UNSPECIFIED", "adPersonalization": "CONSENT_STATUS_UNSPECIFIED"}, c,
		"no explicit subscription (an opt_out basis) is never declared granted")
}

func TestCheckAndRequestStatus(t *testing.T) {
	sb := connectortest.StartSandbox(t, 5, testToken, sandbox.GoogleAds)
	d := newDest(t, sb, nil, nil)
	rep := d.Check(context.Background(), true)
	require.NoError(t, rep.Err())
	assert.Empty(t, sb.DataManagerRequests(), "validateOnly stores nothing")
	assert.Empty(t, sb.GoogleAdsUserList(list))

	sb.DataManagerLists("customers/1234567890/userLists/777")
	rep = d.Check(context.Background(), false)
	require.ErrorContains(t, rep.Err(), "INVALID_USER_LIST_ID")

	sb.DataManagerLists(list)
	outs, err := d.Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: []connectors.Member{mary}})
	require.NoError(t, err)
	st, err := d.RequestStatus(context.Background(), outs[0].ProviderID)
	require.NoError(t, err)
	assert.Equal(t, "PROCESSING", st.State)
	st, err = d.RequestStatus(context.Background(), outs[0].ProviderID)
	require.NoError(t, err)
	assert.Equal(t, "SUCCESS", st.State)
	assert.Equal(t, "1", st.Records)
}

func TestSandboxEnforcesTheLimits(t *testing.T) {
	sb := connectortest.StartSandbox(t, 5, testToken, sandbox.GoogleAds)
	post := func(body map[string]any) (int, string) {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", sb.URLs[sandbox.GoogleAds]+"/v1/audienceMembers:ingest", bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(out)
	}
	dst := []any{map[string]any{"operatingAccount": map[string]any{"accountType": "GOOGLE_ADS", "accountId": "1234567890"}, "productDestinationId": "555"}}
	member := func(id map[string]any) map[string]any {
		return map[string]any{"userData": map[string]any{"userIdentifiers": []any{id}}}
	}
	tos := map[string]any{"customerMatchTermsOfServiceStatus": "ACCEPTED"}
	many := make([]any, 10001)
	for i := range many {
		many[i] = member(map[string]any{"emailAddress": hashing.SHA256(fmt.Sprint(i))})
	}
	for _, tc := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"unhashed email", map[string]any{"destinations": dst, "encoding": "HEX", "termsOfService": tos,
			"audienceMembers": []any{member(map[string]any{"emailAddress": "mary@example.com"})}}, "INVALID_HEX_ENCODING"},
		{"not a digest", map[string]any{"destinations": dst, "encoding": "HEX", "termsOfService": tos,
			"audienceMembers": []any{member(map[string]any{"emailAddress": "abcd"})}}, "INVALID_SHA256_FORMAT"},
		{"no encoding", map[string]any{"destinations": dst, "termsOfService": tos,
			"audienceMembers": []any{member(map[string]any{"emailAddress": hashing.SHA256("a")})}}, "REQUIRED_FIELD_MISSING"},
		{"no terms", map[string]any{"destinations": dst, "encoding": "HEX",
			"audienceMembers": []any{member(map[string]any{"emailAddress": hashing.SHA256("a")})}}, "TERMS_AND_CONDITIONS_NOT_SIGNED"},
		{"too many members", map[string]any{"destinations": dst, "encoding": "HEX", "termsOfService": tos, "audienceMembers": many}, "TOO_MANY_AUDIENCE_MEMBERS"},
		{"two kinds in one identifier", map[string]any{"destinations": dst, "encoding": "HEX", "termsOfService": tos,
			"audienceMembers": []any{member(map[string]any{"emailAddress": hashing.SHA256("a"), "phoneNumber": hashing.SHA256("b")})}}, "INVALID_ARGUMENT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(tc.body)
			assert.Equal(t, 400, status)
			assert.True(t, strings.Contains(body, tc.want), body)
		})
	}
	assert.Empty(t, sb.DataManagerRequests(), "fast fail: nothing stored")
}
