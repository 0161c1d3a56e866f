// email.go normalizes email addresses (trim, lower case, IDN domains to punycode) and builds the
// matching keys identity resolution uses (gmail dots, +tags). Junk classification is in junk.go.

package cleansing

import (
	"strings"
	"unicode"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// idnaProfile converts a domain the way a mail client looks it up: UTS-46 mapping (case, width),
// non-transitional (ß stays ß), bidi rules, STD3 host names and DNS length limits.
var idnaProfile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.Transitional(false),
	idna.StrictDomainName(true),
	idna.VerifyDNSLength(true),
)

// NormalizeEmail returns the address trimmed, lower-cased, with its domain in punycode:
// "  John.Smith+News@GMAIL.com " -> "john.smith+news@gmail.com", "bücher@例え.jp" ->
// "bücher@xn--r8jz45g.jp". It also unwraps "mailto:" and "Name <addr>" forms and drops the
// trailing dot of a fully-qualified domain. The result is fit for sending: provider rules
// (gmail dots, +tags) are NOT applied here, see EmailMatchKey. It checks syntax only; use
// EmailJunkReason for placeholder, no-reply, disposable and role addresses.
// The error is an *Error with reason invalid_email or placeholder_email (for "n/a", "null" ...).
func NormalizeEmail(raw string) (string, error) {
	s := cleanText(raw)
	if s == "" {
		return "", nil
	}
	if isNullMarker(s) {
		return "", newError("email", ReasonPlaceholderEmail, raw, "is a placeholder for no value")
	}
	s = unwrapEmail(s)
	invalid := func(msg string) (string, error) {
		return "", newError("email", ReasonInvalidEmail, raw, msg)
	}
	if strings.ContainsAny(s, " ,;") {
		if strings.Count(s, "@") > 1 {
			return invalid("holds more than one address")
		}
		return invalid("contains a space, comma or semicolon")
	}
	at := strings.LastIndexByte(s, '@')
	switch {
	case at < 0:
		return invalid("has no @")
	case strings.Count(s, "@") > 1:
		return invalid("has more than one @")
	}
	local, domain := norm.NFC.String(strings.ToLower(s[:at])), s[at+1:]
	if msg := checkLocalPart(local); msg != "" {
		return invalid(msg)
	}
	domain = strings.TrimSuffix(domain, ".")
	ascii, msg := normalizeDomain(domain)
	if msg != "" {
		return invalid(msg)
	}
	out := local + "@" + ascii
	if len(out) > 254 {
		return invalid("longer than 254 bytes")
	}
	return out, nil
}

// unwrapEmail strips "mailto:", "Display Name <addr>" and surrounding quotes or brackets.
func unwrapEmail(s string) string {
	if len(s) > 7 && strings.EqualFold(s[:7], "mailto:") {
		s = s[7:]
		if i := strings.IndexByte(s, '?'); i >= 0 { // mailto:a@b.com?subject=...
			s = s[:i]
		}
	}
	if open := strings.LastIndexByte(s, '<'); open >= 0 {
		if end := strings.IndexByte(s[open:], '>'); end > 0 && open+end == len(s)-1 {
			s = s[open+1 : open+end]
		}
	}
	for len(s) >= 2 {
		first, last := s[0], s[len(s)-1]
		if (first == '"' && last == '"') || (first == '\'' && last == '\'') || (first == '<' && last == '>') || (first == '(' && last == ')') || (first == '[' && last == ']') {
			s = s[1 : len(s)-1]
			continue
		}
		break
	}
	return strings.TrimSpace(s)
}

// checkLocalPart validates the part before the @ (dot-atom form; quoted local parts are not
// accepted). Non-ASCII letters and digits are allowed (RFC 6531). It returns "" when valid.
func checkLocalPart(local string) string {
	switch {
	case local == "":
		return "nothing before the @"
	case len(local) > 64:
		return "part before the @ is longer than 64 bytes"
	case local[0] == '.' || local[len(local)-1] == '.':
		return "part before the @ starts or ends with a dot"
	case strings.Contains(local, ".."):
		return "part before the @ has two dots in a row"
	}
	for _, r := range local {
		if r < 0x80 {
			if !isAtext(byte(r)) && r != '.' {
				return "character " + quoteRune(r) + " is not allowed before the @"
			}
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
			return "character " + quoteRune(r) + " is not allowed before the @"
		}
	}
	return ""
}

