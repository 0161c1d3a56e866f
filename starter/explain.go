// This file holds `starter explain`: why the records of a profile were merged.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/cdpflow/cdpflow/activities"
	"github.com/cdpflow/cdpflow/engine"
	"github.com/cdpflow/cdpflow/identity"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

func init() {
	register("explain", command{
		summary: "show why a profile's records were merged (evidence per link and field)",
		usage: `Usage: starter explain <profile-id> [--json]

Shows a profile's golden record with the source of each field, every member record with the rule
that linked it (exact:email, match, prior, anchor), the compared fields with their comparison level,
m and u probabilities and weight, and the earlier profiles merged into it.

Examples:
  starter explain p_3f9a1c2b7d
  starter explain p_3f9a1c2b7d --json | jq '.links[] | {record, rule, probability}'`,
		run: runExplain,
	})
}

func runExplain(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("explain", &c)
	asJSON := fs.Bool("json", false, "print the explanation as JSON")
	if err := parse(fs, "explain", args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("name exactly one profile id (see starter explain --help)")
	}
	cfg, _, err := c.load(false)
	if err != nil {
		return err
	}
	st, err := engine.OpenStore(ctx, cfg.Store)
	if err != nil {
		return err
	}
	defer st.Close()
	ex, err := explainProfile(ctx, st, fs.Arg(0))
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(os.Stdout).Encode(ex)
	}
	fmt.Print(ex.Text())
	return nil
}

// explainProfile rebuilds a profile's explanation from the store.
func explainProfile(ctx context.Context, st store.Store, id string) (identity.Explanation, error) {
	p, err := st.GetProfile(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return identity.Explanation{}, usageError("no profile %s (profiles are listed by `starter export deliveries` and in segment members)", id)
	}
	if err != nil {
		return identity.Explanation{}, err
	}
	state, err := activities.LoadIdentityState(ctx, st)
	if err != nil {
		return identity.Explanation{}, err
	}
	var model identity.Model
	if state.Model != nil {
		model = *state.Model
	}
	links, err := st.ProfileLinks(ctx, id)
	if err != nil {
		return identity.Explanation{}, err
	}
	ip := identity.Profile{ID: p.ID, Golden: p.Golden}
	if len(p.Lineage) > 0 {
		if err := json.Unmarshal(p.Lineage, &ip.Lineage); err != nil {
			return identity.Explanation{}, fmt.Errorf("decode lineage of %s: %w", id, err)
		}
	}
	var ilinks []identity.Link
	for _, l := range links {
		il := identity.Link{Record: l.Record, Profile: l.ProfileID}
		if len(l.Evidence) > 0 {
			_ = json.Unmarshal(l.Evidence, &il.Evidence)
		}
		ip.Members = append(ip.Members, l.Record)
		ilinks = append(ilinks, il)
	}
	merges, err := st.Merges(ctx, id)
	if err != nil {
		return identity.Explanation{}, err
	}
	var imerges []identity.Merge
	for _, m := range merges {
		var im identity.Merge
		if json.Unmarshal([]byte(m.Reason), &im) != nil {
			im = identity.Merge{From: m.From, Into: m.Into}
		}
		if im.Into == id {
			imerges = append(imerges, im)
		}
	}
	return identity.ExplainProfile(model, ip, ilinks, imerges), nil
}

// parseRecordKey reads "source/id" (ids may contain slashes).
func parseRecordKey(s string) (record.RecordKey, error) {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' && i > 0 && i < len(s)-1 {
			return record.RecordKey{Source: s[:i], ID: s[i+1:]}, nil
		}
	}
	return record.RecordKey{}, fmt.Errorf("%q is not source/id (e.g. hubspot/1042)", s)
}
