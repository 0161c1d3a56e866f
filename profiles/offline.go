// offline.go holds ResolveFile: the offline `starter resolve` path. A CSV file (or several, each
// its own source, optionally linked one-to-one) is read through the
// csv source's mapping, cleansed by the pipeline's cleansing (placeholders dropped, phones to
// E.164, shared identifiers marked) and resolved by identity, so a file and a refresh over the
// same records link them the same way.
package profiles

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

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
	// Inputs are further files read with the same mapping. With more than one file, each
	// file is its own source, named after the file ("crm.csv" -> crm).
	Inputs []string
	// LinkOnly says each file holds a person at most once: a profile gets at most one record
	// of each file (identity.link.one_to_one over the files' sources).
	LinkOnly bool
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
	files := append([]string{req.Input}, req.Inputs...)
	opts := req.Cleanse
	opts.AllowNoIdentifier = true
	cl, err := cleansing.New(opts)
	if err != nil {
		return FileResult{}, err
	}
	var (
		out      FileResult
		accepted []record.Customer
		sources  []string
		reports  []cleansing.Quality
	)
	for _, file := range files {
		name := req.Mapping.Source
		if len(files) > 1 {
			name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		}
		src, err := csvfile.New(csvfile.Config{Name: name, Path: file, Mapping: &req.Mapping})
		if err != nil {
			return FileResult{}, err
		}
		if slices.Contains(sources, src.Name()) {
			return FileResult{}, fmt.Errorf("%s: another input has the source name %q: rename one file", file, src.Name())
		}
		sources = append(sources, src.Name())
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
		acc, quality := run.Finish()
		accepted = append(accepted, acc...)
		reports = append(reports, quality)
	}
	out.Quality = reports[0]
	if len(reports) > 1 {
		out.Quality = cleansing.MergeQuality("", reports...)
	}
	cfg := req.Mapping.Config(req.Identity)
	if req.LinkOnly {
		cfg.Link.OneToOne = sources
	}
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
// order; records of several sources (several input files) get a leading `source` column.
// Cells that a spreadsheet would run as a formula are neutralized.
func WriteClusters(w io.Writer, res identity.Result) error {
	cw := csvfile.NewWriter(w)
	several := slices.ContainsFunc(res.Links, func(l identity.Link) bool { return l.Record.Source != res.Links[0].Record.Source })
	row := func(l identity.Link) []string { return []string{l.Record.ID, l.Profile} }
	header := []string{"record_id", "profile_id"}
	if several {
		row = func(l identity.Link) []string { return []string{l.Record.Source, l.Record.ID, l.Profile} }
		header = append([]string{"source"}, header...)
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write clusters: %w", err)
	}
	for _, l := range res.Links {
		if err := cw.Write(row(l)); err != nil {
			return fmt.Errorf("write clusters: %w", err)
		}
	}
	if err := cw.Flush(); err != nil {
		return fmt.Errorf("write clusters: %w", err)
	}
	return nil
}
