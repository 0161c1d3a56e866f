// Package codec holds the payload codec: AES-256-GCM encryption of every Temporal payload (inputs,
// results, heartbeats, summaries, failure messages) so workflow history holds no readable customer
// data. Keys rotate: the first key encrypts, every key decrypts; each payload names its key id.
package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"
)

// Payload metadata the codec writes.
const (
	EncodingEncrypted = "binary/encrypted"
	MetaEncoding      = "encoding"
	MetaKeyID         = "encryption-key-id"
)

// Key is one AES-256 key and the id payloads name it by.
type Key struct {
	ID  string
	Raw []byte
}

// Codec encrypts with its first key and decrypts with any of them. It implements
// converter.PayloadCodec.
type Codec struct {
	keys  []Key
	aeads map[string]cipher.AEAD
}

// NewCodec builds a codec over keys, newest first.
func NewCodec(keys []Key) (*Codec, error) {
	if len(keys) == 0 {
		return nil, errors.New("codec: the codec needs at least one key")
	}
	c := &Codec{keys: keys, aeads: map[string]cipher.AEAD{}}
	for i, k := range keys {
		if len(k.Raw) != 32 {
			return nil, fmt.Errorf("codec: codec key %d (%s) is %d bytes; AES-256 needs 32 (make one with `openssl rand -base64 32`)", i+1, k.ID, len(k.Raw))
		}
		if _, dup := c.aeads[k.ID]; dup {
			return nil, fmt.Errorf("codec: codec key id %q appears twice", k.ID)
		}
		block, err := aes.NewCipher(k.Raw)
		if err != nil {
			return nil, fmt.Errorf("codec: codec key %s: %w", k.ID, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("codec: codec key %s: %w", k.ID, err)
		}
		c.aeads[k.ID] = aead
	}
	return c, nil
}

// ParseKeys reads a key list: entries separated by commas or newlines, newest first, each
// "id:base64" or a bare base64 (or 64-hex) key whose id is derived from it. Errors never quote a key.
func ParseKeys(s string) ([]Key, error) {
	var keys []Key
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' })
	for i, f := range fields {
		f = strings.TrimSpace(f)
		if f == "" || strings.HasPrefix(f, "#") {
			continue
		}
		id, material, named := strings.Cut(f, ":")
		if !named {
			material, id = f, ""
		}
		raw, err := decodeKey(strings.TrimSpace(material))
		if err != nil {
			return nil, fmt.Errorf("codec: codec key %d: %w", i+1, err)
		}
		if id == "" {
			sum := sha256.Sum256(raw)
			id = "k" + hex.EncodeToString(sum[:4])
		}
		keys = append(keys, Key{ID: strings.TrimSpace(id), Raw: raw})
	}
	if len(keys) == 0 {
		return nil, errors.New("codec: no codec key given")
	}
	return keys, nil
}

func decodeKey(s string) ([]byte, error) {
	if len(s) == 64 {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != 32 {
				return nil, fmt.Errorf("decodes to %d bytes; AES-256 needs 32 (make one with `openssl rand -base64 32`)", len(b))
			}
			return b, nil
		}
	}
	return nil, errors.New("is neither base64 nor 64 hex digits (make one with `openssl rand -base64 32`)")
}

// NewKey makes a random key (the local dev key).
func NewKey() (Key, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return Key{}, fmt.Errorf("codec: make codec key: %w", err)
	}
	sum := sha256.Sum256(raw)
	return Key{ID: "k" + hex.EncodeToString(sum[:4]), Raw: raw}, nil
}

// Format writes a key the way ParseKeys reads it.
func (k Key) Format() string { return k.ID + ":" + base64.StdEncoding.EncodeToString(k.Raw) }

// Encode encrypts each payload with the newest key.
func (c *Codec) Encode(in []*commonpb.Payload) ([]*commonpb.Payload, error) {
	k := c.keys[0]
	aead := c.aeads[k.ID]
	out := make([]*commonpb.Payload, len(in))
	for i, p := range in {
		plain, err := proto.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("codec: encode payload: %w", err)
		}
		nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return nil, fmt.Errorf("codec: nonce: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{MetaEncoding: []byte(EncodingEncrypted), MetaKeyID: []byte(k.ID)},
			Data:     aead.Seal(nonce, nonce, plain, []byte(k.ID)),
		}
	}
	return out, nil
}

// Decode decrypts encrypted payloads and passes others through (histories written before
// encryption was switched on stay readable).
func (c *Codec) Decode(in []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(in))
	for i, p := range in {
		if string(p.GetMetadata()[MetaEncoding]) != EncodingEncrypted {
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[MetaKeyID])
		aead, ok := c.aeads[id]
		if !ok {
			return nil, fmt.Errorf("codec: payload encrypted with key %q, which is not among the configured codec keys (keep old keys after the newest to decrypt old histories)", id)
		}
		ns := aead.NonceSize()
		if len(p.Data) < ns {
			return nil, errors.New("codec: encrypted payload is truncated")
		}
		plain, err := aead.Open(nil, p.Data[:ns], p.Data[ns:], []byte(id))
		if err != nil {
			return nil, fmt.Errorf("codec: decrypt payload with key %q: %w", id, err)
		}
		var dec commonpb.Payload
		if err := proto.Unmarshal(plain, &dec); err != nil {
			return nil, fmt.Errorf("codec: decode decrypted payload: %w", err)
		}
		out[i] = &dec
	}
	return out, nil
}

// DataConverter wraps the default converter with codec (nil: the default converter).
func DataConverter(codec *Codec) converter.DataConverter {
	if codec == nil {
		return converter.GetDefaultDataConverter()
	}
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), codec)
}

// FailureConverter moves failure messages and stack traces into an encoded attribute so the
// codec encrypts them too (nil codec: the default converter).
func FailureConverter(codec *Codec) converter.FailureConverter {
	if codec == nil {
		return temporal.GetDefaultFailureConverter()
	}
	return temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
		DataConverter: DataConverter(codec), EncodeCommonAttributes: true})
}
