// This file holds exact decimal-string to minor-unit money parsing shared by source connectors.
package connectors

import (
	"fmt"
	"math"
	"strings"
)

// currencyExponents lists ISO-4217 currencies whose minor unit is not 1/100.
var currencyExponents = map[string]int{
	// no minor unit
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
	"RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	// thousandths
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	// ten-thousandths
	"CLF": 4, "UYW": 4,
}

// CurrencyExponent returns the number of decimal places of a currency's minor unit (2 unless the
// ISO-4217 code is known to differ). The code is case-insensitive.
func CurrencyExponent(code string) int {
	if e, ok := currencyExponents[strings.ToUpper(strings.TrimSpace(code))]; ok {
		return e
	}
	return 2
}

// ParseDecimalMinor converts a decimal string such as "199.65", "-0.5" or "1000" into an integer
// count of minor units with the given exponent (2 for cents): ParseDecimalMinor("199.65", 2) = 19965.
// It uses exact string arithmetic, never floats. Extra fractional digits are accepted only when they
// are zeros ("1.500" with exponent 2); anything that would need rounding is an error, as are
// exponents, thousands separators, empty strings and values that overflow int64.
func ParseDecimalMinor(s string, exponent int) (int64, error) {
	if exponent < 0 || exponent > 18 {
		return 0, fmt.Errorf("parse amount %q: exponent %d out of range", s, exponent)
	}
	v := strings.TrimSpace(s)
	neg := false
	switch {
	case strings.HasPrefix(v, "-"):
		neg, v = true, v[1:]
	case strings.HasPrefix(v, "+"):
		v = v[1:]
	}
	intPart, frac, _ := strings.Cut(v, ".")
	if intPart == "" && frac == "" {
		return 0, fmt.Errorf("parse amount %q: no digits", s)
	}
	if !allDigits(intPart) || !allDigits(frac) {
		return 0, fmt.Errorf("parse amount %q: not a plain decimal number", s)
	}
	if len(frac) > exponent {
		if strings.Trim(frac[exponent:], "0") != "" {
			return 0, fmt.Errorf("parse amount %q: more than %d decimal places", s, exponent)
		}
		frac = frac[:exponent]
	}
	digits := intPart + frac + strings.Repeat("0", exponent-len(frac))
	digits = strings.TrimLeft(digits, "0")
	var n uint64
	for _, r := range digits {
		d := uint64(r - '0')
		if n > (math.MaxUint64-d)/10 {
			return 0, fmt.Errorf("parse amount %q: out of range", s)
		}
		n = n*10 + d
	}
	if neg {
		if n > uint64(math.MaxInt64)+1 {
			return 0, fmt.Errorf("parse amount %q: out of range", s)
		}
		return -int64(n-1) - 1, nil
	}
	if n > math.MaxInt64 {
		return 0, fmt.Errorf("parse amount %q: out of range", s)
	}
	return int64(n), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
