// money_test.go tests currency exponents and minor/major unit conversion.

package segments

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCurrencyExponent(t *testing.T) {
	tests := []struct {
		currency string
		want     int
	}{
		{"USD", 2}, {"EUR", 2}, {"JPY", 0}, {"KRW", 0}, {"BHD", 3}, {"KWD", 3}, {"TND", 3},
		{"CLF", 4}, {"jpy", 0}, {" kwd ", 3}, {"", 2}, {"XXX-unknown", 2},
	}
	for _, tt := range tests {
		t.Run(tt.currency, func(t *testing.T) {
			assert.Equal(t, tt.want, CurrencyExponent(tt.currency))
		})
	}
}

func TestMajorUnits(t *testing.T) {
	tests := []struct {
		name     string
		minor    int64
		currency string
		want     float64
	}{
		{"cents", 1999, "USD", 19.99},
		{"yen have no minor unit", 1999, "JPY", 1999},
		{"dinar thousandths", 1999, "KWD", 1.999},
		{"bahraini dinar", 500, "BHD", 0.5},
		{"negative refund line", -250, "EUR", -2.5},
		{"zero", 0, "USD", 0},
		{"unknown currency defaults to 2", 12345, "ZZZ", 123.45},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, MajorUnits(tt.minor, tt.currency))
		})
	}
}

func TestMinorRoundTrip(t *testing.T) {
	tests := []struct {
		major float64
		exp   int
		want  int64
	}{
		{19.99, 2, 1999}, {0.1 + 0.2, 2, 30}, {1.9995, 3, 2000}, {1234.5, 0, 1235}, {-2.345, 2, -235},
	}
	for _, tt := range tests {
		t.Run("", func(t *testing.T) {
			assert.Equal(t, tt.want, toMinor(tt.major, tt.exp))
		})
	}
}
