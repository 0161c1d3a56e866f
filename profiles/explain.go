// explain.go holds Explain: a stored profile's evidence, read by key.
package profiles

import (
	"context"
	"errors"
	"fmt"

	"github.com/cdpflow/cdpflow/identity"
	"github.com/cdpflow/cdpflow/store"
)

// Explain rebuilds a profile's explanation from the store: its golden record and lineage, the
// evidence of each member's link, and the earlier profiles merged into it.
func Explain(ctx context.Context, st Store, id string) (identity.Explanation, error) {
	row, err := st.GetProfile(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return identity.Explanation{}, fmt.Errorf("no profile %s: %w", id, err)
	}
	if err != nil {
		return identity.Explanation{}, err
	}
	var model identity.Model
	if err := getMeta(ctx, st, metaModel, &model); err != nil {
		return identity.Explanation{}, err
	}
	rows, err := st.ProfileLinks(ctx, id)
	if err != nil {
		return identity.Explanation{}, err
	}
	p, err := decodeProfile(row, rows)
	if err != nil {
		return identity.Explanation{}, err
	}
	links := make([]identity.Link, 0, len(rows))
	for _, r := range rows {
		l, err := decodeLink(r)
		if err != nil {
			return identity.Explanation{}, err
		}
		links = append(links, l)
	}
	stored, err := st.Merges(ctx, id)
	if err != nil {
		return identity.Explanation{}, err
	}
	var merges []identity.Merge
	for _, m := range stored {
		if im := decodeMerge(m); im.Into == id {
			merges = append(merges, im)
		}
	}
	return identity.ExplainProfile(model, p, links, merges), nil
}
