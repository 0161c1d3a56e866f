// Package redact holds Scrub: the last line of defence that strips what may identify a person from an
// error text before it reaches a log, a Temporal failure or a run summary. Sources say less in
// the first place (CSV and rule errors name a position and a kind, vendor errors keep their code);
// Scrub catches what vendors echo back: email addresses, phone numbers and dates, identifier
// hashes (a Mailchimp subscriber hash in a path, a SHA-256 in a Meta answer) and quoted values.
package redact

import (
	"regexp"
	"strconv"
	"strings"
)

var (
	emailRe  = regexp.MustCompile(`(?i)[a-z0-9._%+\-']+@[a-z0-9.\-]+\.[a-z]{2,}|[a-z0-9._%+\-]+%40[a-z0-9.\-]+`)
	hashRe   = regexp.MustCompile(`(?i)\b[0-9a-f]{32,}\b`)
	digitsRe = regexp.MustCompile(`\+?\(?\d[\d ().\-/]{5,}\d`)
	quotedRe = regexp.MustCompile(`"[^"\n]{1,200}"|'[^'\n]{1,200}'|“[^”\n]{1,200}”`)
	// identRe is a quoted text that names a field or code rather than carrying a value.
	identRe = regexp.MustCompile(`^[a-z0-9_.\[\]\-/$]+$|^[A-Z0-9_]+$`)
)

// Scrub returns s with identifying values replaced by placeholders.
func Scrub(s string) string {
	if s == "" {
		return s
	}
	s = emailRe.ReplaceAllString(s, "<email>")
	s = hashRe.ReplaceAllString(s, "<hash>")
	s = quotedRe.ReplaceAllStringFunc(s, func(q string) string {
		inner := strings.Trim(q, `"'“”`)
		if identRe.MatchString(inner) || strings.HasPrefix(inner, "<") && strings.HasSuffix(inner, ">") {
			return q
		}
		return `"<value>"`
	})
	s = digitsRe.ReplaceAllStringFunc(s, func(d string) string {
		n := 0
		for _, r := range d {
			if r >= '0' && r <= '9' {
				n++
			}
		}
		if n < 6 {
			return d
		}
		return "<number>"
	})
	return s
}

// Describe names a value's kind and size without showing it, for errors about bad input:
// `a 12-character text`, `an empty value`.
func Describe(v string) string {
	switch {
	case v == "":
		return "an empty value"
	case strings.TrimSpace(v) == "":
		return "only spaces"
	case emailRe.MatchString(v):
		return "an email-like text"
	}
	digits, letters := 0, 0
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letters++
		}
	}
	n := len([]rune(v))
	switch {
	case digits > 0 && letters == 0:
		return plural(n, "-character number-like text")
	case letters > 0 && digits == 0:
		return plural(n, "-character text")
	}
	return plural(n, "-character mixed text")
}

func plural(n int, what string) string {
	s := strconv.Itoa(n) + what
	if n == 8 || n == 11 || n == 18 || (n >= 80 && n < 90) {
		return "an " + s
	}
	return "a " + s
}
