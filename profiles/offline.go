// offline.go holds ResolveFile: the offline `starter resolve` path. A CSV file is read through the
// csv source's mapping, cleansed by the pipeline's cleansing (placeholders dropped, phones to
// E.164, shared identifiers marked) and resolved by identity, so a file and a refresh over the
// same records link them the same way.
package profiles

import (
	"context"
	"fmt"
	"io"

	"github.com/cdpflow/cdpflow/cleansing"
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/csvfile"
	"github.com/cdpflow/cdpflow/identity"
	"github.com/cdpflow/cdpflow/record"
)

// FileRequest is one offline resolution.
type FileRequest struct {
	// Input is the CSV file; Mapping its column mapping (with an optional identity block).
	Input   string
	Mapping csvfile.Mapping
	// Identity is the configuration's identity block, which the mapping's block overrides.
	Identity identity.Config
	// Cleanse is the configuration's cleanse block.
	Cleanse cleansing.Options
}

// FileResult is what ResolveFile did.
type FileResult struct {
	Result identity.Result
	// Quarantined are the rows cleansing could not use (no id, nothing left), with their reasons.
	Quarantined []cleansing.Result
	Quality     cleansing.Quality
}

// ResolveFile reads, cleanses and resolves a CSV file. Records without an email or phone are kept
// (files of names and addresses are resolvable); rows with nothing usable are quarantined.
func ResolveFile(ctx context.Context, req FileRequest) (FileResult, error) {
	src, err := csvfile.New(csvfile.Config{Name: req.Mapping.Source, Path: req.Input, Mapping: &req.Mapping})
	if err != nil {
		return FileResult{}, err
	}
	opts := req.Cleanse
	opts.AllowNoIdentifier = true
	cl, err := cleansing.New(opts)
	if err != nil {
		return FileResult{}, err
	}
	var out FileResult
	run := cl.Source(src.Name())
	cur := ""
	for {
		page, err := src.FetchPage(ctx, connectors.PageRequest{Kind: record.KindCustomer, Cursor: cur})
		if err != nil {
			return FileResult{}, err
		}
		for _, c := range page.Customers {
			if r := run.Add(c); r.Quarantined {
				out.Quarantined = append(out.Quarantined, r)
			}
		}
		if page.Done {
			break
		}
		cur = page.Next
	}
	accepted, quality := run.Finish()
	out.Quality = quality
	cfg := req.Mapping.Config(req.Identity)
	if err := cfg.Validate(); err != nil {
		return FileResult{}, fmt.Errorf("identity configuration (with the mapping's identity block): %w", err)
	}
	out.Result, err = identity.Resolve(ctx, cfg, accepted, identity.State{})
	if err != nil {
		return FileResult{}, err
	}
	return out, nil
}

// WriteClusters writes the header `record_id,profile_id` and one row per linked record, in input
// order; cells that a spreadsheet would run as a formula are neutralized.
func WriteClusters(w io.Writer, res identity.Result) error {
	cw := csvfile.NewWriter(w)
	if err := cw.Write([]string{"record_id", "profile_id"}); err != nil {
		return fmt.Errorf("write clusters: %w", err)
	}
	for _, l := range res.Links {
		if err := cw.Write([]string{l.Record.ID, l.Profile}); err != nil {
			return fmt.Errorf("write clusters: %w", err)
		}
	}
	if err := cw.Flush(); err != nil {
		return fmt.Errorf("write clusters: %w", err)
	}
	return nil
}
