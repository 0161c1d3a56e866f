// diff_test.go tests membership deltas.

package segments

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name           string
		prev, next     []string
		added, removed []string
	}{
		{"both empty", nil, nil, nil, nil},
		{"first sync adds everyone", nil, []string{"a", "b"}, []string{"a", "b"}, nil},
		{"segment emptied removes everyone", []string{"a", "b"}, []string{}, nil, []string{"a", "b"}},
		{"unchanged", []string{"a", "b"}, []string{"a", "b"}, nil, nil},
		{"interleaved", []string{"a", "c", "e"}, []string{"b", "c", "d"}, []string{"b", "d"}, []string{"a", "e"}},
		{"tail changes", []string{"a", "b"}, []string{"a", "b", "c", "d"}, []string{"c", "d"}, nil},
		{"duplicates collapse", []string{"a", "a", "b"}, []string{"b", "c", "c"}, []string{"c"}, []string{"a"}},
		{"unsorted input is tolerated", []string{"c", "a"}, []string{"b", "a"}, []string{"b"}, []string{"c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prev := append([]string(nil), tt.prev...)
			next := append([]string(nil), tt.next...)
			added, removed := Diff(prev, next)
			assert.Equal(t, tt.added, added)
			assert.Equal(t, tt.removed, removed)
			assert.True(t, slices.Equal(tt.prev, prev), "prev not modified")
			assert.True(t, slices.Equal(tt.next, next), "next not modified")
		})
	}
}
