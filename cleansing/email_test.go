package cleansing

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		name, in, want, reason string
	}{
		{"trim and lower case", "  John.Smith+News@GMAIL.com ", "john.smith+news@gmail.com", ""},
		{"IDN domain to punycode, unicode local part kept", "bücher@例え.jp", "bücher@xn--r8jz45g.jp", ""},
		{"upper-case IDN domain", "Info@MÜNCHEN.de", "info@xn--mnchen-3ya.de", ""},
		{"mailto prefix", "mailto:Jane@Example.org?subject=hi", "jane@example.org", ""},
		{"display name form", `"Smith, Jane" <JANE.SMITH@acme.io>`, "jane.smith@acme.io", ""},
		{"angle brackets", "<bob@acme.io>", "bob@acme.io", ""},
		{"trailing dot of FQDN", "bob@acme.io.", "bob@acme.io", ""},
		{"non-breaking spaces and tabs", "\u00a0\tbob@acme.io\u200b\n", "bob@acme.io", ""},
		{"quotes around", "'bob@acme.io'", "bob@acme.io", ""},
		{"empty", "   ", "", ""},
		{"null marker", "N/A", "", ReasonPlaceholderEmail},
		{"no at", "john.smith.gmail.com", "", ReasonInvalidEmail},
		{"two ats", "john@@gmail.com", "", ReasonInvalidEmail},
		{"comma instead of dot", "john@gmail,com", "", ReasonInvalidEmail},
		{"two addresses", "a@x.com; b@y.com", "", ReasonInvalidEmail},
		{"space inside", "john smith@gmail.com", "", ReasonInvalidEmail},
		{"no tld", "john@localhost", "", ReasonInvalidEmail},
		{"numeric tld", "john@10.0.0.1", "", ReasonInvalidEmail},
		{"ip literal", "john@[10.0.0.1]", "", ReasonInvalidEmail},
		{"leading dot", ".john@gmail.com", "", ReasonInvalidEmail},
		{"double dot", "john..smith@gmail.com", "", ReasonInvalidEmail},
		{"nothing before at", "@gmail.com", "", ReasonInvalidEmail},
		{"nothing after at", "john@", "", ReasonInvalidEmail},
		{"hyphen label edge", "john@-acme.com", "", ReasonInvalidEmail},
		{"underscore in domain", "john@ac_me.com", "", ReasonInvalidEmail},
		{"local too long", strings.Repeat("a", 65) + "@x.com", "", ReasonInvalidEmail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeEmail(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.reason, ReasonOf(err), "err: %v", err)
		})
	}
}

func TestNormalizeEmailErrorSaysWhat(t *testing.T) {
	_, err := NormalizeEmail("john@@gmail.com")
	require.Error(t, err)
	assert.Equal(t, `email "john@@gmail.com": has more than one @`, err.Error())
}

func TestEmailMatchKey(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"gmail dots and tag", "john.smith+news@gmail.com", "johnsmith@gmail.com"},
		{"googlemail is gmail", "J.Smith@GoogleMail.com", "jsmith@gmail.com"},
		{"raw input is normalized first", "  John.Smith+News@GMAIL.com ", "johnsmith@gmail.com"},
		{"outlook tag removed, dots kept", "john.smith+shop@outlook.com", "john.smith@outlook.com"},
		{"icloud tag removed", "jane+x@icloud.com", "jane@icloud.com"},
		{"other domain untouched", "john.smith+news@acme.com", "john.smith+news@acme.com"},
		{"yahoo uses no plus tags", "john+news@yahoo.com", "john+news@yahoo.com"},
		{"tag-only local part kept", "+news@gmail.com", "+news@gmail.com"},
		{"invalid gives empty", "not an email", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, EmailMatchKey(tt.in))
		})
	}
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"  John.Smith+News@GMAIL.com ", "bücher@例え.jp", "a@b.c", "mailto:x@y.z",
		`"A" <a@b.co>`, "x@xn--r8jz45g.jp", "ß@straße.de", "a@b..com", "A@Ｅｘａｍｐｌｅ.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		once, err := NormalizeEmail(in)
		if err != nil {
			if ReasonOf(err) == "" {
				t.Fatalf("error without reason: %v", err)
			}
			return
		}
		twice, err := NormalizeEmail(once)
		if err != nil || twice != once {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", in, once, twice, err)
		}
		EmailJunkReason(once)
	})
}

func FuzzEmailMatchKey(f *testing.F) {
	for _, s := range []string{"john.smith+news@gmail.com", "a.+b@outlook.com", "+x@gmail.com", "x@googlemail.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		once := EmailMatchKey(in)
		if once == "" {
			return
		}
		if twice := EmailMatchKey(once); twice != once {
			t.Fatalf("not idempotent: %q -> %q -> %q", in, once, twice)
		}
	})
}
