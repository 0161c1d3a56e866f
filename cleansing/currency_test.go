package cleansing

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNormalizeCurrency(t *testing.T) {
	tests := []struct{ name, in, want, reason string }{
		{"code", "USD", "USD", ""},
		{"lower case with spaces", " eur ", "EUR", ""},
		{"euro sign", "€", "EUR", ""},
		{"pound sign", "£", "GBP", ""},
		{"US$", "US$", "USD", ""},
		{"withdrawn but historical", "HRK", "HRK", ""},
		{"empty", "", "", ""},
		{"dollar sign is ambiguous", "$", "", ReasonInvalidCurrency},
		{"yen sign is ambiguous", "¥", "", ReasonInvalidCurrency},
		{"not a code", "DOLLARS", "", ReasonInvalidCurrency},
		{"made-up code", "ABC", "", ReasonInvalidCurrency},
		{"gold is not a currency for orders", "XAU", "", ReasonInvalidCurrency},
		{"testing code", "XTS", "", ReasonInvalidCurrency},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeCurrency(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.reason, ReasonOf(err), "err: %v", err)
		})
	}
	assert.Equal(t, "Euro", CurrencyName("EUR"))
	assert.GreaterOrEqual(t, len(currencies), 160)
}

func FuzzNormalizeCurrency(f *testing.F) {
	for _, s := range []string{"usd", "€", "US$", "$", "HRK"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		once, err := NormalizeCurrency(in)
		if err != nil {
			if ReasonOf(err) == "" {
				t.Fatalf("error without reason: %v", err)
			}
			return
		}
		if twice, err := NormalizeCurrency(once); err != nil || twice != once {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", in, once, twice, err)
		}
	})
}
