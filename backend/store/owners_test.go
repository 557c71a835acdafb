package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"transferlab/backend/experiment"
)

func TestViewersSeeTheirOwnSharedAndBuiltinRowsOnly(t *testing.T) {
	db := openTemp(t)
	bg := context.Background()
	now := time.Now().UTC()
	ada, bob := &User{Name: "ada", PasswordHash: "x", Admin: true}, &User{Name: "bob", PasswordHash: "x"}
	for _, u := range []*User{ada, bob} {
		if err := db.CreateUser(bg, u); err != nil {
			t.Fatal(err)
		}
	}
	asAda := WithViewer(bg, Viewer{UserID: ada.ID})
	asBob := WithViewer(bg, Viewer{UserID: bob.ID})
	// Made by the server itself (no viewer): a built-in and a zoo model, and a row
	// from before accounts.
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.CreateDataset(bg, &Dataset{ID: "ds_builtin", Name: "b", Source: SourceBuiltin, CreatedAt: now, UpdatedAt: now}))
	must(db.CreateDataset(bg, &Dataset{ID: "ds_old", Name: "old", Source: SourceUpload, CreatedAt: now, UpdatedAt: now}))
	must(db.CreateModel(bg, &Model{ID: "zoo1", Name: "z", Arch: "cnn", Source: "zoo", Path: "zoo:z", CreatedAt: now, UpdatedAt: now}))
	must(db.CreateDataset(asAda, &Dataset{ID: "ds_ada", Name: "a", Source: SourceUpload, CreatedAt: now, UpdatedAt: now}))
	e := &Experiment{ID: "exp_ada", Name: "e", DatasetID: "ds_ada", Hyper: "{}", Summary: "{}", CreatedAt: now, UpdatedAt: now,
		Runs: []Run{{ID: "run_ada", Strategy: "scratch", Hyper: "{}", Status: experiment.Running, CreatedAt: now, UpdatedAt: now}}}
	must(db.CreateExperiment(asAda, e, nil))
	if e.OwnerID != ada.ID {
		t.Fatalf("experiment owner %q, want ada", e.OwnerID)
	}
	// The training job finishes with no viewer; the model is the experiment owner's.
	runID := "run_ada"
	if _, err := db.FinishArm(bg, FinishedArm{RunID: runID, Evaluation: "{}",
		Model: Model{ID: "model_ada", Name: "m", Arch: "cnn", Source: SourceRun, Path: "p", RunID: &runID, CreatedAt: now, UpdatedAt: now}}); err != nil {
		t.Fatal(err)
	}

	listed := func(ctx context.Context) []string {
		var out []string
		ds, err := db.Datasets(ctx)
		must(err)
		for _, d := range ds {
			out = append(out, d.ID)
		}
		ms, err := db.Models(ctx)
		must(err)
		for _, m := range ms {
			out = append(out, m.ID)
		}
		es, err := db.Experiments(ctx, 10)
		must(err)
		for _, e := range es {
			out = append(out, e.ID)
		}
		slices.Sort(out)
		return out
	}
	if got := listed(asBob); !slices.Equal(got, []string{"ds_builtin", "zoo1"}) {
		t.Errorf("bob sees %v", got)
	}
	if got := listed(asAda); !slices.Equal(got, []string{"ds_ada", "ds_builtin", "exp_ada", "model_ada", "zoo1"}) {
		t.Errorf("ada sees %v", got)
	}
	if got := listed(bg); len(got) != 6 {
		t.Errorf("the server itself sees %v", got)
	}
	for _, get := range []func(ctx context.Context) error{
		func(ctx context.Context) error { _, err := db.Dataset(ctx, "ds_ada"); return err },
		func(ctx context.Context) error { _, err := db.Experiment(ctx, "exp_ada"); return err },
		func(ctx context.Context) error { _, err := db.Run(ctx, "run_ada"); return err },
		func(ctx context.Context) error { _, err := db.RunsByID(ctx, []string{"run_ada"}); return err },
		func(ctx context.Context) error { _, err := db.Model(ctx, "model_ada"); return err },
		func(ctx context.Context) error { _, err := db.Access(ctx, KindRun, "run_ada"); return err },
	} {
		if err := get(asBob); !errors.Is(err, ErrNotFound) {
			t.Errorf("bob reads ada's row: %v", err)
		}
		if err := get(asAda); err != nil {
			t.Errorf("ada reads her row: %v", err)
		}
	}
	if err := db.SetShared(asBob, KindExperiment, "exp_ada", true); !errors.Is(err, ErrNotFound) {
		t.Errorf("bob shares ada's private experiment: %v", err)
	}
	must(db.SetShared(asAda, KindExperiment, "exp_ada", true))
	if owned, err := db.Access(asBob, KindRun, "run_ada"); err != nil || owned {
		t.Errorf("bob on a run of a shared experiment: owned %v, %v", owned, err)
	}
	if err := db.SetShared(asBob, KindExperiment, "exp_ada", false); !errors.Is(err, ErrNotOwner) {
		t.Errorf("bob unshares ada's experiment: %v", err)
	}
	if owned, err := db.Access(asBob, KindDataset, "ds_builtin"); err != nil || owned {
		t.Errorf("bob on a built-in: owned %v, %v", owned, err)
	}

	// The first admin adopts what was made before accounts; built-ins stay everyone's.
	n, err := db.AdoptUnowned(bg, ada.ID)
	if err != nil || n != 1 {
		t.Fatalf("adopted %d rows: %v", n, err)
	}
	if got := listed(asBob); !slices.Equal(got, []string{"ds_builtin", "exp_ada", "zoo1"}) {
		t.Errorf("after adoption and sharing, bob sees %v", got)
	}
}

func TestSessionsExpireAndTokensAreFoundByHashOnly(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	u := &User{Name: " Ada ", PasswordHash: "x"}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateUser(ctx, &User{Name: "ADA", PasswordHash: "y"}); !errors.Is(err, ErrNameTaken) {
		t.Fatalf("a second ada: %v", err)
	}
	now := time.Now().UTC()
	if err := db.CreateSession(ctx, &Session{TokenHash: "h1", UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if got, err := db.SessionUser(ctx, "h1", now); err != nil || got.Name != "ada" {
		t.Fatalf("session user %v %v", got, err)
	}
	if _, err := db.SessionUser(ctx, "h1", now.Add(2*time.Hour)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("an expired session signed in: %v", err)
	}
	if err := db.SetPassword(ctx, u.ID, "z"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SessionUser(ctx, "h1", now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a session outlived a new password: %v", err)
	}
	tok := &APIToken{ID: "tok_1", UserID: u.ID, Name: "ci", TokenHash: "th", CreatedAt: now}
	if err := db.CreateAPIToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if got, err := db.TokenUser(ctx, "th", now); err != nil || got.ID != u.ID {
		t.Fatalf("token user %v %v", got, err)
	}
	ts, err := db.APITokens(ctx, u.ID)
	if err != nil || len(ts) != 1 || ts[0].LastUsedAt == nil {
		t.Fatalf("tokens %+v %v", ts, err)
	}
	if err := db.RevokeAPIToken(ctx, "usr_other", "tok_1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another account revoked the token: %v", err)
	}
	if err := db.RevokeAPIToken(ctx, u.ID, "tok_1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TokenUser(ctx, "th", now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a revoked token: %v", err)
	}
}
