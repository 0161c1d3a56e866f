// This file holds `starter unmerge`: split a wrongly merged record out of a profile, for good.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/cdpflow/cdpflow/profiles"
)

func init() {
	register("unmerge", command{
		summary: "split a wrongly merged record out of a profile and keep it split",
		usage: `Usage: starter unmerge <profile-id> --record <source>/<id>

Takes the record out of the profile: it gets a profile of its own at once, and the decision is kept
so later runs never merge it back with the profile's other records. The next refresh recomputes
golden records and segments, and sends the destinations the removes and adds that follow.

Examples:
  starter explain p_3f9a1c2b7d                    # find the wrong member
  starter unmerge p_3f9a1c2b7d --record shop/207119551
  starter refresh --wait                          # propagate to segments and destinations`,
		run: runUnmerge,
	})
}

func runUnmerge(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("unmerge", &c)
	recFlag := fs.String("record", "", "the record to take out, as source/id (required)")
	if err := parse(fs, "unmerge", args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *recFlag == "" {
		return usageError("name one profile id and --record source/id (see starter unmerge --help)")
	}
	rec, err := parseRecordKey(*recFlag)
	if err != nil {
		return usageError("--record: %v", err)
	}
	st, cfg, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	newID, err := profiles.Unmerge(ctx, st, cfg.Identity, fs.Arg(0), rec)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stdout, "%s now has its own profile %s; later runs keep it apart from %s.\nRun `starter refresh --wait` to update segments and destinations.\n", rec, newID, fs.Arg(0))
	return nil
}
