// This file holds the process logger: structured, to stderr, so stdout stays clean for --json.
package engine

import (
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/redact"
)

// scrubAttr passes error texts (an error value, or a string under an error-like key, which is how
// the Temporal SDK logs failures) through redact.Scrub: vendors echo emails back in their errors.
func scrubAttr(_ []string, a slog.Attr) slog.Attr {
	switch v := a.Value.Any().(type) {
	case error:
		return slog.String(a.Key, redact.Scrub(v.Error()))
	case string:
		switch strings.ToLower(a.Key) {
		case "error", "err", "reason", "failure", "cause", "msg":
			return slog.String(a.Key, redact.Scrub(v))
		}
	}
	return a
}

// NewLogger builds the logger from log.level and log.format.
func NewLogger(c config.Log) *slog.Logger {
	return newLogger(c, os.Stderr)
}

func newLogger(c config.Log, w io.Writer) *slog.Logger {
	var level slog.Level
	switch strings.ToLower(c.Level) {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	default:
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: scrubAttr}
	if strings.ToLower(c.Format) == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
