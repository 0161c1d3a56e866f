// Package activities holds the Temporal activities of every pipeline stage: extract, cleanse,
// resolve, segment and push, plus run bookkeeping.
//
// Activities read and write the store and return references and counts only: records never travel
// through Temporal. Every activity is safe to retry: its writes are idempotent, extraction resumes
// from its heartbeated cursor, and deliveries go through the ledger.
package activities

import (
	"log/slog"
	"time"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/metrics"
	"github.com/cdpflow/cdpflow/store"
)

// Connectors builds connectors from configuration (engine.Connectors in production, fakes in tests).
type Connectors interface {
	Source(name string) (connectors.Source, error)
	Destination(name string) (connectors.Destination, error)
}

// Activities holds the dependencies every activity uses. The worker registers one instance;
// workflows call its methods through a nil *Activities.
type Activities struct {
	Store      store.Store
	Config     *config.Config
	Connectors Connectors
	Log        *slog.Logger
	// Now is the wall clock (tests replace it).
	Now func() time.Time
	// Metrics records each finished run (nil: none).
	Metrics *metrics.Metrics
}

func (a *Activities) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now().UTC()
}

func (a *Activities) logger() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.Default()
}
