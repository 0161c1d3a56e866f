// This file holds CSV reading as found in the wild: BOM, CRLF, spaces after delimiters, a missing
// final newline, ';' or tab delimiters, and resumable reads from a byte offset.
package csvfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/cdpflow/cdpflow/redact"
)

var bom = []byte{0xEF, 0xBB, 0xBF}

// header is a file's first row and where the data starts.
type header struct {
	columns []string // trimmed names
	comma   rune
	start   int64 // byte offset of the first data row
	line    int64 // line number of the first data row
}

// readHeader reads the header row of f (positioned anywhere) and detects the delimiter unless comma
// is set.
func readHeader(f *os.File, name string, comma rune) (header, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return header{}, fmt.Errorf("%s: %w", name, err)
	}
	br := bufio.NewReader(f)
	var base int64
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, bom) {
		_, _ = br.Discard(3)
		base = 3
	}
	if comma == 0 {
		first, err := br.Peek(br.Buffered())
		if len(first) == 0 {
			first, err = br.Peek(4096)
		}
		if len(first) == 0 && err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return header{}, fmt.Errorf("%s: %w", name, err)
		}
		comma = detectComma(first)
	}
	r := newCSVReader(br, comma)
	cols, err := r.Read()
	if errors.Is(err, io.EOF) {
		return header{}, fmt.Errorf("%s: the file is empty: want a header row naming the columns", name)
	}
	if err != nil {
		return header{}, fmt.Errorf("%s: header: %w", name, err)
	}
	lastLine, _ := r.FieldPos(len(cols) - 1)
	h := header{comma: comma, start: base + r.InputOffset(), line: int64(lastLine+strings.Count(cols[len(cols)-1], "\n")) + 1}
	for _, c := range cols {
		h.columns = append(h.columns, strings.TrimSpace(c))
	}
	return h, nil
}

