// synth_test.go generates reproducible synthetic profiles for the determinism tests and the
// benchmark.

package segments

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/cdpflow/cdpflow/record"
)

var (
	synthCountries = []string{"US", "GB", "DE", "FR", "JP", "CA"}
	synthStates    = []record.ConsentState{record.ConsentSubscribed, record.ConsentNotSubscribed, record.ConsentUnsubscribed, record.ConsentPending}
	synthStatuses  = []string{"completed", "completed", "completed", "open", "cancelled", "refunded"}
)

// synthProfiles returns n profiles with a skewed order count (40% prospects, many one-time
// buyers), amounts, a few currencies, consent and engagement.
func synthProfiles(n int, seed uint64) []Profile {
	rng := rand.New(rand.NewPCG(seed, 42))
	profiles := make([]Profile, n)
	for i := range profiles {
		p := &profiles[i]
		p.ID = fmt.Sprintf("p%07d", i)
		country := synthCountries[rng.IntN(len(synthCountries))]
		p.Customer = record.Customer{
			Email:     fmt.Sprintf("user%d@example.com", i),
			FirstName: "Ann",
			Address:   record.Address{Country: country, City: "Springfield"},
			Consent: map[record.Channel]record.Consent{
				record.ChannelEmail: {State: synthStates[rng.IntN(len(synthStates))]},
			},
		}
		if rng.IntN(3) == 0 {
			p.Engagement = map[string]float64{"sessions": float64(rng.IntN(20)), "addToCarts": float64(rng.IntN(5))}
		}
		currency := "USD"
		if country == "JP" {
			currency = "JPY"
		} else if country == "DE" || country == "FR" {
			currency = "EUR"
		}
		orders := 0
		if rng.IntN(10) >= 4 {
			orders = 1 + int(rng.ExpFloat64()*1.5)
		}
		last := rng.IntN(900)
		for k := range orders {
			amount := int64(500 + rng.IntN(20000))
			p.Orders = append(p.Orders, record.Order{
				Source:    "shop",
				ID:        fmt.Sprintf("o%d-%d", i, k),
				Total:     record.Money{Amount: amount, Currency: currency},
				CreatedAt: asOf.Add(-time.Duration(last+k*(7+rng.IntN(90)))*day - time.Duration(rng.IntN(86400))*time.Second),
				Status:    synthStatuses[rng.IntN(len(synthStatuses))],
			})
		}
	}
	return profiles
}
