// threshold.go holds identity.threshold: a fixed match probability, or "auto", which chooses
// it in every full run from the model's own precision/recall curve (curve.go): the threshold
// with the best estimated F1 whose estimated precision is at least identity.target_precision,
// kept between 0.8 and 0.99: a merge needs at least an 80 % belief, because a false merge shows
// one person's data to another. Incremental runs reuse the threshold their model was chosen with.
package identity

import (
	"fmt"
	"strconv"
	"strings"
)

// Threshold is a match probability strictly between 0 and 1, or ThresholdAuto.
type Threshold float64

// ThresholdAuto chooses the threshold from the model (written "auto" in configuration; 0 in JSON).
const ThresholdAuto Threshold = 0

// Bounds of a chosen threshold, and the fallbacks.
const (
	minAutoThreshold = 0.8
	maxAutoThreshold = 0.99
	// DefaultThreshold is used by an incremental run whose stored model has no chosen
	// threshold (a model from before automatic thresholds).
	DefaultThreshold = 0.95
	// DefaultTargetPrecision is identity.target_precision's default.
	DefaultTargetPrecision = 0.998
)

// Auto reports whether the threshold is chosen from the model.
func (t Threshold) Auto() bool { return t == ThresholdAuto }

// String renders the threshold as configuration writes it.
func (t Threshold) String() string {
	if t.Auto() {
		return "auto"
	}
	return strconv.FormatFloat(float64(t), 'g', -1, 64)
}

// UnmarshalText reads "auto" or a number (configuration files and environment overrides).
func (t *Threshold) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if strings.EqualFold(s, "auto") {
		*t = ThresholdAuto
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("%q is neither a probability nor auto: use e.g. 0.95, or auto", s)
	}
	*t = Threshold(v)
	return nil
}

// targetPrecision returns the effective identity.target_precision.
func (c Config) targetPrecision() float64 {
	if c.TargetPrecision == 0 {
		return DefaultTargetPrecision
	}
	return c.TargetPrecision
}

// chooseThreshold picks the threshold from a histogram of candidate weights: the best
// estimated F1 at estimated precision ≥ target, within [0.8, 0.99]; 0.99 when no threshold
// reaches the target.
func chooseThreshold(h ScoreHistogram, target float64) float64 {
	// The bounds themselves, and every bin edge between them.
	inRange := []CurvePoint{h.At(minAutoThreshold)}
	for _, p := range h.Curve() {
		if p.Threshold > minAutoThreshold && p.Threshold < maxAutoThreshold {
			inRange = append(inRange, p)
		}
	}
	inRange = append(inRange, h.At(maxAutoThreshold))
	best, ok := ChooseThreshold(inRange, target)
	if !ok {
		return maxAutoThreshold
	}
	return best.Threshold
}
