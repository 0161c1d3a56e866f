// This file holds the process logger: structured, to stderr, so stdout stays clean for --json.
package engine

import (
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/cdpflow/cdpflow/config"
)

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
	opts := &slog.HandlerOptions{Level: level}
	if strings.ToLower(c.Format) == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
