// This file holds the CSV source: Config, constructor, cursor and FetchPage.

// Package csvfile is a source connector for customer CSV files with a column mapping.
//
// The file is read in pages of PageSize rows; the cursor records the row count and byte offset
// reached, so a page can be fetched again and a later process resumes without re-reading what came
// before. Replace files atomically between runs (write elsewhere, then rename), not during one.
//
// Full and incremental: a CSV file has no per-row modification time unless the mapping maps a column
// to updated_at. If it does, an incremental sync (Since set) returns the rows whose updated_at is at
// or after Since, plus rows with an empty updated_at (their age is unknown). If it does not, every
// sync is a full sync and each record's UpdatedAt is the file's modification time.
package csvfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
)

// DefaultPageSize is the rows read per page.
const DefaultPageSize = 1000

// Config configures a CSV source.
type Config struct {
	Name string // configured source name, goes into record.Source (default: the mapping's source, else the file's base name)
	Path string // the CSV file
	// MappingPath is the YAML column mapping (see Mapping); Mapping, when set, is used instead.
	MappingPath string
	Mapping     *Mapping
	// PageSize is rows per page (default DefaultPageSize).
	PageSize int
	// Delimiter is the field separator; 0 detects ',', ';' or tab from the header row.
	Delimiter rune
}

// Source reads customers from one CSV file.
type Source struct {
	cfg     Config
	mapping Mapping
	paths   []string // mapped canonical paths, sorted
}

var _ connectors.Source = (*Source)(nil)

// New loads the mapping and checks it against the file's header.
func New(cfg Config) (*Source, error) {
	if cfg.Path == "" {
		return nil, errors.New("csv: path: name the CSV file to read")
	}
	label := cfg.Name // for errors before the name is known
	if label == "" {
		label = "csv " + cfg.Path
	}
	var m Mapping
	switch {
	case cfg.Mapping != nil:
		m = *cfg.Mapping
		if err := m.Validate(); err != nil {
			return nil, fmt.Errorf("%s: mapping: %w", label, err)
		}
	case cfg.MappingPath != "":
		var err error
		if m, err = LoadMapping(cfg.MappingPath); err != nil {
			return nil, fmt.Errorf("%s: %w", label, err)
		}
	default:
		return nil, fmt.Errorf("%s: mapping: set the column mapping file (mapping)", label)
	}
	if cfg.Name == "" {
		cfg.Name = m.Source
	}
	if cfg.Name == "" {
		cfg.Name = strings.TrimSuffix(filepath.Base(cfg.Path), filepath.Ext(cfg.Path))
	}
	switch {
	case cfg.PageSize == 0:
		cfg.PageSize = DefaultPageSize
	case cfg.PageSize < 0:
		return nil, fmt.Errorf("%s: page_size: must be positive, got %d", cfg.Name, cfg.PageSize)
	}
	s := &Source{cfg: cfg, mapping: m, paths: m.keys()}
	rr, h, _, err := openRows(cfg.Path, cfg.Delimiter, 0, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Name, err)
	}
	rr.Close()
	if _, err := s.columns(h); err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Name, err)
	}
	return s, nil
}

// Name is the source name records carry.
func (s *Source) Name() string { return s.cfg.Name }

// Kinds lists customers.
func (s *Source) Kinds() []record.Kind { return []record.Kind{record.KindCustomer} }

// cursor is "rows:byte:line": data rows read so far, the byte offset and line number they end at.
type cursor struct{ rows, at, line int64 }

func (c cursor) String() string { return fmt.Sprintf("%d:%d:%d", c.rows, c.at, c.line) }

func parseCursor(s string) (cursor, error) {
	if s == "" {
		return cursor{}, nil
	}
	parts := strings.Split(s, ":")
	if len(parts) == 3 {
		var c cursor
		var errs [3]error
		c.rows, errs[0] = strconv.ParseInt(parts[0], 10, 64)
		c.at, errs[1] = strconv.ParseInt(parts[1], 10, 64)
		c.line, errs[2] = strconv.ParseInt(parts[2], 10, 64)
		if errors.Join(errs[:]...) == nil && c.rows > 0 && c.at > 0 && c.line > 0 {
			return c, nil
		}
	}
	return cursor{}, fmt.Errorf("bad page cursor %q: not one this connector issued", s)
}

// columnIndex maps each mapped path (and the id) to its header column.
type columnIndex struct {
	id     int
	fields map[string]int
}

func (s *Source) columns(h header) (columnIndex, error) {
	ci := columnIndex{fields: map[string]int{}}
	var err error
	if ci.id, err = h.column(s.mapping.ID, s.cfg.Path); err != nil {
		return ci, fmt.Errorf("id: %w", err)
	}
	for _, p := range s.paths {
		if ci.fields[p], err = h.column(s.mapping.Fields[p], s.cfg.Path); err != nil {
			return ci, fmt.Errorf("fields.%s: %w", p, err)
		}
	}
	return ci, nil
}

