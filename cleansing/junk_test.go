package cleansing

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEmailJunkReason(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ordinary", "john.smith@gmail.com", ""},
		{"rfc 2606 example", "test@example.com", ReasonPlaceholderEmail},
		{"any local at example.org", "jane@example.org", ReasonPlaceholderEmail},
		{"reserved tld", "jane@shop.test", ReasonPlaceholderEmail},
		{"test with digits", "test123@acme.com", ReasonPlaceholderEmail},
		{"noemail", "noemail@gmail.com", ReasonPlaceholderEmail},
		{"no.email", "no.email@acme.com", ReasonPlaceholderEmail},
		{"repeated letters", "xxxx@gmail.com", ReasonPlaceholderEmail},
		{"placeholder domain", "john@noemail.com", ReasonPlaceholderEmail},
		{"noreply", "noreply@shop.com", ReasonNoReplyEmail},
		{"no-reply with suffix", "no-reply-orders@shop.com", ReasonNoReplyEmail},
		{"donotreply", "do_not_reply@shop.com", ReasonNoReplyEmail},
		{"mailer-daemon", "mailer-daemon@mx.acme.com", ReasonNoReplyEmail},
		{"disposable", "jdoe42@mailinator.com", ReasonDisposableEmail},
		{"disposable subdomain", "jdoe42@eu.mailinator.com", ReasonDisposableEmail},
		{"disposable yopmail", "jean@yopmail.fr", ReasonDisposableEmail},
		{"role", "info@acme.com", ReasonRoleEmail},
		{"role with tag", "sales+eu@acme.com", ReasonRoleEmail},
		{"role-looking person", "information.officer@acme.com", ""},
		{"not an email", "nonsense", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, EmailJunkReason(tt.in))
		})
	}
}

func TestDisposableListIsSaneAndSpared(t *testing.T) {
	assert.GreaterOrEqual(t, len(disposableDomains), 300, "the shipped list should hold several hundred domains")
	for d := range disposableDomains {
		_, msg := normalizeDomain(d)
		assert.Empty(t, msg, "listed domain %q must be a valid lower-case domain", d)
	}
	// Real mailbox providers and relay services must never be on the list.
	for _, d := range []string{"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "yahoo.com",
		"icloud.com", "aol.com", "gmx.de", "gmx.net", "web.de", "mail.ru", "yandex.ru", "proton.me",
		"protonmail.com", "tutanota.com", "zoho.com", "fastmail.com", "mail.com", "email.com",
		"privaterelay.appleid.com", "mozmail.com", "duck.com", "simplelogin.com", "t-online.de",
		"orange.fr", "free.fr", "libero.it", "qq.com", "163.com", "naver.com", "comcast.net"} {
		assert.False(t, IsDisposableDomain(d), "%s is a real provider", d)
	}
}

func TestIsPlaceholderDigits(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"0000000000", true}, {"5555555555", true}, {"1234567890", true}, {"0123456789", true},
		{"9876543210", true}, {"4155552671", false}, {"442079460958", false}, {"1111", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, isPlaceholderDigits(tt.in))
		})
	}
}
