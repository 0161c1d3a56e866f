// This file holds the codec server: the HTTP endpoint (POST /encode, /decode) Temporal UI and the
// temporal CLI call to show encrypted payloads to an authorized operator. Every call needs a
// bearer token; browsers are answered only from the allowed UI origins (CORS).
package codec

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"go.temporal.io/sdk/converter"
)

// CodecServerOptions configures CodecHandler.
type CodecServerOptions struct {
	// Tokens are the bearer tokens accepted (any one). Empty means no token is asked for, which
	// only `starter dev` uses, on a loopback address, for the local UI.
	Tokens []string
	// Origins are the browser origins allowed to call (Temporal UI, e.g. http://localhost:8233).
	Origins []string
	// MaxBody bounds a request body (default 4 MiB).
	MaxBody int64
}

// CodecHandler serves codec's /encode and /decode.
func CodecHandler(codec *Codec, o CodecServerOptions) http.Handler {
	inner := converter.NewPayloadCodecHTTPHandler(codec)
	if o.MaxBody <= 0 {
		o.MaxBody = 4 << 20
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" {
			if !allowedOrigin(origin, o.Origins) {
				http.Error(w, "origin not allowed", http.StatusForbidden)
				return
			}
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
			h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Namespace")
			h.Add("Vary", "Origin")
		}
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if !authorized(r.Header.Get("Authorization"), o.Tokens) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="cdpflow codec"`)
			http.Error(w, "a bearer token is required (Authorization: Bearer <token>)", http.StatusUnauthorized)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, o.MaxBody)
		inner.ServeHTTP(w, r)
	})
}

func allowedOrigin(origin string, allowed []string) bool {
	for _, a := range allowed {
		if strings.EqualFold(strings.TrimRight(a, "/"), origin) {
			return true
		}
	}
	return false
}

func authorized(header string, tokens []string) bool {
	if len(tokens) == 0 {
		return true
	}
	got, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		return false
	}
	for _, t := range tokens {
		if t != "" && subtle.ConstantTimeCompare([]byte(got), []byte(t)) == 1 {
			return true
		}
	}
	return false
}
