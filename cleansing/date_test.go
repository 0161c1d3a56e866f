package cleansing

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizeDate(t *testing.T) {
	tests := []struct {
		name, in   string
		order      DateOrder
		want, reas string
	}{
		{"compact", "20060102", DMY, "2006-01-02", ""},
		{"iso", "2006-01-02", DMY, "2006-01-02", ""},
		{"iso single digits", "2006-1-2", DMY, "2006-01-02", ""},
		{"iso with time", "1985-07-04T10:30:00Z", DMY, "1985-07-04", ""},
		{"iso with lower-case t and offset", "1985-07-04t23:00:00-05:00", DMY, "1985-07-04", ""},
		{"iso with space time", "1985-07-04 00:00:00", DMY, "1985-07-04", ""},
		{"slashes DMY", "02/01/2006", DMY, "2006-01-02", ""},
		{"slashes MDY", "02/01/2006", MDY, "2006-02-01", ""},
		{"default order is DMY", "02/01/2006", "", "2006-01-02", ""},
		{"dashes DMY", "02-01-2006", DMY, "2006-01-02", ""},
		{"dots are always day first", "02.01.2006", MDY, "2006-01-02", ""},
		{"year first slashes", "2006/01/02", DMY, "2006-01-02", ""},
		{"excel style with time", "7/4/1985 0:00", MDY, "1985-07-04", ""},
		{"month name day first", "2 Jan 2006", MDY, "2006-01-02", ""},
		{"month name first", "January 2, 2006", DMY, "2006-01-02", ""},
		{"ordinal", "July 4th, 1985", DMY, "1985-07-04", ""},
		{"dashed month abbreviation", "02-JAN-2006", DMY, "2006-01-02", ""},
		{"year month day words", "2006 Jan 02", DMY, "2006-01-02", ""},
		{"leap day", "29/02/2020", DMY, "2020-02-29", ""},
		{"surrounding whitespace", "  1990-05-17\n", DMY, "1990-05-17", ""},
		{"empty", "", DMY, "", ""},
		{"31 February", "31/02/2020", DMY, "", ReasonInvalidDate},
		{"29 February of a common year", "2019-02-29", DMY, "", ReasonInvalidDate},
		{"month 13", "2020-13-01", DMY, "", ReasonInvalidDate},
		{"day first read as MDY is impossible", "31/01/2020", MDY, "", ReasonInvalidDate},
		{"two-digit year", "02/01/85", DMY, "", ReasonInvalidDate},
		{"two-digit year with month name", "Jan 2, 85", DMY, "", ReasonInvalidDate},
		{"mixed separators", "02/01-2006", DMY, "", ReasonInvalidDate},
		{"year zero", "0000-01-01", DMY, "", ReasonInvalidDate},
		{"words", "yesterday", DMY, "", ReasonInvalidDate},
		{"excel serial", "43831", DMY, "", ReasonInvalidDate},
		{"mysql zero date", "0000-00-00", DMY, "", ReasonPlaceholderDate},
		{"null marker", "N/A", DMY, "", ReasonPlaceholderDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeDate(tt.in, tt.order)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.reas, ReasonOf(err), "err: %v", err)
		})
	}
}

func TestNormalizeDateErrorSaysWhat(t *testing.T) {
	_, err := NormalizeDate("31/02/2020", DMY)
	require.Error(t, err)
	assert.Equal(t, `date "31/02/2020": day 31 does not exist in February 2020 (read as DMY)`, err.Error())
}

func FuzzNormalizeDate(f *testing.F) {
	for _, s := range []string{"20060102", "2006-01-02", "02/01/2006", "31/02/2020", "2 Jan 2006",
		"1985-07-04T10:30:00Z", "July 4th, 1985", "0000-00-00"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, in string, mdy bool) {
		order := DMY
		if mdy {
			order = MDY
		}
		once, err := NormalizeDate(in, order)
		if err != nil {
			if ReasonOf(err) == "" {
				t.Fatalf("error without reason: %v", err)
			}
			return
		}
		if once == "" {
			return
		}
		for _, o := range []DateOrder{DMY, MDY} {
			if twice, err := NormalizeDate(once, o); err != nil || twice != once {
				t.Fatalf("not idempotent (%s): %q -> %q -> %q (%v)", o, in, once, twice, err)
			}
		}
	})
}
