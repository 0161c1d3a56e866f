// Tests for exact decimal money parsing and currency exponents.
package connectors

import (
	"math"
	"testing"
)

func TestParseDecimalMinor(t *testing.T) {
	tests := []struct {
		in      string
		exp     int
		want    int64
		wantErr bool
	}{
		{"199.65", 2, 19965, false},
		{"0.1", 2, 10, false},
		{"1000", 2, 100000, false},
		{"1000.", 2, 100000, false},
		{".5", 2, 50, false},
		{" 19.99 ", 2, 1999, false},
		{"-3.50", 2, -350, false},
		{"+7", 2, 700, false},
		{"1.500", 2, 150, false},
		{"0.00", 2, 0, false},
		{"1234", 0, 1234, false},
		{"1.234", 3, 1234, false},
		{"0.001", 3, 1, false},
		{"92233720368547758.07", 2, math.MaxInt64, false},
		{"-92233720368547758.08", 2, math.MinInt64, false},
		{"92233720368547758.08", 2, 0, true},
		{"1.005", 2, 0, true},
		{"1.5", 0, 0, true},
		{"", 2, 0, true},
		{".", 2, 0, true},
		{"-", 2, 0, true},
		{"1,000.00", 2, 0, true},
		{"1e3", 2, 0, true},
		{"12.3.4", 2, 0, true},
		{"NaN", 2, 0, true},
		{"99999999999999999999999", 2, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDecimalMinor(tt.in, tt.exp)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseDecimalMinor(%q, %d) error = %v, wantErr %v", tt.in, tt.exp, err, tt.wantErr)
			}
			if !tt.wantErr && got != tt.want {
				t.Fatalf("ParseDecimalMinor(%q, %d) = %d, want %d", tt.in, tt.exp, got, tt.want)
			}
		})
	}
}

func TestCurrencyExponent(t *testing.T) {
	tests := map[string]int{"USD": 2, "eur": 2, "JPY": 0, "KWD": 3, "CLF": 4, "": 2, "XYZ": 2}
	for code, want := range tests {
		t.Run(code, func(t *testing.T) {
			if got := CurrencyExponent(code); got != want {
				t.Fatalf("CurrencyExponent(%q) = %d, want %d", code, got, want)
			}
		})
	}
}
