// money.go holds the currency-exponent table and the conversion of integer minor units
// (record.Money) into the major-unit float64 values that rules compare against.

package segments

import (
	"math"
	"strings"
)

// minorExponents lists ISO 4217 currencies whose minor unit is not 1/100. Every other code,
// including unknown or empty ones, uses exponent 2.
var minorExponents = map[string]int{
	// No minor unit.
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	// Thousandths.
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	// Ten-thousandths (accounting units).
	"CLF": 4, "UYW": 4,
}

// pow10 holds 10^e for the exponents in minorExponents.
var pow10 = [...]float64{1, 10, 100, 1000, 10000}

// CurrencyExponent returns the number of decimal places of the currency's minor unit:
// 0 for JPY, 3 for BHD/KWD, 2 for most currencies and for any code it does not know.
// The code is matched case-insensitively.
func CurrencyExponent(currency string) int {
	if e, ok := minorExponents[normalizeCurrency(currency)]; ok {
		return e
	}
	return 2
}

// MajorUnits converts an amount in minor units to major units: 1999 USD -> 19.99,
// 1999 JPY -> 1999, 1999 KWD -> 1.999.
func MajorUnits(minor int64, currency string) float64 {
	return toMajor(minor, CurrencyExponent(currency))
}

func toMajor(minor int64, exp int) float64 { return float64(minor) / pow10[exp] }

// toMinor rounds a major-unit amount to the nearest minor unit.
func toMinor(major float64, exp int) int64 { return int64(math.Round(major * pow10[exp])) }

// roundMajor rounds a major-unit amount to the currency's minor unit.
func roundMajor(major float64, exp int) float64 { return toMajor(toMinor(major, exp), exp) }

// normalizeCurrency trims and upper-cases an ISO 4217 code; it does not allocate when the
// code is already canonical.
func normalizeCurrency(c string) string { return strings.ToUpper(strings.TrimSpace(c)) }
