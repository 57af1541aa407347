package analyzer

import "testing"

// TestDeployFileVersions: docker stack deploy reads a missing version as
// 3.13 and needs every file at the same version.
func TestDeployFileVersions(t *testing.T) {
	a := loadFiles(t, nil,
		[2]string{"base.yml", deployBase},
		[2]string{"prod.yml", "services:\n  api:\n    deploy:\n      replicas: 2\n"})
	fvs := a.Model.Stacks["ledger"].FileVersions
	if len(fvs) != 2 || fvs[0].Effective != "3.8" || fvs[1].Version != "" || fvs[1].Effective != "3.13" || !fvs[1].Supported {
		t.Fatalf("file versions = %+v", fvs)
	}
	if fvs[1].Ref.File == "" || fvs[1].Ref.Path[0] != "version" {
		t.Fatalf("ref = %+v", fvs[1].Ref)
	}
}