// isAtext reports whether c is an RFC 5322 atext character.
func isAtext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

func quoteRune(r rune) string {
	if unicode.IsPrint(r) {
		return "'" + string(r) + "'"
	}
	return "U+" + strings.ToUpper(strings.TrimLeft(runeHex(r), "0"))
}

func runeHex(r rune) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 8)
	for i := 7; i >= 0; i-- {
		b[i] = hex[r&0xf]
		r >>= 4
	}
	return string(b)
}

// normalizeDomain returns the domain in lower-case ASCII (punycode for IDNs) or a message
// saying what is wrong with it.
func normalizeDomain(domain string) (string, string) {
	if domain == "" {
		return "", "nothing after the @"
	}
	if domain[0] == '[' {
		return "", "IP-address domains are not accepted"
	}
	ascii, err := idnaProfile.ToASCII(domain)
	if err != nil {
		return "", "domain " + quoteShort(domain) + " is not a valid host name"
	}
	labels := strings.Split(ascii, ".")
	if len(labels) < 2 {
		return "", "domain " + quoteShort(domain) + " has no top-level domain"
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return "", "domain " + quoteShort(domain) + " has an empty or over-long label"
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return "", "domain " + quoteShort(domain) + " has a label starting or ending with a hyphen"
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return "", "domain " + quoteShort(domain) + " is not a valid host name"
			}
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 || !(strings.HasPrefix(tld, "xn--") || isLettersOnly(tld)) {
		return "", "top-level domain " + quoteShort(tld) + " is not valid"
	}
	// Only accept a domain that maps to itself, so normalizing twice changes nothing.
	if again, err := idnaProfile.ToASCII(ascii); err != nil || again != ascii {
		return "", "domain " + quoteShort(domain) + " does not round-trip through IDNA"
	}
	return ascii, ""
}

func isLettersOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

func quoteShort(s string) string {
	if len(s) > maxQuoted {
		s = truncateUTF8(s, maxQuoted) + "..."
	}
	return `"` + s + `"`
}

// EmailDomain returns the part after the last @ of an address, or "".
func EmailDomain(email string) string {
	if i := strings.LastIndexByte(email, '@'); i >= 0 {
		return email[i+1:]
	}
	return ""
}

// plusTagDomains are mailbox providers that deliver local+tag to local.
var plusTagDomains = map[string]bool{
	"gmail.com": true, "googlemail.com": true,
	"outlook.com": true, "hotmail.com": true, "live.com": true, "msn.com": true,
	"hotmail.co.uk": true, "hotmail.fr": true, "hotmail.de": true, "hotmail.it": true,
	"hotmail.es": true, "outlook.de": true, "outlook.fr": true, "live.co.uk": true,
	"icloud.com": true, "me.com": true, "mac.com": true,
	"fastmail.com": true, "fastmail.fm": true,
	"protonmail.com": true, "protonmail.ch": true, "proton.me": true, "pm.me": true,
	"zoho.com": true, "yandex.com": true, "yandex.ru": true, "hey.com": true,
}

// EmailMatchKey returns the key identity resolution matches on, never an address to send to.
// It normalizes the address first (an invalid address gives ""). For gmail.com and
// googlemail.com it removes the dots and the +tag from the part before the @ and spells the
// domain gmail.com; for other providers known to support +tags (outlook, icloud, fastmail,
// proton ...) it removes the +tag. A tag is never removed when nothing would be left.
func EmailMatchKey(normalizedEmail string) string {
	email, err := NormalizeEmail(normalizedEmail)
	if err != nil || email == "" {
		return ""
	}
	at := strings.LastIndexByte(email, '@')
	local, domain := email[:at], email[at+1:]
	if domain == "googlemail.com" {
		domain = "gmail.com"
	}
	if plusTagDomains[domain] {
		if i := strings.IndexByte(local, '+'); i > 0 {
			if l := strings.TrimRight(local[:i], "."); l != "" {
				local = l
			}
		}
	}
	if domain == "gmail.com" {
		if l := strings.ReplaceAll(local, ".", ""); l != "" {
			local = l
		}
	}
	return local + "@" + domain
}
