// currency.go validates currency codes against ISO-4217 (data/currencies.txt).

package cleansing

import (
	_ "embed"
	"strings"
)

//go:embed data/currencies.txt
var currenciesFile string

// currencies maps ISO-4217 codes to their English names.
var currencies = loadCurrencies(currenciesFile)

func loadCurrencies(file string) map[string]string {
	out := map[string]string{}
	dataLines(file, func(line string) {
		code, name, _ := strings.Cut(line, " ")
		if len(code) != 3 || strings.ToUpper(code) != code {
			panic("cleansing: data/currencies.txt: bad line " + line)
		}
		out[code] = name
	})
	return out
}

// currencySymbols are unambiguous symbols and prefixes that stand for one currency. "$", "¥"
// and "kr" are ambiguous and not accepted.
var currencySymbols = map[string]string{
	"€": "EUR", "£": "GBP", "US$": "USD", "USD$": "USD", "C$": "CAD", "CA$": "CAD", "A$": "AUD",
	"AU$": "AUD", "NZ$": "NZD", "HK$": "HKD", "S$": "SGD", "R$": "BRL", "MX$": "MXN",
	"₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY", "₪": "ILS", "₫": "VND", "₴": "UAH",
	"₦": "NGN", "฿": "THB", "ZŁ": "PLN", "₱": "PHP", "RMB": "CNY", "EURO": "EUR", "EUROS": "EUR",
}

// NormalizeCurrency returns the ISO-4217 code for a currency written as its code in any case
// ("usd" -> "USD") or an unambiguous symbol ("€" -> "EUR", "US$" -> "USD"). Codes withdrawn
// since 2008 (HRK, LTL ...) are accepted for historical orders. The error is an *Error with
// reason invalid_currency.
func NormalizeCurrency(raw string) (string, error) {
	s := strings.ToUpper(cleanText(raw))
	if s == "" {
		return "", nil
	}
	if c, ok := currencySymbols[s]; ok {
		return c, nil
	}
	if _, ok := currencies[s]; ok {
		return s, nil
	}
	msg := "is not an ISO-4217 currency code"
	if s == "$" || s == "¥" || s == "KR" {
		msg = "is a symbol used by several currencies"
	}
	return "", newError("currency", ReasonInvalidCurrency, raw, msg)
}

// CurrencyName returns the English name of an ISO-4217 code ("EUR" -> "Euro"), or "".
func CurrencyName(code string) string { return currencies[code] }
