package redact

import (
	"strings"
	"testing"
)

func TestScrubRemovesIdentifiers(t *testing.T) {
	cases := map[string][]string{
		`mailchimp: POST /lists/abc/members: HTTP 400 Invalid Resource: jane.doe@example.com looks fake or invalid, please enter a real email address.`: {"jane.doe@example.com"},
		`mailchimp: PUT /lists/abc/members/0cba00ca3da1b283a57287bcceb17e35: HTTP 400`:                                                                  {"0cba00ca3da1b283a57287bcceb17e35"},
		`mandrill: ValidationError: Validation error: {"message":{"to":[{"email":"Please enter a valid email address: bob@x.org"}]}}`:                   {"bob@x.org"},
		`hubspot: HTTP 400 VALIDATION_ERROR: Property values were not valid: "Jane Smith" for firstname; phone +44 20 7946 0958`:                        {"Jane Smith", "7946"},
		`rule "vip": cannot parse "alice%40example.com" born 1980-02-01`:                                                                                {"alice%40example.com", "1980-02-01"},
		`meta: hash b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9 refused`:                                                           {"b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"},
	}
	for in, secrets := range cases {
		out := Scrub(in)
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("Scrub(%q) = %q still holds %q", in, out, s)
			}
		}
	}
}

func TestScrubKeepsWhatOperatorsNeed(t *testing.T) {
	in := `hubspot: GET /crm/v3/objects/contacts: HTTP 429 RATE_LIMIT: field "email_address" (retry after 10s) FNAME "FNAME"`
	if got := Scrub(in); got != in {
		t.Errorf("Scrub changed a text with nothing personal:\n got %q\nwant %q", got, in)
	}
}

func TestDescribeNeverShowsTheValue(t *testing.T) {
	for _, v := range []string{"jane@example.com", "Jane", "1980-13-45", "x1"} {
		if d := Describe(v); strings.Contains(d, v) {
			t.Errorf("Describe(%q) = %q", v, d)
		}
	}
	if got := Describe(""); got != "an empty value" {
		t.Errorf("Describe(\"\") = %q", got)
	}
}
