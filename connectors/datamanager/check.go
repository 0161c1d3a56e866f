// This file holds the connection check (a validate-only ingest of one synthetic member: it proves
// the credential, its scope, the account access, the list and the terms without storing anything)
// and RequestStatus, the processing outcome of an earlier request.
package datamanager

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/hashing"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

// Check validates an ingest of one synthetic member (validateOnly: nothing is stored).
func (d *Destination) Check(ctx context.Context, _ bool) connectors.CheckReport {
	r := connectors.CheckReport{API: connectors.APIVersion{API: "Google Data Manager API", Version: "v1"}}
	probe := audienceMember{UserData: userData{UserIdentifiers: []userIdentifier{
		{EmailAddress: d.encode(hashing.SHA256("cdpflow-connection-check@example.com"))}}},
		Consent: &consentFields{AdUserData: consentGranted, AdPersonalization: consentGranted}}
	_, err := d.change(ctx, connectors.OpAdd, []audienceMember{probe}, true)
	r.Step("authenticate and validate an ingest to the list (validateOnly)", err, "account %s, list %s, terms accepted", d.cfg.OperatingAccountID, d.listID)
	return r
}

// Status is what Google reports of an earlier request.
type Status struct {
	State          string            // PROCESSING | SUCCESS | PARTIAL_SUCCESS | FAILED | REQUEST_STATUS_UNKNOWN
	Records        string            // records processed
	MatchRateRange string            // e.g. MATCH_RATE_RANGE_51_TO_60
	Errors         map[string]string // reason -> record count (denied consent and the like)
}

// RequestStatus reads the processing status of a request id that Apply returned as ProviderID.
func (d *Destination) RequestStatus(ctx context.Context, requestID string) (Status, error) {
	var resp statusResponse
	q := url.Values{"requestId": {requestID}}
	if _, err := d.c.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: "/requestStatus:retrieve", Query: q}, &resp); err != nil {
		return Status{}, fmt.Errorf("%s: request status: %w", d.cfg.Name, err)
	}
	st := Status{Errors: map[string]string{}}
	var states []string
	for _, p := range resp.PerDestination {
		states = append(states, p.RequestStatus)
		if p.Ingestion != nil {
			st.Records, st.MatchRateRange = p.Ingestion.UserData.RecordCount, p.Ingestion.UserData.MatchRate
		}
		if p.ErrorInfo != nil {
			for _, c := range p.ErrorInfo.ErrorCounts {
				st.Errors[c.Reason] = c.RecordCount
			}
		}
	}
	st.State = strings.Join(states, ",")
	return st, nil
}
