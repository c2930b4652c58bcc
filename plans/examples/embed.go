// Package examples holds the example plans shipped inside the gonogo
// binary: the ChromaDB → pgvector migration that started the project, with
// its rollback flaw (step 23 restores a file that was never committed) left
// in for gonogo to find, and the same story as a sandbox plan for `gonogo
// demo`, whose probes need nothing but the sandbox folder and git.
package examples

import _ "embed"

// MigrationPlanFile is the example plan's file name, for messages and for
// writing it out next to a demo repository.
const MigrationPlanFile = "migrate-chromadb-to-pgvector.md"

// MigrationPlan is the text of the example plan.
//
//go:embed migrate-chromadb-to-pgvector.md
var MigrationPlan []byte

// DemoPlanFile is the demo's plan file name.
const DemoPlanFile = "demo-sandbox.md"

// DemoPlan is the plan `gonogo demo` puts in its sandbox: the migration's
// story with a script for the services and a folder for the data, so that
// following the demo's instructions turns the verdict GO on any machine
// (no sudo, systemd or database needed).
//
//go:embed demo-sandbox.md
var DemoPlan []byte
