package repro

import (
	"encoding/json"
	"strings"
	"testing"
)

func testRun() *RunInfo {
	return &RunInfo{Seed: 1, Data: true, Experiments: []string{"dag", "lin"}, Shards: 2, Binary: "abc"}
}

func goodUnits() []MergeUnit {
	ri := testRun()
	return []MergeUnit{
		{"s0/units/dag-0000.json", &UnitResult{Experiment: "dag", Unit: 0, Units: 2, Seed: 1, Run: ri, Data: json.RawMessage(`{"fits":[{"Method":"a","SHD":3,"TPR":0.5,"FDR":0.1,"Seconds":1}]}`)}},
		{"s1/units/dag-0001.json", &UnitResult{Experiment: "dag", Unit: 1, Units: 2, Seed: 1, Run: ri, Data: json.RawMessage(`{"fits":[{"Method":"a","SHD":0,"TPR":1,"FDR":0,"Seconds":1}]}`)}},
		{"s0/units/lin-0000.json", &UnitResult{Experiment: "lin", Unit: 0, Units: 1, Seed: 1, Run: ri, Rows: []Row{{Experiment: "lin", Metric: "it", Value: 3, Paper: 3, Ratio: 1}}}},
	}
}

// TestValidateMerge corrupts a valid set of units one way at a time: every
// corruption must be refused with a message naming the unit file.
func TestValidateMerge(t *testing.T) {
	if err := ValidateMerge(goodUnits()); err != nil {
		t.Fatalf("valid units refused: %v", err)
	}
	cases := []struct {
		name   string
		mutate func(u []MergeUnit) []MergeUnit
		msg    string
	}{
		{"data presence differs", func(u []MergeUnit) []MergeUnit { r := *u[1].R.Run; r.Data = false; u[1].R.Run = &r; return u }, "s1/units/dag-0001.json (dag unit 1) is from a different run than s0/units/dag-0000.json: data directory present=true vs false"},
		{"binary differs", func(u []MergeUnit) []MergeUnit { r := *u[2].R.Run; r.Binary = "def"; u[2].R.Run = &r; return u }, "kkt binary abc vs def"},
		{"seed differs", func(u []MergeUnit) []MergeUnit { r := *u[1].R.Run; r.Seed = 2; u[1].R.Run = &r; return u }, "--seed=1 vs --seed=2"},
		{"no run identity", func(u []MergeUnit) []MergeUnit { u[0].R.Run = nil; return u }, "s0/units/dag-0000.json (dag unit 0): no run identity"},
		{"experiment missing", func(u []MergeUnit) []MergeUnit { return u[:2] }, "experiment lin is missing"},
		{"unit missing", func(u []MergeUnit) []MergeUnit { return append(u[:1], u[2]) }, "experiment dag: units [1] of 2 are missing"},
		{"negative SHD", func(u []MergeUnit) []MergeUnit {
			u[0].R.Data = json.RawMessage(`{"fits":[{"Method":"a","SHD":-5,"TPR":0.5}]}`)
			return u
		}, "s0/units/dag-0000.json (dag unit 0): data.fits[0].SHD = -5 outside [0, +Inf]"},
		{"TPR 1e308", func(u []MergeUnit) []MergeUnit {
			u[1].R.Data = json.RawMessage(`{"fits":[{"Method":"a","SHD":1,"TPR":1e308}]}`)
			return u
		}, "data.fits[0].TPR = 1e308"},
		{"null entry", func(u []MergeUnit) []MergeUnit { u[1].R.Data = json.RawMessage(`{"fits":[null]}`); return u }, "data.fits[0] is null"},
		{"null beside an array is an empty slice", func(u []MergeUnit) []MergeUnit {
			u[1].R.Data = json.RawMessage(`{"SenseOneStep":[null,[1,2]],"fits":[{"Method":"a","SHD":1,"TPR":1}]}`)
			return u
		}, "ACCEPT"},
		{"row value out of range", func(u []MergeUnit) []MergeUnit { u[2].R.Rows[0].Value = 1e308; return u }, "lin-0000.json (lin unit 0): row 0: it: value 1e+308 out of range"},
		{"unit count disagrees", func(u []MergeUnit) []MergeUnit { u[1].R.Units = 3; return u }, "has 3 units here and 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ValidateMerge(c.mutate(goodUnits()))
			if c.msg == "ACCEPT" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("err = %v, want it to contain %q", err, c.msg)
			}
		})
	}
}
