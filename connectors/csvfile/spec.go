// This file registers the CSV file source with the connector registry: its keys and constructor.
package csvfile

import (
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
)

// Settings are the csv keys of a sources[] entry.
type Settings struct {
	Path    string `koanf:"path"`
	Mapping string `koanf:"mapping"`
	// PageSize is rows per page (extension; default 1000).
	PageSize int `koanf:"page_size"`
	// Snapshot says the file is the whole customer list: a row that disappears is a deletion.
	Snapshot bool `koanf:"full_snapshot"`
}

// FullSnapshot reports whether the file is the whole customer list (connectors.Snapshot).
func (s *Settings) FullSnapshot() bool { return s.Snapshot }

// Validate checks the keys. The files are read when the worker builds the source (engine.Build),
// so a bad mapping still fails at start-up, but commands that never read the file do not need it.
func (s *Settings) Validate(c *connectors.Check) {
	c.Required("path", s.Path, "the CSV file to read")
	c.Required("mapping", s.Mapping, "a mapping file (id: and fields:)")
}

func init() {
	connectors.Register(connectors.Spec{
		Type: "csv", Role: connectors.RoleFile, Incremental: true,
		Kinds:    []record.Kind{record.KindCustomer},
		Settings: func() connectors.Settings { return &Settings{} },
		NewSource: func(e connectors.Env) (connectors.Source, error) {
			s := e.Settings.(*Settings)
			return New(Config{Name: e.Name, Path: s.Path, MappingPath: s.Mapping, PageSize: s.PageSize})
		},
	})
}
