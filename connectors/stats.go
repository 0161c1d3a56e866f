// This file holds the optional interface through which a connector reports its HTTP counters.
package connectors

import "github.com/cdpflow/cdpflow/connectors/httpx"

// StatsReporter is implemented by connectors built on httpx, so the engine can report requests,
// retries and throttle answers per source.
type StatsReporter interface {
	HTTPStats() *httpx.Stats
}
