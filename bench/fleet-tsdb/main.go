// fleet-tsdb writes a Prometheus TSDB block from series specifications on stdin (JSON lines from
// bench/fleet-data.ts): each line is one series with its labels and how its value evolves.
// It exists because promtool's OpenMetrics backfill ingests ~150k samples/s on this machine,
// which makes a 1,000-server fleet take ten minutes; appending directly takes seconds.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"os"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"
)

type spec struct {
	Labels map[string]string `json:"l"`
	// Kind: lin = round(a*i), linf = a*i, const = a, wave = a*(1+0.05*sin(i/7)); i = sample index.
	Kind string  `json:"k"`
	A    float64 `json:"a"`
}

func value(s *spec, i int) float64 {
	switch s.Kind {
	case "lin":
		return math.Round(s.A * float64(i))
	case "linf":
		return s.A * float64(i)
	case "wave":
		return s.A * (1 + 0.05*math.Sin(float64(i)/7))
	default:
		return s.A
	}
}

func main() {
	out := flag.String("out", "", "TSDB directory to write the block into")
	start := flag.Int64("start", 0, "first sample, unix seconds")
	end := flag.Int64("end", 0, "last sample, unix seconds")
	interval := flag.Int64("interval", 30, "seconds between samples")
	flag.Parse()
	if *out == "" || *start <= 0 || *end <= *start || *interval <= 0 {
		fmt.Fprintln(os.Stderr, "usage: fleet-tsdb -out DIR -start UNIX -end UNIX [-interval S] < series.jsonl")
		os.Exit(2)
	}
	// The head accepts samples no older than half its chunk range behind the newest one; series
	// are appended one after another over the whole range, so the range must fit in half.
	blockMs := 2 * ((*end-*start)/3600 + 1) * 3600 * 1000
	w, err := tsdb.NewBlockWriter(slog.New(slog.NewTextHandler(os.Stderr, nil)), *out, blockMs)
	check(err)
	ctx := context.Background()
	app := w.Appender(ctx)
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	steps := int((*end-*start) / *interval) + 1
	series, samples := 0, 0
	for in.Scan() {
		var s spec
		check(json.Unmarshal(in.Bytes(), &s))
		lbls := labels.FromMap(s.Labels)
		var ref = storageRef(0)
		for i := 0; i < steps; i++ {
			ref, err = app.Append(ref, lbls, (*start+int64(i)*(*interval))*1000, value(&s, i))
			check(err)
		}
		series++
		samples += steps
		if series%5000 == 0 {
			check(app.Commit())
			app = w.Appender(ctx)
		}
	}
	check(in.Err())
	check(app.Commit())
	id, err := w.Flush(ctx)
	check(err)
	check(w.Close())
	fmt.Printf("{\"block\":%q,\"series\":%d,\"samples\":%d}\n", id.String(), series, samples)
}

type storageRef = storage.SeriesRef

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "fleet-tsdb:", err)
		os.Exit(1)
	}
}
