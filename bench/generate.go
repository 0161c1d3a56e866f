// Package bench generates customer files for the scale benchmark (`starter bench`): N rows of
// realistic people as a CSV source, about a tenth of them a second record of someone already in
// the file with a typo or a changed field, and edited copies with a given fraction of rows changed.
package bench

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"
)

// Header is the file's columns, in order.
var Header = []string{"id", "first_name", "last_name", "email", "phone", "birth_date", "street", "city", "postcode", "country"}

// Mapping is the csv connector's column mapping for the generated file.
const Mapping = `# column mapping for the benchmark's generated customers
id: id
fields:
  first_name: first_name
  last_name: last_name
  email: email
  phone: phone
  birth_date: birth_date
  address.line1: street
  address.city: city
  address.postcode: postcode
  address.country: country
`

// DuplicateShare is the share of rows that are another record of a person already in the file.
const DuplicateShare = 0.1

// Generate writes n customer rows (and the header) to w, the same for the same seed.
func Generate(w io.Writer, n int, seed uint64) error {
	f := gofakeit.NewFaker(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15), false)
	rng := rand.New(rand.NewPCG(seed, 11))
	bw := bufio.NewWriterSize(w, 1<<20)
	cw := csv.NewWriter(bw)
	if err := cw.Write(Header); err != nil {
		return fmt.Errorf("bench: write header: %w", err)
	}
	from, to := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2006, 1, 1, 0, 0, 0, 0, time.UTC)
	var recent [][]string // people a duplicate may copy
	for i := 1; i <= n; i++ {
		var row []string
		if len(recent) > 0 && rng.Float64() < DuplicateShare {
			row = slicesClone(recent[rng.IntN(len(recent))])
			perturb(rng, row)
		} else {
			first, last := f.FirstName(), f.LastName()
			row = []string{"", first, last,
				strings.ToLower(first+"."+last) + strconv.Itoa(rng.IntN(10000)) + "@" + f.DomainName(),
				fmt.Sprintf("+1 %03d %03d %04d", 201+rng.IntN(700), 200+rng.IntN(700), rng.IntN(10000)),
				f.DateRange(from, to).Format("2006-01-02"),
				f.Street(), f.City(), f.Zip(), "US"}
			if len(recent) < 4096 {
				recent = append(recent, row)
			} else {
				recent[rng.IntN(len(recent))] = row
			}
		}
		row[0] = "c" + strconv.Itoa(i)
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("bench: write row %d: %w", i, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("bench: write: %w", err)
	}
	return bw.Flush()
}

// GenerateFile writes Generate's rows to path (0600) and the mapping beside it.
func GenerateFile(path, mappingPath string, n int, seed uint64) error {
	if err := os.WriteFile(mappingPath, []byte(Mapping), 0o600); err != nil {
		return fmt.Errorf("bench: write mapping: %w", err)
	}
	out, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("bench: create %s: %w", path, err)
	}
	if err := Generate(out, n, seed); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Edit copies the CSV at src to dst (replaced atomically) with a fraction of its data rows edited:
// each chosen row gets a new street and city (a move), the rest stay byte-identical. It returns how
// many rows it edited.
func Edit(src, dst string, fraction float64, seed uint64) (int, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, fmt.Errorf("bench: open %s: %w", src, err)
	}
	defer in.Close()
	tmp := dst + ".tmp"
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, fmt.Errorf("bench: create %s: %w", tmp, err)
	}
	defer os.Remove(tmp)
	f := gofakeit.NewFaker(rand.NewPCG(seed, 3), false)
	rng := rand.New(rand.NewPCG(seed, 5))
	cr := csv.NewReader(bufio.NewReaderSize(in, 1<<20))
	cr.ReuseRecord = true
	bw := bufio.NewWriterSize(out, 1<<20)
	cw := csv.NewWriter(bw)
	edited := 0
	for line := 0; ; line++ {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			out.Close()
			return 0, fmt.Errorf("bench: read %s: %w", src, err)
		}
		if line > 0 && rng.Float64() < fraction {
			row[6], row[7] = f.Street(), f.City()
			edited++
		}
		if err := cw.Write(row); err != nil {
			out.Close()
			return 0, fmt.Errorf("bench: write %s: %w", tmp, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		out.Close()
		return 0, fmt.Errorf("bench: write %s: %w", tmp, err)
	}
	if err := bw.Flush(); err != nil {
		out.Close()
		return 0, err
	}
	if err := out.Close(); err != nil {
		return 0, err
	}
	return edited, os.Rename(tmp, dst)
}

// perturb makes row another source's view of the person: one typo, a missing field or a move.
func perturb(rng *rand.Rand, row []string) {
	switch rng.IntN(4) {
	case 0:
		row[1] = typo(rng, row[1])
	case 1:
		row[2] = typo(rng, row[2])
	case 2:
		row[4] = "" // no phone
	default:
		row[6] = typo(rng, row[6])
	}
}

func typo(rng *rand.Rand, s string) string {
	if len(s) < 3 {
		return s
	}
	i := 1 + rng.IntN(len(s)-2)
	b := []byte(s)
	b[i], b[i+1] = b[i+1], b[i]
	return string(b)
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }
