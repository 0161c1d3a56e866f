// This file holds Writer: CSV output that is safe to open in a spreadsheet. A cell starting with
// =, +, -, @, a tab or a carriage return would be run as a formula (CSV injection); such cells are
// prefixed with a single quote, as OWASP recommends, so the value shows as text.
package csvfile

import (
	"encoding/csv"
	"io"
)

// Writer writes CSV rows with formula-like cells neutralized.
type Writer struct {
	w   *csv.Writer
	buf []string
}

// NewWriter writes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one row.
func (w *Writer) Write(row []string) error {
	w.buf = w.buf[:0]
	for _, cell := range row {
		w.buf = append(w.buf, SafeCell(cell))
	}
	return w.w.Write(w.buf)
}

// Flush writes buffered rows and reports any write error.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}

// SafeCell returns s, prefixed with ' when a spreadsheet would read it as a formula.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
