// Package examples holds the example plan shipped inside the gonogo binary,
// for `gonogo demo`: the ChromaDB → pgvector migration that started the
// project, with its rollback flaw (step 23 restores a file that was never
// committed) left in for gonogo to find.
package examples

import _ "embed"

// MigrationPlanFile is the example plan's file name, for messages and for
// writing it out next to a demo repository.
const MigrationPlanFile = "migrate-chromadb-to-pgvector.md"

// MigrationPlan is the text of the example plan.
//
//go:embed migrate-chromadb-to-pgvector.md
var MigrationPlan []byte
