package codec

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.temporal.io/sdk/converter"
)

func mustKey(t *testing.T) Key {
	t.Helper()
	k, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestCodecRoundTripHidesPlaintextAndRotates(t *testing.T) {
	old, cur := mustKey(t), mustKey(t)
	oldCodec, err := NewCodec([]Key{old})
	if err != nil {
		t.Fatal(err)
	}
	dcOld := DataConverter(oldCodec)
	p, err := dcOld.ToPayload("jane.doe@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(p.Data, []byte("jane.doe")) || string(p.Metadata[MetaKeyID]) != old.ID {
		t.Fatalf("payload not encrypted with the old key: %v", p)
	}
	// Rotation: the new key encrypts, the old one still decrypts.
	rotated, err := NewCodec([]Key{cur, old})
	if err != nil {
		t.Fatal(err)
	}
	dc := DataConverter(rotated)
	var got string
	if err := dc.FromPayload(p, &got); err != nil || got != "jane.doe@example.com" {
		t.Fatalf("old payload after rotation: %q %v", got, err)
	}
	p2, _ := dc.ToPayload("x")
	if string(p2.Metadata[MetaKeyID]) != cur.ID {
		t.Fatalf("newest key does not encrypt: %s", p2.Metadata[MetaKeyID])
	}
	// A codec without the key names the missing key id.
	other, _ := NewCodec([]Key{mustKey(t)})
	err = DataConverter(other).FromPayload(p2, &got)
	if err == nil || !strings.Contains(err.Error(), cur.ID) {
		t.Fatalf("decrypt with the wrong key: %v", err)
	}
	// Plain payloads (history from before encryption) pass through.
	plain, _ := converter.GetDefaultDataConverter().ToPayload("y")
	if err := dc.FromPayload(plain, &got); err != nil || got != "y" {
		t.Fatalf("plain payload: %q %v", got, err)
	}
}

func TestParseKeys(t *testing.T) {
	k := mustKey(t)
	keys, err := ParseKeys(k.Format() + ",\n" + strings.Repeat("ab", 32))
	if err != nil || len(keys) != 2 || keys[0].ID != k.ID || !bytes.Equal(keys[0].Raw, k.Raw) {
		t.Fatalf("ParseKeys: %v %v", keys, err)
	}
	for _, bad := range []string{"", "id:c2hvcnQ=", "not base64 !!"} {
		_, err := ParseKeys(bad)
		if err == nil {
			t.Errorf("ParseKeys(%q) accepted", bad)
		} else if bad != "" && strings.Contains(err.Error(), bad) {
			t.Errorf("error quotes the key: %v", err)
		}
	}
}

func TestCodecHandlerNeedsTokenAndOrigin(t *testing.T) {
	c, _ := NewCodec([]Key{mustKey(t)})
	srv := httptest.NewServer(CodecHandler(c, CodecServerOptions{Tokens: []string{"s3cret"}, Origins: []string{"http://localhost:8233"}}))
	defer srv.Close()
	p, _ := DataConverter(c).ToPayload("secret value")
	remote := converter.NewRemotePayloadCodec(converter.RemotePayloadCodecOptions{Endpoint: srv.URL,
		ModifyRequest: func(r *http.Request) error { r.Header.Set("Authorization", "Bearer s3cret"); return nil }})
	dec := converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), remote)
	var got string
	if err := dec.FromPayload(p, &got); err != nil || got != "secret value" {
		t.Fatalf("remote decode: %q %v", got, err)
	}
	noAuth := converter.NewCodecDataConverter(converter.GetDefaultDataConverter(),
		converter.NewRemotePayloadCodec(converter.RemotePayloadCodecOptions{Endpoint: srv.URL}))
	if err := noAuth.FromPayload(p, &got); err == nil {
		t.Fatal("decoded without a token")
	}
	req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/decode", nil)
	req.Header.Set("Origin", "http://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign origin: %v %v", resp.StatusCode, err)
	}
	req.Header.Set("Origin", "http://localhost:8233")
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:8233" {
		t.Fatalf("UI origin preflight: %v %v", resp.StatusCode, err)
	}
}
