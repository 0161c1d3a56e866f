// This file tests the Google Ads imitation's job lifecycle and validation directly over HTTP.
package sandbox

import (
	"fmt"
	"strings"
	"testing"
)

func TestGoogleAds_Jobs(t *testing.T) {
	sb := destStart(t, GoogleAds, "g-tok")
	base := sb.URLs[GoogleAds] + "/v26/customers/42/offlineUserDataJobs"
	hdr := map[string]string{"Authorization": "Bearer g-tok", "developer-token": "dev"}
	create := func() string {
		status, _, out := destCall(t, "POST", base+":create", hdr, map[string]any{"job": map[string]any{
			"type": "CUSTOMER_MATCH_USER_LIST", "customerMatchUserListMetadata": map[string]any{"userList": "customers/42/userLists/7"}}})
		if status != 200 {
			t.Fatalf("create: %d %v", status, out)
		}
		return out["resourceName"].(string)
	}
	h := strings.Repeat("b", 64)
	op := func(kind, email string) map[string]any {
		return map[string]any{kind: map[string]any{"userIdentifiers": []any{map[string]any{"hashedEmail": email}}}}
	}
	t.Run("missing developer token", func(t *testing.T) {
		status, _, out := destCall(t, "POST", base+":create", map[string]string{"Authorization": "Bearer g-tok"}, map[string]any{})
		if status != 401 || !strings.Contains(fmt.Sprint(out), "DEVELOPER_TOKEN_PARAMETER_MISSING") {
			t.Fatalf("%d %v", status, out)
		}
	})
	t.Run("bad oauth token", func(t *testing.T) {
		status, _, out := destCall(t, "POST", base+":create", map[string]string{"Authorization": "Bearer x", "developer-token": "d"}, map[string]any{})
		if status != 401 || !strings.Contains(fmt.Sprint(out), "UNAUTHENTICATED") {
			t.Fatalf("%d %v", status, out)
		}
	})
	t.Run("wrong customer's list", func(t *testing.T) {
		status, _, out := destCall(t, "POST", base+":create", hdr, map[string]any{"job": map[string]any{
			"type": "CUSTOMER_MATCH_USER_LIST", "customerMatchUserListMetadata": map[string]any{"userList": "customers/1/userLists/7"}}})
		if status != 400 || !strings.Contains(fmt.Sprint(out), "INVALID_USER_LIST_ID") {
			t.Fatalf("%d %v", status, out)
		}
	})
	t.Run("without partial failure one bad operation fails the request", func(t *testing.T) {
		job := create()
		status, _, out := destCall(t, "POST", sb.URLs[GoogleAds]+"/v26/"+job+":addOperations", hdr,
			map[string]any{"operations": []any{op("create", h), op("create", "NOT-HEX")}})
		if status != 400 || !strings.Contains(fmt.Sprint(out), "INVALID_SHA256_FORMAT") {
			t.Fatalf("%d %v", status, out)
		}
		if jobs := sb.GoogleAdsJobs(); jobs[len(jobs)-1].Operations != 0 {
			t.Fatalf("operations kept: %+v", jobs)
		}
	})
	t.Run("partial failure, run, run again", func(t *testing.T) {
		job := create()
		u := sb.URLs[GoogleAds] + "/v26/" + job
		status, _, out := destCall(t, "POST", u+":addOperations", hdr,
			map[string]any{"enablePartialFailure": true, "operations": []any{op("create", h), op("create", "NOT-HEX"), op("remove", h)}})
		pf, _ := out["partialFailureError"].(map[string]any)
		if status != 200 || pf == nil || !strings.Contains(fmt.Sprint(pf["details"]), "index:1") {
			t.Fatalf("%d %v", status, out)
		}
		if status, _, out := destCall(t, "POST", u+":run", hdr, map[string]any{}); status != 200 || out["name"] == nil {
			t.Fatalf("run: %d %v", status, out)
		}
		if l := sb.GoogleAdsUserList("customers/42/userLists/7"); len(l) != 0 { // created then removed, in order
			t.Fatalf("list %v", l)
		}
		if status, _, _ := destCall(t, "POST", u+":run", hdr, map[string]any{}); status != 400 {
			t.Fatalf("second run: %d", status)
		}
		if status, _, _ := destCall(t, "POST", u+":addOperations", hdr, map[string]any{"operations": []any{op("create", h)}}); status != 400 {
			t.Fatalf("add after run: %d", status)
		}
	})
	t.Run("unknown job", func(t *testing.T) {
		status, _, _ := destCall(t, "POST", base+"/1:addOperations", hdr, map[string]any{"operations": []any{op("create", h)}})
		if status != 404 {
			t.Fatalf("%d", status)
		}
	})
}
