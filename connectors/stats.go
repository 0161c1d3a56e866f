// This file holds the optional interface through which a connector reports its HTTP counters.
package connectors

// Stats is a snapshot of what a connector's transport did.
type Stats struct {
	Requests  int64 `json:"requests"`  // HTTP attempts sent
	Retries   int64 `json:"retries"`   // attempts that were retries
	Throttled int64 `json:"throttled"` // 429s and vendor throttle signals received
}

// Add returns the sum of two snapshots.
func (s Stats) Add(o Stats) Stats {
	return Stats{Requests: s.Requests + o.Requests, Retries: s.Retries + o.Retries, Throttled: s.Throttled + o.Throttled}
}

// StatsReporter is implemented by connectors that count their requests (every HTTP connector), so
// the engine can report requests, retries and throttle answers per source and destination.
type StatsReporter interface {
	HTTPStats() Stats
}

// StatsOf returns c's counters, or zero when c does not count.
func StatsOf(c any) Stats {
	if r, ok := c.(StatsReporter); ok {
		return r.HTTPStats()
	}
	return Stats{}
}
