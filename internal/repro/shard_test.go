package repro

import (
	"os"
	"testing"
)

func TestParseShard(t *testing.T) {
	for _, k := range []string{"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "JOB_COMPLETION_INDEX", "KKT_SHARD_COUNT"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	if s, err := ParseShard("", 0); err != nil || s != (Shard{0, 1}) {
		t.Errorf("no shard: %v %v", s, err)
	}
	if s, err := ParseShard("2/4", 0); err != nil || s != (Shard{2, 4}) {
		t.Errorf("2/4: %v %v", s, err)
	}
	for _, bad := range []string{"4/4", "-1/3", "x/2", "3"} {
		if _, err := ParseShard(bad, 0); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "3")
	t.Setenv("SLURM_ARRAY_TASK_COUNT", "8")
	t.Setenv("SLURM_ARRAY_TASK_MIN", "1")
	if s, err := ParseShard("", 0); err != nil || s != (Shard{2, 8}) {
		t.Errorf("Slurm 1-based: %v %v", s, err)
	}
	os.Unsetenv("SLURM_ARRAY_TASK_ID")
	t.Setenv("JOB_COMPLETION_INDEX", "5")
	if _, err := ParseShard("", 0); err == nil {
		t.Error("JOB_COMPLETION_INDEX without a count accepted")
	}
	t.Setenv("KKT_SHARD_COUNT", "6")
	if s, err := ParseShard("", 0); err != nil || s != (Shard{5, 6}) {
		t.Errorf("Kubernetes: %v %v", s, err)
	}
}
