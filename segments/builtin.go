// builtin.go holds the built-in segments every evaluation computes — rfm.<segment>,
// buyers.repeat/one_time/prospects, clv.top_decile and the dynamic cohort.<YYYY-MM> — and the
// name prefixes reserved for them.

package segments

import (
	"slices"
	"strings"
)

// Names of the static built-in segments besides rfm.<segment>.
const (
	BuyersRepeat    = "buyers.repeat"    // orders.count >= 2
	BuyersOneTime   = "buyers.one_time"  // orders.count == 1
	BuyersProspects = "buyers.prospects" // orders.count == 0
	CLVTopDecile    = "clv.top_decile"   // clv.top_decile is true
)

// RFMPrefix starts the built-in segment of each RFM segment ("rfm.champions").
const RFMPrefix = "rfm."

// Indexes of the static built-ins after the RFM ones in builtinNames.
const (
	idxRepeat = len(rfmNames) + iota
	idxOneTime
	idxProspects
	idxTopDecile
	numStatic
)

// builtinNames is the fixed order of the static built-ins: the RFM segments best to worst,
// then buyers.repeat, buyers.one_time, buyers.prospects, clv.top_decile.
var builtinNames = func() []string {
	names := make([]string, 0, numStatic)
	for _, n := range rfmNames {
		names = append(names, RFMPrefix+n)
	}
	return append(names, BuyersRepeat, BuyersOneTime, BuyersProspects, CLVTopDecile)
}()

// BuiltinNames returns the static built-in segment names. The cohort.<YYYY-MM> segments are
// not listed: they exist for each cohort present in the evaluated profiles.
func BuiltinNames() []string { return slices.Clone(builtinNames) }

// reservedPrefixes are the namespaces of built-in segments; user segments may not use them.
var reservedPrefixes = [...]string{RFMPrefix, "buyers.", "clv.", CohortPrefix}

// reservedName reports whether a user segment may not be called name.
func reservedName(name string) bool {
	for _, p := range reservedPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// staticMemberships appends the indexes into builtinNames of the static built-ins a profile
// belongs to.
func staticMemberships(f *Facts, st *stats, dst []int) []int {
	if st.rfm >= 0 {
		dst = append(dst, int(st.rfm))
	}
	switch {
	case f.RepeatBuyer:
		dst = append(dst, idxRepeat)
	case f.OneTimeBuyer:
		dst = append(dst, idxOneTime)
	default:
		dst = append(dst, idxProspects)
	}
	if f.CLV.TopDecile {
		dst = append(dst, idxTopDecile)
	}
	return dst
}
