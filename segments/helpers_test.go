// helpers_test.go holds builders shared by the package's tests.

package segments

import (
	"time"

	"github.com/cdpflow/cdpflow/record"
)

// asOf is the evaluation time most tests use.
var asOf = time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)

// daysAgo is asOf minus d days.
func daysAgo(d int) time.Time { return asOf.Add(-time.Duration(d) * day) }

// ord is a completed USD order placed d days before asOf.
func ord(d int, cents int64) record.Order {
	return record.Order{Source: "shop", Total: record.Money{Amount: cents, Currency: "USD"}, CreatedAt: daysAgo(d), Status: "completed"}
}

// withStatus returns o with the status set.
func withStatus(o record.Order, status string) record.Order { o.Status = status; return o }

// withCurrency returns o in another currency.
func withCurrency(o record.Order, cur string) record.Order { o.Total.Currency = cur; return o }

// prof builds a profile with orders.
func prof(id string, orders ...record.Order) Profile {
	return Profile{ID: id, Orders: orders}
}

// nOrders returns n orders of amount cents, the last lastDays ago and one every gap days before.
func nOrders(n, lastDays, gap int, cents int64) []record.Order {
	out := make([]record.Order, n)
	for k := range out {
		out[k] = ord(lastDays+k*gap, cents)
	}
	return out
}
