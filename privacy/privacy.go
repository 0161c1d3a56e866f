// Package privacy holds what the engine keeps about people it must not keep in clear: keyed
// hashes of identifiers (an installation secret as the key), used for the consent opt-out list
// and for erasure tombstones. A keyed hash lets the engine recognise an identifier it has seen
// without storing the identifier or a plain hash that could be looked up.
package privacy

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/cdpflow/cdpflow/cleansing"
	"github.com/cdpflow/cdpflow/store"
)

// metaKey holds the installation's hashing key in the store's meta table.
const metaKey = "privacy.identifier_key"

// Hasher computes keyed hashes of identifiers.
type Hasher struct{ key []byte }

// NewHasher uses key (tests); production hashers come from LoadHasher.
func NewHasher(key []byte) Hasher { return Hasher{key: key} }

// LoadHasher reads the installation's key from the store, creating it on first use.
func LoadHasher(ctx context.Context, st store.Meta) (Hasher, error) {
	key, err := st.GetMeta(ctx, metaKey)
	if errors.Is(err, store.ErrNotFound) {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return Hasher{}, fmt.Errorf("privacy: make identifier key: %w", err)
		}
		if err := st.SetMeta(ctx, metaKey, key); err != nil {
			return Hasher{}, fmt.Errorf("privacy: store identifier key: %w", err)
		}
		// Another process may have raced us: read back whatever won.
		if key, err = st.GetMeta(ctx, metaKey); err != nil {
			return Hasher{}, fmt.Errorf("privacy: read identifier key: %w", err)
		}
	} else if err != nil {
		return Hasher{}, fmt.Errorf("privacy: read identifier key: %w", err)
	}
	return Hasher{key: key}, nil
}

// Kind is what an identifier is.
type Kind string

// Identifier kinds.
const (
	Email Kind = "email"
	Phone Kind = "phone"
)

// Key returns the keyed hash of an identifier, normalized first (an email by its matching key, so
// one Gmail mailbox is one identifier; a phone as given, E.164 after cleansing). "" stays "".
func (h Hasher) Key(kind Kind, value string) string {
	v := strings.TrimSpace(value)
	if kind == Email {
		if k := cleansing.EmailMatchKey(v); k != "" {
			v = k
		} else {
			v = strings.ToLower(v)
		}
	}
	if v == "" {
		return ""
	}
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil))
}

// Keys returns the keyed hashes of a person's email and phone (empty ones left out).
func (h Hasher) Keys(email, phone string) []string {
	var out []string
	if k := h.Key(Email, email); k != "" {
		out = append(out, k)
	}
	if k := h.Key(Phone, phone); k != "" {
		out = append(out, k)
	}
	return out
}
