// Package identity resolves customer records into profiles: one profile per person, built
// from the records every source holds about them. It is a pure library (no I/O, no Temporal);
// package profiles persists its State and Result and runs the offline `starter resolve` path.
//
// # Pipeline
//
//  1. Intern. The fields the configuration uses are normalized lightly (trim, lowercase,
//     collapse spaces, dates to YYYY-MM-DD, emails to their matching key: one Gmail mailbox
//     whatever its dots and +tags) and interned into per-field dictionaries; records become
//     rows of integer value ids.
//  2. Deterministic links. Records sharing a non-empty value of a strong identifier
//     (identity.exact: email, phone by default) are linked whatever else they say.
//  3. Blocking. Only records sharing a blocking key are compared. Keys are the value of a
//     field under a transform: Soundex for names, a day/month-order-insensitive key for dates,
//     the value itself otherwise. By default the rules are derived from identity.compare and
//     the data: single fields and pairs of fields are costed on a sample, those producing a
//     few pairs per record are kept, and rules are picked greedily so that a true match stays
//     findable when any one, two or three of its fields disagree. Blocks larger than
//     max_block_size are skipped (other rules cover their records). Work grows near-linearly
//     with the number of records. identity.blocking replaces the derived rules. A rule keyed
//     on both names with the same transform matches them in either order.
//  4. Comparison. Every candidate pair is compared field by field into comparison levels:
//     null (a side is empty), else, fuzzy levels, exact. Names and free text use Jaro-Winkler
//     (≥ 0.92, ≥ 0.80); names also recognise a word subset ("ann" / "mary ann", "cruz" / "de
//     la cruz"), nicknames ("bill" / "william", nicknames.go) and initials ("j" / "john"),
//     each level with its own estimated weight; dates detect transposed day and month and one-character edits; codes
//     (postcodes, numeric attributes) allow one or two edits; categories are exact or not.
//     The address fields are not independent (the same street nearly implies the same city
//     and postcode), so they form one composite comparison whose level is the most specific
//     agreeing part: a shared address counts once and a move counts as one disagreement.
//     Swapped fields (swap.go): a pair whose names agree better crosswise ("lucy
//     fitzpatrick" / "fitzpatrick lucy", Jaro-Winkler ≥ 0.92 both ways) is read crosswise,
//     and the name_order comparison records the swapped reading with its own estimated
//     weight: m from EM; u from how often a first name equals a random last name compared
//     with a random first name (value frequencies), capped so that a swapped reading never
//     weighs more than one in order. Address lines that agree exactly crosswise (line 1 /
//     line 2) count as the same line.
//  5. Model. Fellegi-Sunter: each level has m = P(level | match) and u = P(level | non-match);
//     its weight is log2(m/u) bits, and a pair's match weight is the prior's log-odds plus its
//     levels' weights. u comes from the data: exact-match u from the value frequencies, the
//     other levels from all pairs of a random sample of records. m and the prior λ come from
//     expectation-maximisation over the candidate pairs, one session per blocking rule with
//     the comparisons the rule blocks on left out (they agree by construction there). Sessions
//     blocked only on fields a household shares (address, last name) mix in the people of one
//     household and are used only for what no other session estimates. λ is the estimated
//     number of matches over all pairs: each session's matches divided by its rule's recall,
//     itself estimated from how often matches agree on the rule's keys in the other sessions.
//     No labels, no user weights.
//  6. Term frequencies. An exact match on a name, text or code value is adjusted by how
//     common the value is: "smith" counts less than "efthimiou" (bounded to ±8 bits).
//  7. Linking and clustering. Pairs whose match probability reaches identity.threshold become
//     links. The threshold is auto by default (threshold.go, curve.go): each full run sums the
//     candidate pairs' match probabilities into the model's own precision/recall estimate per
//     threshold and takes the best estimated F1 at estimated precision ≥
//     identity.target_precision (0.998), between 0.8 and 0.99. Links are merged strongest first (links kept from earlier runs, then deterministic
//     links, then matches by weight), union-find style; a merge that would break
//     identity.limits (more distinct emails or phones or records than allowed, two values of
//     a unique field), a second record of a one-to-one source (identity.link.one_to_one) or an
//     unmerge decision is refused, so a cluster that would break a limit is split at its
//     weakest links. Between two one-to-one sources strongest-first merging is a best-match
//     assignment, so such pairs need only identity.link.threshold (default 0.5). The accepted
//     links form a spanning tree per profile: each record's Link carries the evidence (rule,
//     the other record, per-field level and weight, match weight and probability) that
//     attached it.
//  8. Stable ids. A new profile's id is "p_" and a hash of its smallest member record key, so
//     the same data gives the same ids. A cluster holding records of an earlier profile keeps
//     its id (the cluster with most of its members wins); when earlier profiles merge, the one
//     with most members survives and the others are recorded in Result.Merges.
//  9. Golden records. Each field takes the value of one member, by rule (most recent, most
//     trusted source, most complete, most frequent; the address survives as a whole); the
//     lineage tells which record gave each field.
//
// # Runs
//
// Resolve resolves everything and estimates the model afresh. ResolveIncremental keeps the
// unchanged records in their earlier profiles and compares only pairs with a new or changed
// record, through the same blocking rules, reusing the earlier model. Unmerge decides a Split
// that the State keeps so that later runs keep a wrongly merged record apart; BuildProfile
// builds a golden record the way resolution does. Explain renders the evidence behind a profile.
// Consent survives by its own rule (consent.go): an opt-out in any member record wins.
package identity
