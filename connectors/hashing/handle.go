// This file holds Handle: the hashed identifiers an ad platform matched a member by, kept in the
// delivery ledger so the member can be removed later without its profile (and never in clear).
package hashing

import (
	"fmt"
	"strings"
)

// Handle is a member's hashed identifiers as one vendor normalized them (lowercase hex SHA-256).
type Handle struct {
	Email string
	Phone string
}

// String encodes the handle as "email=<hex>,phone=<hex>" (absent parts left out).
func (h Handle) String() string {
	var parts []string
	if h.Email != "" {
		parts = append(parts, "email="+h.Email)
	}
	if h.Phone != "" {
		parts = append(parts, "phone="+h.Phone)
	}
	return strings.Join(parts, ",")
}

// Empty reports whether the handle holds no identifier.
func (h Handle) Empty() bool { return h.Email == "" && h.Phone == "" }

// ParseHandle decodes a handle written by String; every part must be a SHA-256 hex digest.
func ParseHandle(s string) (Handle, error) {
	var h Handle
	if s == "" {
		return h, nil
	}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		if !ok || !IsSHA256(v) {
			return Handle{}, fmt.Errorf("handle part %q is not name=<sha256 hex>", redactPart(part))
		}
		switch k {
		case "email":
			h.Email = v
		case "phone":
			h.Phone = v
		default:
			return Handle{}, fmt.Errorf("handle part %q: unknown identifier %q", redactPart(part), k)
		}
	}
	return h, nil
}

// redactPart keeps a bad handle part out of error messages beyond its name.
func redactPart(p string) string {
	if k, _, ok := strings.Cut(p, "="); ok {
		return k + "=…"
	}
	return "…"
}
