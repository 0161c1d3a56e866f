// csv.go holds the offline CSV helpers: reading customer records from a CSV file through a
// mapping (tolerating spaces after commas, CRLF line endings and a missing final newline,
// with light normalization), and writing the `record_id,profile_id` clusters file.
package identity

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/cdpflow/cdpflow/record"
)

// ReadCSV reads customer records from r; the first row is the header.
func ReadCSV(r io.Reader, m Mapping) ([]record.Customer, error) {
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("read csv: mapping: %w", err)
	}
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("read csv: empty input: expected a header row")
		}
		return nil, fmt.Errorf("read csv: header: %w", err)
	}
	cols := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		cols[h] = i
		if _, ok := cols[strings.ToLower(h)]; !ok {
			cols[strings.ToLower(h)] = i
		}
	}
	column := func(key, name string) (int, error) {
		if i, ok := cols[name]; ok {
			return i, nil
		}
		if i, ok := cols[strings.ToLower(name)]; ok {
			return i, nil
		}
		return 0, fmt.Errorf("read csv: mapping %s: column %q is not in the header (%s)", key, name, strings.Join(header, ", "))
	}
	idCol, err := column("id", m.ID)
	if err != nil {
		return nil, err
	}
	type target struct {
		path string
		col  int
	}
	var targets []target
	for _, path := range slices.Sorted(maps.Keys(m.Fields)) {
		c, err := column("fields."+path, m.Fields[path])
		if err != nil {
			return nil, err
		}
		targets = append(targets, target{path, c})
	}
	source := m.source()
	var out []record.Customer
	seen := map[string]int{}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("read csv: %w", err)
		}
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue // blank line
		}
		id := strings.TrimSpace(row[idCol])
		if id == "" {
			return nil, fmt.Errorf("read csv: line %d: empty id in column %q", line, m.ID)
		}
		if prev, dup := seen[id]; dup {
			return nil, fmt.Errorf("read csv: line %d: id %q already on line %d: ids must be unique", line, id, prev)
		}
		seen[id] = line
		c := record.Customer{Source: source, SourceID: id}
		for _, t := range targets {
			v := normalizeField(t.path, row[t.col])
			if v == "" {
				continue
			}
			if err := SetFieldValue(&c, t.path, v); err != nil {
				return nil, fmt.Errorf("read csv: line %d: %w", line, err)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// WriteClusters writes the header `record_id,profile_id` and one row per linked record, in
// the result's (input) order.
func WriteClusters(w io.Writer, res Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"record_id", "profile_id"}); err != nil {
		return fmt.Errorf("write clusters: %w", err)
	}
	for _, l := range res.Links {
		if err := cw.Write([]string{l.Record.ID, l.Profile}); err != nil {
			return fmt.Errorf("write clusters: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write clusters: %w", err)
	}
	return nil
}

// ResolveCSV is the offline `resolve --input FILE.csv --mapping MAPPING.yaml --output
// clusters.csv` path: it reads the records through the mapping, resolves them with base
// overridden by the mapping's identity block, and writes the clusters.
func ResolveCSV(ctx context.Context, base Config, m Mapping, in io.Reader, out io.Writer) (Result, error) {
	records, err := ReadCSV(in, m)
	if err != nil {
		return Result{}, err
	}
	res, err := Resolve(ctx, m.Config(base), records, State{})
	if err != nil {
		return Result{}, err
	}
	return res, WriteClusters(out, res)
}
