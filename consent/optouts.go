// optouts.go holds the opt-out index: the keyed hashes of every identifier that carries an
// explicit opt-out on a channel in any clean record, so an opt-out wins even where identity keeps
// two records with the same address apart.
package consent

import (
	"context"
	"fmt"
	"slices"

	"github.com/cdpflow/cdpflow/privacy"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

// Channels are the channels the index covers.
var Channels = []record.Channel{record.ChannelEmail, record.ChannelSMS, record.ChannelAds}

// BuildOptOuts lists, per channel, the keyed hashes of the emails and phones of records with an
// explicit opt-out on it (sorted, distinct). Deleted records state nothing.
func BuildOptOuts(recs []record.Customer, h privacy.Hasher) map[record.Channel][]string {
	set := map[record.Channel]map[string]bool{}
	for _, c := range recs {
		if c.Deleted {
			continue
		}
		for _, ch := range Channels {
			if !IsOptOut(c, ch) {
				continue
			}
			if set[ch] == nil {
				set[ch] = map[string]bool{}
			}
			for _, k := range h.Keys(c.Email, c.Phone) {
				set[ch][k] = true
			}
		}
	}
	out := map[record.Channel][]string{}
	for _, ch := range Channels {
		keys := make([]string, 0, len(set[ch]))
		for k := range set[ch] {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		out[ch] = keys
	}
	return out
}

// SaveOptOuts replaces the store's index with idx.
func SaveOptOuts(ctx context.Context, st store.Consent, idx map[record.Channel][]string) error {
	for _, ch := range Channels {
		if err := st.ReplaceOptOuts(ctx, string(ch), idx[ch]); err != nil {
			return fmt.Errorf("save opt-outs: %w", err)
		}
	}
	return nil
}

// Index answers OptedOut from the store's index.
type Index struct {
	h    privacy.Hasher
	keys map[record.Channel]map[string]bool
}

// LoadOptOuts reads the index of the given channels.
func LoadOptOuts(ctx context.Context, st store.Consent, h privacy.Hasher, chans ...record.Channel) (*Index, error) {
	idx := &Index{h: h, keys: map[record.Channel]map[string]bool{}}
	for _, ch := range chans {
		keys, err := st.OptOutKeys(ctx, string(ch))
		if err != nil {
			return nil, fmt.Errorf("load opt-outs: %w", err)
		}
		idx.keys[ch] = keys
	}
	return idx, nil
}

// OptedOut reports whether the email or phone carries an explicit opt-out on ch.
func (x *Index) OptedOut(ch record.Channel, email, phone string) bool {
	keys := x.keys[ch]
	if len(keys) == 0 {
		return false
	}
	for _, k := range x.h.Keys(email, phone) {
		if keys[k] {
			return true
		}
	}
	return false
}
