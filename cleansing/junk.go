// junk.go detects junk values: disposable email domains (data/disposable_domains.txt),
// placeholder, no-reply and role addresses, and placeholder phone numbers.

package cleansing

import (
	"bufio"
	_ "embed"
	"regexp"
	"strings"
)

//go:embed data/disposable_domains.txt
var disposableDomainsFile string

// disposableDomains is the set loaded from data/disposable_domains.txt.
var disposableDomains = loadDomainSet(disposableDomainsFile)

func loadDomainSet(file string) map[string]bool {
	set := make(map[string]bool, 600)
	sc := bufio.NewScanner(strings.NewReader(file))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		set[strings.ToLower(line)] = true
	}
	return set
}

// IsDisposableDomain reports whether domain (lower-case ASCII, as NormalizeEmail returns it)
// or one of its parent domains is on the shipped disposable-provider list.
func IsDisposableDomain(domain string) bool {
	for domain != "" {
		if disposableDomains[domain] {
			return true
		}
		i := strings.IndexByte(domain, '.')
		if i < 0 {
			return false
		}
		domain = domain[i+1:]
	}
	return false
}

// placeholderDomains are domains used for "no email": the RFC 2606 examples and the usual fakes.
var placeholderDomains = map[string]bool{
	"example.com": true, "example.org": true, "example.net": true, "example.edu": true,
	"test.com": true, "test.org": true, "test.net": true, "testing.com": true,
	"noemail.com": true, "nomail.com": true, "no-email.com": true, "noemail.net": true,
	"none.com": true, "none.net": true, "nowhere.com": true, "domain.com": true,
	"yourdomain.com": true, "your-domain.com": true, "yourcompany.com": true, "company.com": true,
	"mydomain.com": true, "sample.com": true, "fake.com": true, "fakeemail.com": true,
	"asdf.com": true, "xxx.com": true, "email.invalid": true,
}

// placeholderTLDs are reserved top-level domains that never receive mail (RFC 2606, RFC 6761).
var placeholderTLDs = map[string]bool{"test": true, "example": true, "invalid": true, "localhost": true, "local": true}

// placeholderLocalRE matches the part before the @ of a typed-in fake address.
var placeholderLocalRE = regexp.MustCompile(`^(test(ing|er|user)?|asdf+|qwerty|dummy|fake|sample|example|noemail|no[-_.]?email|nomail|no[-_.]?mail|none|null|nil|na|n/a|unknown|email|youremail|your[-_.]?email|yourname|your[-_.]?name|name|user|username|someone|somebody|nobody|noone|no[-_.]?one|abc|xyz|xxx+|foo|bar|foobar|blah|nothing|notavailable|not[-_.]?provided|donotemail|do[-_.]?not[-_.]?email|declined|refused)[0-9]*$`)

// noReplyLocalRE matches addresses that send but never receive.
var noReplyLocalRE = regexp.MustCompile(`^(no[-_.]?reply|do[-_.]?not[-_.]?reply|dont[-_.]?reply|no[-_.]?respon[sd]e?|do[-_.]?not[-_.]?respond|mailer[-_.]?daemon|postmaster|bounces?)([-_.].*)?$`)

// roleLocals are shared mailboxes rather than a person.
var roleLocals = map[string]bool{
	"admin": true, "administrator": true, "info": true, "information": true, "contact": true,
	"contactus": true, "contact-us": true, "support": true, "help": true, "helpdesk": true,
	"sales": true, "marketing": true, "billing": true, "accounts": true, "accounting": true,
	"finance": true, "office": true, "hello": true, "team": true, "webmaster": true,
	"hostmaster": true, "abuse": true, "security": true, "privacy": true, "legal": true,
	"compliance": true, "jobs": true, "careers": true, "recruiting": true, "hr": true,
	"enquiries": true, "inquiries": true, "enquiry": true, "inquiry": true, "service": true,
	"services": true, "customerservice": true, "customer.service": true, "customercare": true,
	"newsletter": true, "news": true, "notifications": true, "orders": true, "shop": true,
	"store": true, "reception": true, "feedback": true, "press": true, "media": true,
	"root": true, "booking": true, "bookings": true, "reservations": true, "events": true,
	"partners": true, "purchasing": true, "procurement": true, "invoice": true, "invoices": true,
	"mail": true, "office.manager": true, "it": true,
}

// EmailJunkReason classifies a normalized address (as NormalizeEmail returns it). It returns ""
// for an ordinary address, or the most severe of: placeholder_email (test@example.com),
// noreply_email (noreply@, mailer-daemon@), disposable_email (mailinator.com ...) and
// role_email (info@, sales@ ...). The +tag is ignored when matching the part before the @.
func EmailJunkReason(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return ""
	}
	local, domain := email[:at], email[at+1:]
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	tld := domain[strings.LastIndexByte(domain, '.')+1:]
	switch {
	case placeholderDomains[domain] || placeholderTLDs[tld] || placeholderLocalRE.MatchString(local) || isRepeatedChar(local, 3):
		return ReasonPlaceholderEmail
	case noReplyLocalRE.MatchString(local):
		return ReasonNoReplyEmail
	case IsDisposableDomain(domain):
		return ReasonDisposableEmail
	case roleLocals[local]:
		return ReasonRoleEmail
	}
	return ""
}

// isRepeatedChar reports whether s is one character repeated at least min times ("aaa", "xxxx").
func isRepeatedChar(s string, min int) bool {
	if len(s) < min {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] != s[0] {
			return false
		}
	}
	return true
}

// isPlaceholderDigits reports whether the digits of a phone number are typed-in filler:
// one digit repeated (0000000000, 5555555555) or a counting run (1234567890, 9876543210).
func isPlaceholderDigits(digits string) bool {
	if len(digits) >= 5 && isRepeatedChar(digits, 5) {
		return true
	}
	if len(digits) >= 7 {
		const up, down = "0123456789012345678901234567890", "9876543210987654321098765432109"
		if strings.Contains(up, digits) || strings.Contains(down, digits) {
			return true
		}
	}
	return false
}
