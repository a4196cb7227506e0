package jsonout

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

func TestWriteJSONNonFinite(t *testing.T) {
	type inner struct {
		Gap float64 `json:"gap"`
	}
	type out struct {
		Status  string             `json:"status"`
		Rel     float64            `json:"rel_residual"`
		Omit    float64            `json:"omit,omitempty"`
		Hist    []inner            `json:"history"`
		M       map[string]float64 `json:"m"`
		Skipped int                `json:"-"`
	}
	v := out{Status: "NumericalFailure", Rel: math.NaN(), Hist: []inner{{1}, {math.Inf(1)}}, M: map[string]float64{"b": math.Inf(-1), "a": 2}}
	var buf bytes.Buffer
	if err := Write(&buf, v, false); err != nil {
		t.Fatal(err)
	}
	want := `{"status":"NumericalFailure","rel_residual":null,"history":[{"gap":1},{"gap":null}],"m":{"a":2,"b":null},"nonfinite":{"rel_residual":"NaN","history[1].gap":"+Inf","m.b":"-Inf"}}` + "\n"
	if buf.String() != want {
		t.Errorf("got  %s\nwant %s", buf.String(), want)
	}
	// A finite value is encoded exactly as encoding/json does.
	buf.Reset()
	v.Rel, v.Hist, v.M = 0.5, nil, nil
	if err := Write(&buf, v, false); err != nil {
		t.Fatal(err)
	}
	std, _ := json.Marshal(v)
	if buf.String() != string(std)+"\n" {
		t.Errorf("got %s, encoding/json %s", buf.String(), std)
	}
	// Maps of any.
	buf.Reset()
	if err := Write(&buf, map[string]any{"x": math.NaN(), "n": 3}, true); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || back["x"] != nil || back["n"] != 3.0 {
		t.Errorf("round trip %v, %v", back, err)
	}
}
