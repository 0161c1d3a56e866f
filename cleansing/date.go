// date.go normalizes dates written in the common input formats to YYYY-MM-DD and rejects
// impossible ones (31/02/2020, month 13).

package cleansing

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DateOrder says how an all-numeric date with a two-part prefix (02/01/2006) is read.
type DateOrder string

// Date orders.
const (
	DMY DateOrder = "DMY" // 02/01/2006 is 2 January 2006 (the default)
	MDY DateOrder = "MDY" // 02/01/2006 is February 1, 2006
)

var (
	// 2006-01-02, optionally followed by a time ("2006-01-02T15:04:05Z", "2006-01-02 15:04").
	isoDateRE = regexp.MustCompile(`(?i)^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?: ?(?:Z|UTC|[+-]\d{2}:?\d{2}))?)?$`)
	// 20060102
	compactDateRE = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	// 2006/01/02, 2006.01.02
	ymdDateRE = regexp.MustCompile(`^(\d{4})([/.])(\d{1,2})([/.])(\d{1,2})$`)
	// 02/01/2006, 02-01-2006, 02.01.2006 (and two-digit years, which are rejected)
	partsDateRE = regexp.MustCompile(`(?i)^(\d{1,2})([/.-])(\d{1,2})([/.-])(\d{2}|\d{4})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?$`)
	// dates with an English month name: "2 Jan 2006", "Jan 2, 2006", "02-Jan-2006", "2006 Jan 02"
	wordDateRE = regexp.MustCompile(`^([0-9a-z]+)[ ,./-]+([0-9a-z]+)[ ,./-]+([0-9a-z]+)$`)
	ordinalRE  = regexp.MustCompile(`^(\d{1,2})(st|nd|rd|th)$`)
)

var monthNames = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
	"sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
	"december": 12,
}

// zeroDates are the "no date" values databases and spreadsheets write.
var zeroDates = map[string]bool{
	"0000-00-00": true, "00000000": true, "00/00/0000": true, "00.00.0000": true,
	"00-00-0000": true, "0000/00/00": true, "0000-00-00 00:00:00": true, "0000-00-00t00:00:00z": true,
}

// NormalizeDate returns the date as YYYY-MM-DD. Accepted inputs: 20060102, 2006-01-02 (with
// or without a time, which is ignored), 2006/01/02, 2006.01.02, 02/01/2006 and 02-01-2006 read
// in order (DMY when order is ""), 02.01.2006 (always day first), and English month names
// ("2 Jan 2006", "January 2, 2006", "02-Jan-2006"). Two-digit years are rejected as ambiguous,
// as are impossible dates (31/02/2020) and years outside 1000-9999. The error is an *Error with
// reason invalid_date, or placeholder_date for 0000-00-00 and "n/a".
func NormalizeDate(raw string, order DateOrder) (string, error) {
	s := strings.ToLower(cleanText(raw))
	if s == "" {
		return "", nil
	}
	if isNullMarker(s) || zeroDates[s] {
		return "", newError("date", ReasonPlaceholderDate, raw, "is a placeholder for no date")
	}
	if order == "" {
		order = DMY
	}
	y, m, d, msg := parseDateParts(s, order)
	if msg != "" {
		return "", newError("date", ReasonInvalidDate, raw, msg)
	}
	if msg := checkDate(y, m, d); msg != "" {
		return "", newError("date", ReasonInvalidDate, raw, msg+readAs(s, order))
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d), nil
}

// readAs explains how an ambiguous numeric date was read, for error messages.
func readAs(s string, order DateOrder) string {
	if partsDateRE.MatchString(s) && !strings.Contains(s, ".") {
		return " (read as " + string(order) + ")"
	}
	return ""
}

// parseDateParts returns year, month and day, or a message saying why s is not a date.
func parseDateParts(s string, order DateOrder) (y, m, d int, msg string) {
	if len(s) > 40 {
		return 0, 0, 0, "is too long to be a date"
	}
	if g := isoDateRE.FindStringSubmatch(s); g != nil {
		return atoi(g[1]), atoi(g[2]), atoi(g[3]), ""
	}
	if g := compactDateRE.FindStringSubmatch(s); g != nil {
		return atoi(g[1]), atoi(g[2]), atoi(g[3]), ""
	}
	if g := ymdDateRE.FindStringSubmatch(s); g != nil && g[2] == g[4] {
		return atoi(g[1]), atoi(g[3]), atoi(g[5]), ""
	}
	if g := partsDateRE.FindStringSubmatch(s); g != nil && g[2] == g[4] {
		if len(g[5]) == 2 {
			return 0, 0, 0, "has a two-digit year, which is ambiguous"
		}
		a, b := atoi(g[1]), atoi(g[3])
		if g[2] == "." || order != MDY {
			return atoi(g[5]), b, a, ""
		}
		return atoi(g[5]), a, b, ""
	}
	if g := wordDateRE.FindStringSubmatch(s); g != nil {
		return parseWordDate(g[1:4])
	}
	return 0, 0, 0, "is not in a known date format"
}

// parseWordDate reads three tokens where one is an English month name.
func parseWordDate(tok []string) (y, m, d int, msg string) {
	mi := -1
	for i, t := range tok {
		if n, ok := monthNames[t]; ok {
			if mi >= 0 {
				return 0, 0, 0, "is not in a known date format"
			}
			mi, m = i, n
		}
	}
	if mi < 0 {
		return 0, 0, 0, "is not in a known date format"
	}
	var nums []string
	for i, t := range tok {
		if i == mi {
			continue
		}
		if g := ordinalRE.FindStringSubmatch(t); g != nil {
			t = g[1]
		}
		if !isDigits(t) {
			return 0, 0, 0, "is not in a known date format"
		}
		nums = append(nums, t)
	}
	switch {
	case len(nums[0]) == 4 && len(nums[1]) <= 2 && mi == 1: // 2006 Jan 02
		return atoi(nums[0]), m, atoi(nums[1]), ""
	case len(nums[1]) == 4 && len(nums[0]) <= 2 && mi != 2: // 2 Jan 2006, Jan 2 2006
		return atoi(nums[1]), m, atoi(nums[0]), ""
	case len(nums[1]) == 2 && len(nums[0]) <= 2 && mi != 2:
		return 0, 0, 0, "has a two-digit year, which is ambiguous"
	}
	return 0, 0, 0, "is not in a known date format"
}

// checkDate rejects impossible calendar dates.
func checkDate(y, m, d int) string {
	switch {
	case y < 1000 || y > 9999:
		return fmt.Sprintf("year %d is out of range", y)
	case m < 1 || m > 12:
		return fmt.Sprintf("month %d does not exist", m)
	case d < 1 || d > daysIn(y, time.Month(m)):
		return fmt.Sprintf("day %d does not exist in %s %d", d, time.Month(m), y)
	}
	return ""
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// atoi converts a string of at most a few ASCII digits; the regexps guarantee the shape.
func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}
