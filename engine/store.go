// This file opens the configured store backend.
package engine

import (
	"context"
	"fmt"
	"os"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/store/postgres"
	"github.com/cdpflow/cdpflow/store/sqlite"
)

// OpenExistingStore opens a store that must already exist: commands that only read (or correct)
// what runs wrote never create an empty database by accident.
func OpenExistingStore(ctx context.Context, c config.Store) (store.Store, error) {
	if c.Driver == "sqlite" {
		if p := sqlite.Path(c.DSN); p != "" {
			if _, err := os.Stat(p); err != nil {
				return nil, fmt.Errorf("store.dsn: %s does not exist; run a refresh first (starter dev) or point store.dsn (or --config) at your store", p)
			}
		}
	}
	return OpenStore(ctx, c)
}

// OpenStore opens store.driver at store.dsn and applies migrations.
func OpenStore(ctx context.Context, c config.Store) (store.Store, error) {
	switch c.Driver {
	case "sqlite":
		s, err := sqlite.Open(ctx, c.DSN)
		if err != nil {
			return nil, fmt.Errorf("open sqlite store %s: %w", c.DSN, err)
		}
		return s, nil
	case "postgres":
		s, err := postgres.Open(ctx, c.DSN)
		if err != nil {
			return nil, fmt.Errorf("open postgres store: %w", err) // the DSN may hold a password
		}
		return s, nil
	}
	return nil, fmt.Errorf("store.driver: unknown driver %q; use sqlite or postgres", c.Driver)
}
