package main

// What a program folder depends on, read from its node_modules as Pulumi's host reads it (see ../packages.ts): a
// package whose package.json has `"pulumi": { "resource": true }` brings a resource plugin (name from
// `pulumi.name`, else the package name without `@pulumi/`; version `v` + version).

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type packageJSON struct {
	Name            string            `json:"name"`
	Version         string            `json:"version"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	Pulumi          *struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

type pluginDep struct{ name, kind, version, server string }

func readPackageJSON(file string) *packageJSON {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var p packageJSON
	if json.Unmarshal(b, &p) != nil {
		return nil
	}
	return &p
}

// pluginOf is the plugin a package.json announces, if any.
func pluginOf(p *packageJSON) *pluginDep {
	if p.Pulumi == nil || !p.Pulumi.Resource {
		return nil
	}
	name := p.Pulumi.Name
	if name == "" {
		name = p.Name
		if strings.HasPrefix(name, "@pulumi/") {
			name = strings.TrimPrefix(name, "@pulumi/")
		} else {
			name = strings.TrimPrefix(name, "@")
		}
	}
	if name == "" {
		return nil
	}
	version := p.Pulumi.Version
	if version == "" {
		version = p.Version
	}
	if version == "" {
		return nil
	}
	if !strings.HasPrefix(version, "v") {
		version = "v" + version
	}
	return &pluginDep{name: name, kind: "resource", version: version, server: p.Pulumi.Server}
}

// requiredPlugins is every plugin announced under dir/node_modules, nested node_modules included, each once, in the
// order first found.
func requiredPlugins(dir string) []pluginDep {
	seen := map[string]bool{}
	found := map[string]bool{}
	var out []pluginDep
	var walkModules func(string)
	visit := func(p string) {
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			return
		}
		if st, err := os.Stat(real); err != nil || !st.IsDir() || seen[real] {
			return
		}
		seen[real] = true
		if pkg := readPackageJSON(filepath.Join(real, "package.json")); pkg != nil {
			if d := pluginOf(pkg); d != nil && !found[d.name+"@"+d.version] {
				found[d.name+"@"+d.version] = true
				out = append(out, *d)
			}
		}
		walkModules(filepath.Join(real, "node_modules"))
	}
	walkModules = func(modules string) {
		entries, err := os.ReadDir(modules)
		if err != nil {
			return
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				continue
			}
			p := filepath.Join(modules, e.Name())
			if !strings.HasPrefix(e.Name(), "@") {
				visit(p)
				continue
			}
			scoped, err := os.ReadDir(p)
			if err != nil {
				continue
			}
			for _, s := range scoped {
				visit(filepath.Join(p, s.Name()))
			}
		}
	}
	walkModules(filepath.Join(dir, "node_modules"))
	return out
}

type dependency struct{ name, version string }

// programDependencies is the program's direct dependencies with the versions installed.
func programDependencies(dir string) []dependency {
	pkg := readPackageJSON(filepath.Join(dir, "package.json"))
	if pkg == nil {
		return nil
	}
	declared := map[string]string{}
	var names []string
	for _, deps := range []map[string]string{pkg.Dependencies, pkg.DevDependencies} {
		for n, r := range deps {
			if _, ok := declared[n]; !ok {
				declared[n] = r
			}
			names = append(names, n)
		}
	}
	sort.Strings(names)
	out := make([]dependency, 0, len(names))
	for _, n := range names {
		version := declared[n]
		if installed := readPackageJSON(filepath.Join(dir, "node_modules", n, "package.json")); installed != nil && installed.Version != "" {
			version = installed.Version
		}
		out = append(out, dependency{name: n, version: version})
	}
	return out
}
