package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

func TestRolesAndFields(t *testing.T) {
	c, err := Parse([]byte("roles: [comms, sre]\nfields:\n  services: list\n  region: {type: text, values: [eu, us]}\n  customers: number\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.RoleNames(), []string{"comms", "sre"}) || !c.KnownRole("sre") || c.KnownRole("ops") {
		t.Errorf("roles = %v", c.RoleNames())
	}
	if !slices.Equal(c.FieldNames(), []string{"customers", "region", "services"}) || c.Fields["region"].Values[1] != "us" || c.Fields["services"].Type != FieldList {
		t.Errorf("fields = %+v", c.Fields)
	}
	if d := Default(); !slices.Equal(d.RoleNames(), DefaultRoles) {
		t.Errorf("default roles = %v", d.RoleNames())
	}
	for src, want := range map[string]string{
		"roles: [Comms]\n":                            `roles[0]: "Comms" is not a role name`,
		"roles: [ops, ops]\n":                         `roles: "ops" is listed twice`,
		"fields:\n  severity: text\n":                 `fields: "severity" is a key incidentctl itself uses`,
		"fields:\n  x: colour\n":                      `fields: x: type "colour" is not one of text, number, bool, time, list`,
		"fields:\n  n: {type: number, values: [1]}\n": `only text and list fields take a list of allowed values`,
	} {
		if _, err := Parse([]byte(src)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want %q", src, err, want)
		}
	}
}

// reservedKeys must list every key the format knows, so that no field can take one.
func TestReservedKeys(t *testing.T) {
	for _, k := range incident.KnownKeys {
		if !slices.Contains(reservedKeys, k) {
			t.Errorf("reservedKeys lacks %q, a key of the format (incident.KnownKeys)", k)
		}
	}
}
