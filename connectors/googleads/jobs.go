// This file holds the offline user data job calls (create, addOperations, run) and their outcomes.
package googleads

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

// opsPerCall is the number of operations per addOperations call (Google recommends about 10,000;
// the hard limit is 100,000 identifiers, and a member carries at most three).
const opsPerCall = 10000

// runJob sends the batch as one offline user data job: one job per list and op, its operations
// added in calls of opsPerCall, then run once (Google's guidance: one job per list, not per batch).
//
// Outcomes: delivered (ProviderID = the job's resource name) for operations accepted into a job
// that was started; rejected for members without any usable identifier (not sent) and for
// operations the partial failure details point at (Reason = "errorKind=CODE: message"). Errors not
// tied to an operation are noted in the delivered members' Reason. Any call failing returns an
// error: the batch is then redone as a new job (a job created but never run is left PENDING and
// has no effect).
func (d *Destination) runJob(ctx context.Context, b connectors.Batch) ([]connectors.Outcome, error) {
	out := make([]connectors.Outcome, len(b.Members))
	var ops []operation
	var opMember []int
	for i, m := range b.Members {
		out[i] = connectors.Outcome{ProfileID: m.ProfileID}
		ids := identifiers(m)
		if b.Op == connectors.OpRemove {
			ids = removalIdentifiers(m)
		}
		if len(ids) == 0 {
			out[i].Status, out[i].Reason = connectors.StatusRejected, "no_identifier: member has no usable email, phone or full address"
			continue
		}
		ud := &userData{UserIdentifiers: ids}
		if b.Op == connectors.OpRemove {
			ops = append(ops, operation{Remove: ud})
		} else {
			ops = append(ops, operation{Create: ud})
		}
		opMember = append(opMember, i)
	}
	if len(ops) == 0 {
		return out, nil
	}
	base := "/customers/" + d.cfg.CustomerID + "/offlineUserDataJobs"
	meta := userListMetadata{UserList: d.cfg.UserList}
	if d.cfg.ConsentGranted {
		meta.Consent = &consent{AdUserData: "GRANTED", AdPersonalization: "GRANTED"}
	}
	var created createJobResponse
	if _, err := d.c.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: base + ":create",
		Body: createJobRequest{Job: job{Type: "CUSTOMER_MATCH_USER_LIST", CustomerMatchUserListMetadata: meta}}}, &created); err != nil {
		return nil, fmt.Errorf("google ads: create job for %s: %w", d.cfg.UserList, err)
	}
	name := created.ResourceName
	if !strings.HasPrefix(name, "customers/"+d.cfg.CustomerID+"/offlineUserDataJobs/") {
		return nil, fmt.Errorf("google ads: create job for %s: unexpected resource name %q", d.cfg.UserList, name)
	}
	failed := map[int]string{}
	var loose []string
	for start := 0; start < len(ops); start += opsPerCall {
		chunk := ops[start:min(start+opsPerCall, len(ops))]
		var added addOperationsResponse
		if _, err := d.c.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: "/" + name + ":addOperations",
			Body: addOperationsRequest{EnablePartialFailure: true, Operations: chunk}}, &added); err != nil {
			return nil, fmt.Errorf("google ads: add %d operations to %s: %w", len(chunk), name, err)
		}
		partialFailures(added.PartialFailureError, start, len(chunk), failed, &loose)
	}
	var op operationResponse
	if _, err := d.c.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: "/" + name + ":run", Body: map[string]any{}}, &op); err != nil {
		return nil, fmt.Errorf("google ads: run %s: %w", name, err)
	}
	note := ""
	if len(loose) > 0 {
		note = fmt.Sprintf("job reported %d error(s) not tied to an operation: %s", len(loose), strings.Join(loose, "; "))
	}
	for k, i := range opMember {
		o := &out[i]
		if why, bad := failed[k]; bad {
			o.Status, o.Reason = connectors.StatusRejected, why
			continue
		}
		o.Status, o.ProviderID, o.Reason = connectors.StatusDelivered, name, note
	}
	return out, nil
}

// partialFailures records the operations one addOperations call refused (indexes offset by the
// call's first operation) and the errors tied to none.
func partialFailures(pf *status, offset, n int, failed map[int]string, loose *[]string) {
	if pf == nil {
		return
	}
	before := len(*loose)
	tied := 0
	for _, det := range pf.Details {
		for _, e := range det.Errors {
			if i, ok := opIndex(e); ok && i >= 0 && i < n {
				if _, seen := failed[offset+i]; !seen {
					failed[offset+i] = describe(e)
				}
				tied++
				continue
			}
			*loose = append(*loose, describe(e))
		}
	}
	if tied == 0 && len(*loose) == before && pf.Message != "" {
		*loose = append(*loose, pf.Message)
	}
}
