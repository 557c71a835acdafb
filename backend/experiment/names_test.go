package experiment

import "testing"

func TestDefaultNameSaysStrategiesAndModel(t *testing.T) {
	arms := func(ss ...string) []Strategy {
		out := make([]Strategy, len(ss))
		for i, s := range ss {
			st, err := ParseStrategy(s)
			if err != nil {
				t.Fatal(err)
			}
			out[i] = st
		}
		return out
	}
	cases := []struct {
		arms []Strategy
		want string
	}{
		{arms("finetune", "scratch"), "digits: fine-tune vs scratch · from CNN 0-4"},
		{arms("finetune", "freeze:1", "freeze:3", "linear-probe", "scratch"), "digits: fine-tune, freeze 1, freeze 3, linear probe vs scratch · from CNN 0-4"},
		{arms("freeze:2"), "digits: freeze 2 · from CNN 0-4"},
		{arms("scratch", "scratch"), "digits: cnn from scratch"},
	}
	if got := DefaultName("digits", "shapes: fine-tune, finetune (run_0a1b2c3d4e5f6789)", "cnn", arms("finetune")); got != "digits: fine-tune · from shapes: fine-tune, finetune" {
		t.Errorf("a trained model's run id stays out of the name: %q", got)
	}
	for _, c := range cases {
		if got := DefaultName("digits", "CNN 0-4", "cnn", c.arms); got != c.want {
			t.Errorf("%v: got %q, want %q", c.arms, got, c.want)
		}
	}
}
