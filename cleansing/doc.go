// Package cleansing normalizes and validates customer and order records before identity
// resolution: it keeps the good fields of a record, drops and flags the bad ones, quarantines
// records that cannot be used, and reports data quality per source and per run.
//
// # Outcome of a record
//
// Cleanser.Customer returns a Result: the normalized record, the Issues found and whether the
// record is Quarantined. Nothing is dropped silently: every cleared field has an Issue with
// Dropped set, the reason code and the value as received; fields that are kept but deserve care
// (a role mailbox, a disposable address when disposables are allowed, a cut-off phone
// extension) have an Issue with Dropped unset.
//
// A customer is quarantined — it must not go downstream — when
//   - it has no source id (missing_id), or
//   - no valid email and no valid phone are left after dropping invalid and junk values: the
//     primary reason is all_junk when every field the record carried was dropped, and
//     no_identifier otherwise.
//
// The primary reason is always the first Issue (Result.Reason returns it); the reasons of the
// dropped fields follow. Records marked Deleted are never quarantined for lack of an
// identifier: their key is all a deletion needs. Cleanser.Order quarantines only an order
// without an id.
//
// # Normalization rules
//
// Each rule is an exported function returning (value, error); the error is an *Error whose
// Reason is the reason code (see ReasonOf) and whose message says what was wrong, e.g.
// `phone "12": too short for region US`. Every normalizer is idempotent: normalizing its own
// output returns it unchanged (fuzz-tested).
//
//   - NormalizeEmail: trim, unwrap "mailto:" and "Name <addr>", lower case, NFC, domain to
//     punycode via IDNA (bücher@例え.jp -> bücher@xn--r8jz45g.jp), trailing FQDN dot dropped,
//     dot-atom syntax checked (quoted local parts and IP-literal domains are rejected). The
//     address stays fit for sending: provider rules are applied only by EmailMatchKey
//     (gmail/googlemail: dots and +tag removed, googlemail -> gmail; outlook, hotmail, live,
//     icloud, fastmail, proton, zoho, yandex ...: +tag removed), which is for matching only.
//   - EmailJunkReason: placeholder_email (example.com and other RFC 2606 names, test@, noemail@,
//     xxx@ ...) and noreply_email (noreply@, mailer-daemon@ ...) are dropped; disposable_email
//     (domain or parent domain in data/disposable_domains.txt) is dropped when
//     Options.RejectDisposable is set and flagged otherwise; role_email (info@, sales@ ...) is
//     flagged and kept.
//   - NormalizePhone: E.164 via github.com/nyaruka/phonenumbers. National numbers are read in
//     the record's country, else in Options.DefaultRegion; a 00 international prefix is
//     accepted where the region uses another one. Numbers must be valid, not merely possible.
//     Extensions are cut off (flag phone_extension). Filler digits (0000000000, 5555555555,
//     1234567890) and the fictional NANP 555-0100..0199 range are placeholder_phone.
//   - SplitName, NormalizeName, NormalizeTitle, NormalizeSuffix: leading honorifics go to Title
//     and trailing suffixes to Suffix, both lower case without dots ("dr", "prof dr", "jr",
//     "iii", "phd"); "Smith, John" is read as last, first; a full name in the first-name field
//     with an empty last name is split at the last word or at a particle ("van", "de la",
//     "of": "Thomas of Chudleigh"). A peerage after a comma ("Thomas Clifford, 1st Baron
//     Clifford of Chudleigh") leaves the name and puts the rank in Title ("baron"); ranks are
//     never read as leading titles (Earl Thomas, Duke Ellington). Regnal numbers (VI-XVI,
//     5th-8th) are suffixes.
//     Words written all in one case are recased ("MCDONALD" -> "McDonald", "o'brien" ->
//     "O'Brien", "VAN DER BERG" -> "Van der Berg"); mixed-case words are kept as typed. Names
//     with digits, @, symbols or no letters are invalid_name; test, unknown, asdf, n/a ... are
//     placeholder_name (also as a whole: "Test User").
//   - NormalizeDate: 20060102, 2006-01-02 (a time part is ignored), 2006/01/02, 02/01/2006 and
//     02-01-2006 read in Options.DateOrder (DMY by default, or MDY; a date that is impossible in
//     the configured order is rejected, never re-read the other way), 02.01.2006 (always day
//     first) and English month names ("2 Jan 2006", "January 2nd, 2006"). Two-digit years,
//     impossible dates (31/02/2020) and years outside 1000-9999 are invalid_date; 0000-00-00 is
//     placeholder_date. Birth dates are also rejected before Options.MinBirthYear
//     (cleanse.min_birth_year, 1900: customers are alive) or in the future, and 1900-01-01 is
//     placeholder_date.
//   - NormalizeGender: m, f or x from common English, German, French, Spanish and Italian
//     spellings; "unknown", "prefer not to say", "n/a" give an empty gender without an issue.
//     Numeric codes are rejected (systems disagree on their meaning).
//   - NormalizeCountry: ISO-3166 alpha-2 from alpha-2, alpha-3, English, native and common names
//     ("Deutschland" -> DE, "U.S.A." -> US, "UK" -> GB), ignoring case, accents and punctuation
//     (data/countries.txt). "NA" is Namibia; "N/A" is a placeholder.
//   - NormalizeRegion: the ISO-3166-2 subdivision code WITHOUT the country prefix ("California",
//     "Calif.", "US-CA" -> "CA"; "Bavaria" -> "BY") for US, CA, AU, DE, GB, NL, CH, BR and MX
//     (data/subdivisions.txt). GB lists only the four nations, so other GB regions are kept as
//     typed; regions of other countries are cleaned and kept.
//   - NormalizePostcode: the country's canonical layout where its format is known
//     (data/postcodes.txt: "sw1a1aa" -> "SW1A 1AA", "941031234" -> "94103-1234", "D-10115" ->
//     "10115"); a US ZIP that lost its leading zero to a spreadsheet gets it back. Other
//     countries' postcodes are upper-cased and kept.
//   - NormalizeCurrency: ISO-4217 codes (data/currencies.txt, plus codes withdrawn since 2008 for
//     historical orders) and unambiguous symbols (€, £, US$); "$" and "¥" are rejected.
//
// An address without a country is never given one; its region and postcode are canonicalized
// with Options.DefaultRegion's rules when they fit them and kept as cleaned text otherwise.
// Address lines and cities are cleaned (whitespace, invisible characters) and dropped only when
// they are placeholders ("N/A", "-") or hold no letter or digit.
//
// # Uniqueness
//
// FindSharedIdentifiers takes the accepted customers of one source and flags (shared_email,
// shared_phone) every record whose email — compared by EmailMatchKey — or phone is also on a
// record of a different person: both named, and the names do not fit together. The flags never
// quarantine; identity resolution must not merge on a flagged identifier.
//
// # Quality report
//
// QualityBuilder counts results per source: records, accepted, quarantined, quarantined
// records by primary reason, issues of quarantined records by reason, issues of accepted
// records by reason (Flags), fields dropped from accepted records, and the fill rate of every
// field on accepted records after cleansing. Merge or MergeQuality combine per-source reports
// into a run report.
//
// # Reason codes
//
// Record level: missing_id, no_identifier, all_junk.
// Email: invalid_email, placeholder_email, noreply_email, disposable_email, role_email.
// Phone: invalid_phone, placeholder_phone, phone_extension.
// Names: invalid_name, placeholder_name, invalid_title, invalid_suffix.
// Dates, gender, address: invalid_date, placeholder_date, invalid_gender, invalid_country,
// invalid_region, invalid_postcode, placeholder_value (n/a, null, unknown, - in address and
// other fields).
// Orders: invalid_currency, missing_currency, negative_total, zero_total.
// Uniqueness: shared_email, shared_phone.
//
// Field paths in issues: source_id, id, record (record-level reasons), email, phone, title,
// first_name, last_name, suffix, birth_date, gender, address.line1, address.line2,
// address.city, address.region, address.postcode, address.country, total.amount,
// total.currency, lines[i].price.currency.
package cleansing