// FetchPage reads the next PageSize rows.
func (s *Source) FetchPage(ctx context.Context, req connectors.PageRequest) (connectors.Page, error) {
	if req.Kind != record.KindCustomer {
		return connectors.Page{}, fmt.Errorf("%s: unsupported kind %q (want customers)", s.cfg.Name, req.Kind)
	}
	cur, err := parseCursor(req.Cursor)
	if err != nil {
		return connectors.Page{}, fmt.Errorf("%s: %w", s.cfg.Name, err)
	}
	rr, h, info, err := openRows(s.cfg.Path, s.cfg.Delimiter, cur.at, cur.line)
	if err != nil {
		return connectors.Page{}, fmt.Errorf("%s: %w", s.cfg.Name, err)
	}
	defer rr.Close()
	ci, err := s.columns(h)
	if err != nil {
		return connectors.Page{}, fmt.Errorf("%s: %w", s.cfg.Name, err)
	}
	_, filtered := s.mapping.Fields["updated_at"]
	filtered = filtered && !req.Since.IsZero()
	modTime := info.ModTime().UTC().Truncate(time.Second)

	var page connectors.Page
	next := cur
	for n := 0; n < s.cfg.PageSize; n++ {
		if err := ctx.Err(); err != nil {
			return connectors.Page{}, err
		}
		r, err := rr.read()
		if errors.Is(err, io.EOF) {
			page.Done = true
			break
		}
		var re *RowError
		if errors.As(err, &re) {
			next = cursor{rows: next.rows + 1, at: r.end, line: r.next}
			page.Rejected = append(page.Rejected, rejected(re, r, ci))
			continue
		}
		if err != nil {
			return connectors.Page{}, fmt.Errorf("%s: %w", s.cfg.Name, err)
		}
		next = cursor{rows: next.rows + 1, at: r.end, line: r.next}
		if blank(r.fields) {
			continue
		}
		c, err := s.mapRow(r, ci, modTime)
		if errors.As(err, &re) {
			page.Rejected = append(page.Rejected, rejected(re, r, ci))
			continue
		}
		if err != nil {
			return connectors.Page{}, fmt.Errorf("%s: %w", s.cfg.Name, err)
		}
		if filtered && !c.UpdatedAt.IsZero() && c.UpdatedAt.Before(req.Since) {
			continue
		}
		page.Customers = append(page.Customers, c)
	}
	if !page.Done {
		// peek: a page that ends exactly at the end of the file is the last one
		if _, err := rr.read(); errors.Is(err, io.EOF) {
			page.Done = true
		}
	}
	if !page.Done {
		page.Next = next.String()
	}
	return page, nil
}

// rejected is the quarantine entry of a bad row: its id when it has one, else its line.
func rejected(re *RowError, r row, ci columnIndex) connectors.Rejected {
	id := ""
	if ci.id < len(r.fields) {
		id = strings.TrimSpace(r.fields[ci.id])
	}
	if id == "" || !utf8.ValidString(id) {
		id = fmt.Sprintf("line:%d", re.Line)
	}
	return connectors.Rejected{Kind: record.KindCustomer, ID: id, Line: re.Line, Field: re.Column, Reason: re.Reason, Raw: r.fields}
}

func blank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// mapRow builds the canonical record of one row. Values are trimmed of surrounding spaces.
func (s *Source) mapRow(r row, ci columnIndex, modTime time.Time) (record.Customer, error) {
	id := strings.TrimSpace(r.fields[ci.id])
	if id == "" {
		return record.Customer{}, &RowError{File: s.cfg.Path, Line: r.line, Column: fmt.Sprintf("%q", s.mapping.ID), Reason: "the id is empty"}
	}
	c := record.Customer{Source: s.cfg.Name, SourceID: id}
	for _, p := range s.paths {
		if p == FullName {
			continue // after the first and last names, which win when a row has them
		}
		col := s.mapping.Fields[p]
		if err := Set(&c, p, strings.TrimSpace(r.fields[ci.fields[p]])); err != nil {
			return record.Customer{}, &RowError{File: s.cfg.Path, Line: r.line, Column: fmt.Sprintf("%q", col), Reason: err.Error()}
		}
		if ch, ok := strings.CutPrefix(p, "consent."); ok {
			if cons, ok := c.Consent[record.Channel(ch)]; ok {
				cons.Source = s.cfg.Name + "." + strings.TrimSpace(col)
				c.Consent[record.Channel(ch)] = cons
			}
		}
	}
	if col, ok := s.mapping.Fields[FullName]; ok {
		if err := Set(&c, FullName, strings.TrimSpace(r.fields[ci.fields[FullName]])); err != nil {
			return record.Customer{}, &RowError{File: s.cfg.Path, Line: r.line, Column: fmt.Sprintf("%q", col), Reason: err.Error()}
		}
	}
	if _, mapped := s.mapping.Fields["updated_at"]; !mapped {
		c.UpdatedAt = modTime
	}
	return c, nil
}