// detectComma picks the delimiter of the header line: the most frequent of ',', ';' and tab outside
// quotes (',' on a tie or when none appears).
func detectComma(b []byte) rune {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	counts := map[rune]int{}
	quoted := false
	for _, c := range string(b) {
		switch {
		case c == '"':
			quoted = !quoted
		case !quoted && (c == ',' || c == ';' || c == '\t'):
			counts[c]++
		}
	}
	best := ','
	for _, c := range []rune{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

func newCSVReader(r io.Reader, comma rune) *csv.Reader {
	cr := csv.NewReader(r)
	cr.Comma = comma
	// "a, b" and `a, "b,c"`; not with tabs, where it would swallow empty fields ("a\t\tb")
	cr.TrimLeadingSpace = comma != '\t' && comma != ' '
	cr.FieldsPerRecord = -1 // ragged rows are checked against the header below
	cr.ReuseRecord = false
	return cr
}

// column finds a mapped column in the header: exact name first, then case-insensitively.
func (h header) column(name, file string) (int, error) {
	want := strings.TrimSpace(name)
	idx := -1
	for i, c := range h.columns {
		if c == want {
			if idx >= 0 {
				return 0, fmt.Errorf("%s: column %q appears twice in the header", file, want)
			}
			idx = i
		}
	}
	if idx >= 0 {
		return idx, nil
	}
	for i, c := range h.columns {
		if strings.EqualFold(c, want) {
			if idx >= 0 {
				return 0, fmt.Errorf("%s: column %q matches two header columns (case differs); name one exactly", file, want)
			}
			idx = i
		}
	}
	if idx < 0 {
		if redact.Scrub(strings.Join(h.columns, ",")) != strings.Join(h.columns, ",") {
			// The first line looks like data (an email, a number): never repeat it.
			return 0, fmt.Errorf("%s: mapped column %q is not in the header, and the first line does not look like a header (it holds values); add a header row naming the columns", file, want)
		}
		return 0, fmt.Errorf("%s: mapped column %q is not in the header (columns: %s)", file, want, strings.Join(h.columns, ", "))
	}
	return idx, nil
}

// row is one data row with its position.
type row struct {
	fields []string
	line   int64 // line number where the row starts
	end    int64 // byte offset just past the row
	next   int64 // line number after the row
}

// rowReader reads data rows from a byte offset.
type rowReader struct {
	r       *csv.Reader
	file    string
	start   int64 // byte offset the reader started at
	line    int64 // line number at start
	ncols   int
	columns []string
	closer  io.Closer
}

// RowError is one row that cannot be read or mapped: the source quarantines it with its position
// and reason and reads on. It never quotes the row's values.
type RowError struct {
	File   string
	Line   int64
	Column string // the header column, or "column N"; "" for the whole row
	Reason string
}

func (e *RowError) Error() string {
	s := fmt.Sprintf("%s: line %d", e.File, e.Line)
	if e.Column != "" {
		s += ": column " + e.Column
	}
	return s + ": " + e.Reason
}

// read returns the next row; a row that cannot be read comes back with its position and a
// *RowError, and the reader carries on after it.
func (rr *rowReader) read() (row, error) {
	fields, err := rr.r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			r := row{line: rr.line - 1 + int64(pe.StartLine), end: rr.start + rr.r.InputOffset(), next: rr.line + int64(pe.Line)}
			col := ""
			if pe.Column > 0 {
				col = fmt.Sprintf("at character %d", pe.Column)
			}
			return r, &RowError{File: rr.file, Line: rr.line - 1 + int64(pe.Line), Column: col, Reason: pe.Err.Error()}
		}
		return row{}, err // io.EOF
	}
	startLine, _ := rr.r.FieldPos(0)
	lastLine, _ := rr.r.FieldPos(len(fields) - 1)
	r := row{fields: fields, line: rr.line - 1 + int64(startLine), end: rr.start + rr.r.InputOffset()}
	r.next = rr.line - 1 + int64(lastLine) + int64(strings.Count(fields[len(fields)-1], "\n")) + 1
	switch {
	case len(fields) < rr.ncols: // short rows: the missing trailing columns are empty
		r.fields = append(fields, make([]string, rr.ncols-len(fields))...)
	case len(fields) > rr.ncols:
		for _, extra := range fields[rr.ncols:] {
			if strings.TrimSpace(extra) != "" {
				return r, &RowError{File: rr.file, Line: r.line, Reason: fmt.Sprintf("%d fields for %d header columns (an unquoted %q inside a value?)",
					len(fields), rr.ncols, string(rr.r.Comma))}
			}
		}
		r.fields = fields[:rr.ncols]
	}
	for i, f := range r.fields {
		if !utf8.ValidString(f) {
			return r, &RowError{File: rr.file, Line: r.line, Column: rr.columnName(i), Reason: "not UTF-8 text: save the file as UTF-8"}
		}
	}
	return r, nil
}

func (rr *rowReader) columnName(i int) string {
	if i < len(rr.columns) {
		return fmt.Sprintf("%q (%d)", rr.columns[i], i+1)
	}
	return fmt.Sprintf("%d", i+1)
}

func (rr *rowReader) Close() error { return rr.closer.Close() }

// openRows opens the file positioned at byte offset at (a row boundary) whose line number is line.
func openRows(path string, comma rune, at, line int64) (*rowReader, header, os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, header{}, nil, err
	}
	fail := func(err error) (*rowReader, header, os.FileInfo, error) {
		f.Close()
		return nil, header{}, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		return fail(err)
	}
	h, err := readHeader(f, path, comma)
	if err != nil {
		return fail(err)
	}
	if at == 0 {
		at, line = h.start, h.line
	}
	if at < h.start || at > info.Size() {
		return fail(fmt.Errorf("%s: cursor at byte %d is outside the file's rows (%d..%d bytes): was the file replaced during the sync?", path, at, h.start, info.Size()))
	}
	if at > h.start {
		prev := make([]byte, 1)
		if _, err := f.ReadAt(prev, at-1); err != nil {
			return fail(fmt.Errorf("%s: %w", path, err))
		}
		if prev[0] != '\n' && at != info.Size() {
			return fail(fmt.Errorf("%s: cursor at byte %d is not at a row boundary: was the file replaced during the sync?", path, at))
		}
	}
	if _, err := f.Seek(at, io.SeekStart); err != nil {
		return fail(fmt.Errorf("%s: %w", path, err))
	}
	rr := &rowReader{r: newCSVReader(bufio.NewReader(f), h.comma), file: path, start: at, line: line, ncols: len(h.columns), columns: h.columns, closer: f}
	return rr, h, info, nil
}
