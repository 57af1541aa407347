package analyzer

import (
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
)

// Service settings beyond networking: everything a stack file's service can
// carry that a team may want a rule on (labels, placement, resources,
// restart, update and rollback, healthcheck, configs, secrets, mounts,
// logging), filled the same way from stack files, `docker service create`
// flags and `docker service inspect` output.

// Deploy is a service's deploy section (docker stack deploy), the matching
// `docker service create` flags, or the service spec of --cluster, with
// Docker's defaults where the source says nothing.
type Deploy struct {
	// Mode, Replicas and EndpointMode are the effective values, as
	// service.mode, service.replicas and service.endpoint_mode.
	Mode         string `json:"mode"`
	Replicas     int    `json:"replicas"`
	EndpointMode string `json:"endpoint_mode"`
	// Labels are the service's own labels: deploy.labels, --label, the
	// spec's Labels. (Container labels are service.labels.) docker stack
	// deploy also adds com.docker.stack.namespace, which the model of a
	// stack file leaves out; a --cluster service has it.
	Labels map[string]string `json:"labels"`
	// LabelRefs point at each label (keyed like Labels).
	LabelRefs map[string]Ref `json:"label_refs"`
	// Placement is deploy.placement (--constraint, --placement-pref).
	Placement Placement `json:"placement"`
	// Resources is deploy.resources (--limit-*, --reserve-*).
	Resources Resources `json:"resources"`
	// RestartPolicy is deploy.restart_policy (--restart-*).
	RestartPolicy RestartPolicy `json:"restart_policy"`
	// UpdateConfig is deploy.update_config (--update-*).
	UpdateConfig UpdateConfig `json:"update_config"`
	// RollbackConfig is deploy.rollback_config (--rollback-*).
	RollbackConfig UpdateConfig `json:"rollback_config"`
	Ref            Ref          `json:"ref"` // the deploy key (the service when absent)
}

// Placement is where the scheduler may put the service's tasks.
type Placement struct {
	// Constraints are the placement constraints, in order.
	Constraints []Constraint `json:"constraints"`
	// Preferences are the placement preferences, in order.
	Preferences []PlacementPreference `json:"preferences"`
	// MaxReplicasPerNode is 0 when unlimited.
	MaxReplicasPerNode int `json:"max_replicas_per_node"`
	Ref                Ref `json:"ref"`
}

// Constraint is one placement constraint, e.g. node.role==manager.
type Constraint struct {
	Expr string `json:"expr"` // as written
	// Key, Operator ("==" or "!=") and Value split Expr, with white space
	// trimmed as swarmkit does; Operator is "" when Expr has neither.
	Key      string `json:"key"`
	Operator string `json:"operator"`
	Value    string `json:"value"`
	Ref      Ref    `json:"ref"`
}

// PlacementPreference is one placement preference (spread=node.labels.zone).
type PlacementPreference struct {
	// Spread is the label the tasks are spread over (node.labels.zone).
	Spread string `json:"spread"`
	Ref    Ref    `json:"ref"`
}

// Resources are the service's resource limits and reservations.
type Resources struct {
	// Limits are the most a task may use.
	Limits ResourceSpec `json:"limits"`
	// Reservations are what the scheduler sets aside for each task.
	Reservations ResourceSpec `json:"reservations"`
	Ref          Ref          `json:"ref"`
}

// ResourceSpec is one side of resources; zero values mean not set.
type ResourceSpec struct {
	Set bool `json:"set"` // the limits or reservations entry is written
	// CPUs is the number of CPUs (0.5 for half a CPU).
	CPUs float64 `json:"cpus"`
	// MemoryBytes is the memory in bytes.
	MemoryBytes int64 `json:"memory_bytes"`
	// Pids is the process limit (limits only).
	Pids int64 `json:"pids"`
	// GenericResources are discrete generic resources (reservations only).
	GenericResources []GenericResource `json:"generic_resources"`
	Ref              Ref               `json:"ref"`
}

// GenericResource is a discrete generic resource (GPU=2).
type GenericResource struct {
	Kind  string `json:"kind"`  // GPU, SSD, ...
	Value int64  `json:"value"` // how many
	Ref   Ref    `json:"ref"`
}

// RestartPolicy is when swarm restarts a task. Swarm's defaults fill what
// is not written: condition any, delay 5s, no attempt limit, window 0s.
type RestartPolicy struct {
	Set       bool   `json:"set"`       // restart_policy (or a --restart-* flag, or the spec's) is given
	Condition string `json:"condition"` // none | on-failure | any
	// Delay is how long swarm waits between restarts (a Go duration: "5s", "1m30s").
	Delay string `json:"delay"`
	// MaxAttempts is 0 when unlimited.
	MaxAttempts int `json:"max_attempts"`
	// Window is how long a restart must run to count as successful (a Go duration).
	Window string `json:"window"`
	Ref    Ref    `json:"ref"`
}

// UpdateConfig is how swarm rolls out (update_config) or rolls back
// (rollback_config) the service's tasks. Swarm's defaults fill what is not
// written: parallelism 1, delay 0s, failure_action pause, monitor 5s,
// max_failure_ratio 0, order stop-first.
type UpdateConfig struct {
	// Set is true when the section (or one of its flags) is given.
	Set         bool `json:"set"`
	Parallelism int  `json:"parallelism"` // 0 updates every task at once
	// Delay is the wait between batches (a Go duration).
	Delay         string `json:"delay"`
	FailureAction string `json:"failure_action"` // pause | continue | rollback
	// Monitor is how long each task is watched for failure (a Go duration).
	Monitor string `json:"monitor"`
	// MaxFailureRatio is the share of tasks that may fail (0 to 1).
	MaxFailureRatio float64 `json:"max_failure_ratio"`
	Order           string  `json:"order"` // stop-first | start-first
	Ref             Ref     `json:"ref"`
}

// Healthcheck is a service's healthcheck. Durations are Go durations, ""
// when not written (the image's or Docker's default applies).
type Healthcheck struct {
	Disable bool `json:"disable"` // disable: true, test [NONE] or --no-healthcheck
	// Test is the command, its first item CMD, CMD-SHELL or NONE ([] when not written).
	Test          []string `json:"test"`
	Interval      string   `json:"interval"`       // between checks
	Timeout       string   `json:"timeout"`        // for one check
	StartPeriod   string   `json:"start_period"`   // failures before it do not count
	StartInterval string   `json:"start_interval"` // between checks during the start period
	Retries       int      `json:"retries"`        // 0 when not written
	Ref           Ref      `json:"ref"`
}

// FileReference is one entry of a service's configs or secrets.
type FileReference struct {
	Source string `json:"source"` // the config or secret name in the stack (or swarm)
	Target string `json:"target"` // "" when not written
	UID    string `json:"uid"`    // "" when not written
	GID    string `json:"gid"`    // "" when not written
	// Mode is the file mode, 0444 (292) when not written.
	Mode int `json:"mode"`
	Ref  Ref `json:"ref"`
}

// Mount is one entry of a service's volumes (--mount, the spec's Mounts).
type Mount struct {
	Type     string `json:"type"`      // volume | bind | tmpfs | npipe | cluster | image
	Source   string `json:"source"`    // volume name or host path ("" for tmpfs)
	Target   string `json:"target"`    // path in the container
	ReadOnly bool   `json:"read_only"` // mounted read-only
	Ref      Ref    `json:"ref"`
}

// Logging is a service's logging driver and its options.
type Logging struct {
	Driver  string            `json:"driver"`  // "" when only options are given
	Options map[string]string `json:"options"` // the driver's options
	Ref     Ref               `json:"ref"`
}

// newDeploy returns the deploy settings Docker applies when nothing is
// written, pointing at ref.
func newDeploy(ref Ref) Deploy {
	return Deploy{
		Labels: map[string]string{}, LabelRefs: map[string]Ref{},
		Placement: Placement{Constraints: []Constraint{}, Preferences: []PlacementPreference{}, Ref: ref},
		Resources: Resources{Limits: ResourceSpec{GenericResources: []GenericResource{}, Ref: ref},
			Reservations: ResourceSpec{GenericResources: []GenericResource{}, Ref: ref}, Ref: ref},
		RestartPolicy:  RestartPolicy{Condition: "any", Delay: "5s", Window: "0s", Ref: ref},
		UpdateConfig:   defaultUpdateConfig(ref),
		RollbackConfig: defaultUpdateConfig(ref),
		Ref:            ref,
	}
}

func defaultUpdateConfig(ref Ref) UpdateConfig {
	return UpdateConfig{Parallelism: 1, Delay: "0s", FailureAction: "pause", Monitor: "5s", Order: "stop-first", Ref: ref}
}

// initSettings gives a new service its empty settings, pointing at its ref.
func initSettings(s *Service) {
	s.Labels = map[string]string{}
	s.LabelRefs = map[string]Ref{}
	s.Deploy = newDeploy(s.Ref)
	s.Configs = []FileReference{}
	s.Secrets = []FileReference{}
	s.Mounts = []Mount{}
	s.DNS = []string{}
	s.DNSSearch = []string{}
	s.ExtraHosts = []string{}
	s.CapAdd = []string{}
	s.CapDrop = []string{}
	s.Sysctls = map[string]string{}
}

// finishDeploy copies the effective values into Deploy.
func finishDeploy(s *Service) {
	s.Deploy.Mode, s.Deploy.Replicas, s.Deploy.EndpointMode = s.Mode, s.Replicas, s.EndpointMode
	s.Deploy.Placement.MaxReplicasPerNode = s.MaxReplicasPerNode
	s.Deploy.UpdateConfig.Parallelism, s.Deploy.UpdateConfig.Order = s.UpdateParallelism, s.UpdateOrder
}

// parseConstraint splits a placement constraint as swarmkit does: the
// first "==" or "!=" separates key and value.
func parseConstraint(expr string, ref Ref) Constraint {
	c := Constraint{Expr: expr, Ref: ref}
	for _, op := range []string{"==", "!="} {
		if k, v, ok := strings.Cut(expr, op); ok {
			if i := strings.Index(expr, "=="); op == "!=" && i >= 0 && i < len(k) {
				continue
			}
			c.Key, c.Operator, c.Value = strings.TrimSpace(k), op, strings.TrimSpace(v)
			return c
		}
	}
	return c
}

// goDuration renders a duration as Go does ("1m30s"); 0 is "0s".
func goDuration(d time.Duration) string { return d.String() }

func optDuration(d *types.Duration) string {
	if d == nil {
		return ""
	}
	return goDuration(time.Duration(*d))
}

// cpus renders compose's float32 CPU count as the decimal that was written.
func cpus(n float32) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(float64(n), 'f', -1, 32), 64)
	return v
}

// stackSettings fills a stack service's settings from compose-go's config.
func (b *builder) stackSettings(sd *stackData, key string, sc types.ServiceConfig, s *Service) {
	at := func(p ...any) Ref {
		return Ref{Src: sd.src, Path: append([]any{"services", key}, p...)}
	}
	for k, v := range sc.Labels {
		s.Labels[k] = v
		s.LabelRefs[k] = at("labels", k)
	}
	d := &s.Deploy
	d.Ref = at("deploy")
	d.Placement.Ref, d.Resources.Ref = at("deploy", "placement"), at("deploy", "resources")
	d.Resources.Limits.Ref, d.Resources.Reservations.Ref = at("deploy", "resources", "limits"), at("deploy", "resources", "reservations")
	d.RestartPolicy.Ref = at("deploy", "restart_policy")
	d.UpdateConfig.Ref, d.RollbackConfig.Ref = at("deploy", "update_config"), at("deploy", "rollback_config")
	if dc := sc.Deploy; dc != nil {
		for k, v := range dc.Labels {
			d.Labels[k] = v
			d.LabelRefs[k] = at("deploy", "labels", k)
		}
		for i, c := range dc.Placement.Constraints {
			d.Placement.Constraints = append(d.Placement.Constraints, parseConstraint(c, at("deploy", "placement", "constraints", i)))
		}
		for i, p := range dc.Placement.Preferences {
			d.Placement.Preferences = append(d.Placement.Preferences, PlacementPreference{Spread: p.Spread, Ref: at("deploy", "placement", "preferences", i)})
		}
		resource := func(r *types.Resource, spec *ResourceSpec, side string) {
			if r == nil {
				return
			}
			spec.Set = true
			spec.CPUs, spec.MemoryBytes, spec.Pids = cpus(float32(r.NanoCPUs)), int64(r.MemoryBytes), r.Pids
			for i, g := range r.GenericResources {
				if g.DiscreteResourceSpec != nil {
					spec.GenericResources = append(spec.GenericResources, GenericResource{Kind: g.DiscreteResourceSpec.Kind,
						Value: g.DiscreteResourceSpec.Value, Ref: at("deploy", "resources", side, "generic_resources", i)})
				}
			}
		}
		resource(dc.Resources.Limits, &d.Resources.Limits, "limits")
		resource(dc.Resources.Reservations, &d.Resources.Reservations, "reservations")
		if rp := dc.RestartPolicy; rp != nil {
			d.RestartPolicy.Set = true
			if rp.Condition != "" {
				d.RestartPolicy.Condition = rp.Condition
			}
			if rp.Delay != nil {
				d.RestartPolicy.Delay = optDuration(rp.Delay)
			}
			if rp.MaxAttempts != nil {
				d.RestartPolicy.MaxAttempts = int(*rp.MaxAttempts)
			}
			if rp.Window != nil {
				d.RestartPolicy.Window = optDuration(rp.Window)
			}
		}
		update := func(u *types.UpdateConfig, uc *UpdateConfig) {
			if u == nil {
				return
			}
			uc.Set = true
			if u.Parallelism != nil {
				uc.Parallelism = int(*u.Parallelism)
			}
			uc.Delay, uc.Monitor = goDuration(time.Duration(u.Delay)), goDuration(time.Duration(u.Monitor))
			if u.Monitor == 0 {
				uc.Monitor = "5s"
			}
			if u.FailureAction != "" {
				uc.FailureAction = u.FailureAction
			}
			uc.MaxFailureRatio = cpus(u.MaxFailureRatio)
			if u.Order != "" {
				uc.Order = u.Order
			}
		}
		update(dc.UpdateConfig, &d.UpdateConfig)
		update(dc.RollbackConfig, &d.RollbackConfig)
	}
	if (sc.Deploy == nil || sc.Deploy.RestartPolicy == nil) && sc.Restart != "" {
		// docker stack deploy maps the service's `restart` when
		// deploy.restart_policy is absent (docker/cli convertRestartPolicy).
		rp := &d.RestartPolicy
		name, count, _ := strings.Cut(sc.Restart, ":")
		switch name {
		case "no":
			rp.Set, rp.Condition, rp.Ref = true, "none", at("restart")
		case "always", "unless-stopped":
			rp.Set, rp.Condition, rp.Ref = true, "any", at("restart")
		case "on-failure":
			rp.Set, rp.Condition, rp.Ref = true, "on-failure", at("restart")
			rp.MaxAttempts, _ = strconv.Atoi(count)
		}
	}
	if hc := sc.HealthCheck; hc != nil {
		h := &Healthcheck{Disable: hc.Disable, Test: append([]string{}, hc.Test...), Interval: optDuration(hc.Interval),
			Timeout: optDuration(hc.Timeout), StartPeriod: optDuration(hc.StartPeriod), StartInterval: optDuration(hc.StartInterval), Ref: at("healthcheck")}
		if len(hc.Test) > 0 && hc.Test[0] == "NONE" {
			h.Disable = true
		}
		if hc.Retries != nil {
			h.Retries = int(*hc.Retries)
		}
		s.Healthcheck = h
	}
	fileRef := func(f types.FileReferenceConfig, ref Ref) FileReference {
		fr := FileReference{Source: f.Source, Target: f.Target, UID: f.UID, GID: f.GID, Mode: 0o444, Ref: ref}
		if f.Mode != nil {
			fr.Mode = int(*f.Mode)
		}
		return fr
	}
	for i, c := range sc.Configs {
		s.Configs = append(s.Configs, fileRef(types.FileReferenceConfig(c), at("configs", i)))
	}
	for i, c := range sc.Secrets {
		s.Secrets = append(s.Secrets, fileRef(types.FileReferenceConfig(c), at("secrets", i)))
	}
	for i, v := range sc.Volumes {
		s.Mounts = append(s.Mounts, Mount{Type: v.Type, Source: v.Source, Target: v.Target, ReadOnly: v.ReadOnly, Ref: at("volumes", i)})
	}
	if l := sc.Logging; l != nil {
		s.Logging = &Logging{Driver: l.Driver, Options: map[string]string{}, Ref: at("logging")}
		for k, v := range l.Options {
			s.Logging.Options[k] = v
		}
	}
	s.Hostname, s.User, s.ReadOnly = sc.Hostname, sc.User, sc.ReadOnly
	s.DNS = append(s.DNS, sc.DNS...)
	s.DNSSearch = append(s.DNSSearch, sc.DNSSearch...)
	for _, h := range sortedKeys(sc.ExtraHosts) {
		for _, ip := range sc.ExtraHosts[h] {
			s.ExtraHosts = append(s.ExtraHosts, h+":"+ip)
		}
	}
	s.CapAdd = append(s.CapAdd, sc.CapAdd...)
	s.CapDrop = append(s.CapDrop, sc.CapDrop...)
	for k, v := range sc.Sysctls {
		s.Sysctls[k] = v
	}
	s.StopGracePeriod = optDuration(sc.StopGracePeriod)
}

// scriptSettings fills a `docker service create` service's settings from
// its flags; every setting points at its flag, and the flags are also
// recorded under the paths a stack file would use, so that
// result.finding_at(chain, service, ["deploy", "labels", "tier"], ...)
// works for both.
func (b *builder) scriptSettings(c *Command, s *Service, in *scriptInputs) {
	d := &s.Deploy
	keyed := func(flag string, into map[string]string, refs map[string]Ref, path ...any) {
		for _, f := range c.Flags[flag] {
			if !f.Known {
				continue
			}
			k, v, _ := strings.Cut(f.Value, "=")
			into[k] = v
			refs[k] = f.Ref
			in.sub(s.Ref, f.Ref, append(append([]any{}, path...), k)...)
		}
	}
	keyed("label", d.Labels, d.LabelRefs, "deploy", "labels")
	keyed("container-label", s.Labels, s.LabelRefs, "labels")
	for i, f := range c.Flags["constraint"] {
		d.Placement.Constraints = append(d.Placement.Constraints, parseConstraint(f.Value, f.Ref))
		in.sub(s.Ref, f.Ref, "deploy", "placement", "constraints", i)
	}
	for i, f := range c.Flags["placement-pref"] {
		spread, _ := strings.CutPrefix(f.Value, "spread=")
		d.Placement.Preferences = append(d.Placement.Preferences, PlacementPreference{Spread: spread, Ref: f.Ref})
		in.sub(s.Ref, f.Ref, "deploy", "placement", "preferences", i)
	}
	resource := func(spec *ResourceSpec, side, cpuFlag, memFlag, pidsFlag string) {
		if f, ok := c.last(cpuFlag); ok && f.Known {
			spec.Set, spec.Ref = true, f.Ref
			spec.CPUs, _ = strconv.ParseFloat(f.Value, 64)
			in.sub(s.Ref, f.Ref, "deploy", "resources", side, "cpus")
		}
		if f, ok := c.last(memFlag); ok && f.Known {
			spec.Set, spec.Ref = true, f.Ref
			var u types.UnitBytes
			if u.DecodeMapstructure(f.Value) == nil {
				spec.MemoryBytes = int64(u)
			}
			in.sub(s.Ref, f.Ref, "deploy", "resources", side, "memory")
		}
		if f, ok := c.last(pidsFlag); ok && f.Known && pidsFlag != "" {
			spec.Set, spec.Ref = true, f.Ref
			spec.Pids, _ = strconv.ParseInt(f.Value, 10, 64)
			in.sub(s.Ref, f.Ref, "deploy", "resources", side, "pids")
		}
	}
	resource(&d.Resources.Limits, "limits", "limit-cpu", "limit-memory", "limit-pids")
	resource(&d.Resources.Reservations, "reservations", "reserve-cpu", "reserve-memory", "")
	dur := func(flag string, into *string, set *bool, ref *Ref, path ...any) {
		if f, ok := c.last(flag); ok && f.Known {
			if v, err := time.ParseDuration(f.Value); err == nil {
				*into = goDuration(v)
			}
			*set, *ref = true, f.Ref
			in.sub(s.Ref, f.Ref, path...)
		}
	}
	rp := &d.RestartPolicy
	if f, ok := c.last("restart-condition"); ok && f.Known {
		rp.Set, rp.Condition, rp.Ref = true, f.Value, f.Ref
		in.sub(s.Ref, f.Ref, "deploy", "restart_policy", "condition")
	}
	dur("restart-delay", &rp.Delay, &rp.Set, &rp.Ref, "deploy", "restart_policy", "delay")
	dur("restart-window", &rp.Window, &rp.Set, &rp.Ref, "deploy", "restart_policy", "window")
	if v := c.intFlag("restart-max-attempts"); v.Valid {
		rp.Set, rp.MaxAttempts, rp.Ref = true, v.Value, v.Ref
		in.sub(s.Ref, v.Ref, "deploy", "restart_policy", "max_attempts")
	}
	update := func(prefix, key string, uc *UpdateConfig) {
		if v := c.intFlag(prefix + "-parallelism"); v.Valid {
			uc.Set, uc.Parallelism, uc.Ref = true, v.Value, v.Ref
		}
		dur(prefix+"-delay", &uc.Delay, &uc.Set, &uc.Ref, "deploy", key, "delay")
		dur(prefix+"-monitor", &uc.Monitor, &uc.Set, &uc.Ref, "deploy", key, "monitor")
		for flag, into := range map[string]*string{"-failure-action": &uc.FailureAction, "-order": &uc.Order} {
			if f, ok := c.last(prefix + flag); ok && f.Known {
				uc.Set, *into, uc.Ref = true, f.Value, f.Ref
				in.sub(s.Ref, f.Ref, "deploy", key, strings.ReplaceAll(flag[1:], "-", "_"))
			}
		}
		if f, ok := c.last(prefix + "-max-failure-ratio"); ok && f.Known {
			uc.Set, uc.Ref = true, f.Ref
			uc.MaxFailureRatio, _ = strconv.ParseFloat(f.Value, 64)
			in.sub(s.Ref, f.Ref, "deploy", key, "max_failure_ratio")
		}
	}
	update("update", "update_config", &d.UpdateConfig)
	update("rollback", "rollback_config", &d.RollbackConfig)
	if _, ok := c.last("no-healthcheck"); ok {
		s.Healthcheck = &Healthcheck{Disable: true, Test: []string{}, Ref: c.Ref}
	}
	for _, flag := range []string{"health-cmd", "health-interval", "health-timeout", "health-start-period", "health-start-interval", "health-retries"} {
		f, ok := c.last(flag)
		if !ok || !f.Known {
			continue
		}
		if s.Healthcheck == nil {
			s.Healthcheck = &Healthcheck{Test: []string{}, Ref: f.Ref}
		}
		h := s.Healthcheck
		in.sub(s.Ref, f.Ref, "healthcheck", strings.ReplaceAll(strings.TrimPrefix(flag, "health-"), "-", "_"))
		d, _ := time.ParseDuration(f.Value)
		switch flag {
		case "health-cmd":
			h.Test = []string{"CMD-SHELL", f.Value}
		case "health-interval":
			h.Interval = goDuration(d)
		case "health-timeout":
			h.Timeout = goDuration(d)
		case "health-start-period":
			h.StartPeriod = goDuration(d)
		case "health-start-interval":
			h.StartInterval = goDuration(d)
		case "health-retries":
			h.Retries, _ = strconv.Atoi(f.Value)
		}
	}
	for _, kind := range []string{"config", "secret"} {
		for i, f := range c.Flags[kind] {
			if !f.Known {
				continue
			}
			fr := FileReference{Mode: 0o444, Ref: f.Ref}
			if !strings.Contains(f.Value, "=") {
				fr.Source = f.Value
			}
			for _, field := range strings.Split(f.Value, ",") {
				k, v, ok := strings.Cut(field, "=")
				if !ok {
					continue
				}
				switch strings.ToLower(strings.TrimSpace(k)) {
				case "source", "src":
					fr.Source = v
				case "target":
					fr.Target = v
				case "uid":
					fr.UID = v
				case "gid":
					fr.GID = v
				case "mode":
					if m, err := strconv.ParseUint(v, 8, 32); err == nil {
						fr.Mode = int(m)
					}
				}
			}
			if kind == "config" {
				s.Configs = append(s.Configs, fr)
				in.sub(s.Ref, f.Ref, "configs", i)
			} else {
				s.Secrets = append(s.Secrets, fr)
				in.sub(s.Ref, f.Ref, "secrets", i)
			}
		}
	}
	for i, f := range c.Flags["mount"] {
		if !f.Known {
			continue
		}
		m := Mount{Type: "volume", Ref: f.Ref}
		for _, field := range strings.Split(f.Value, ",") {
			k, v, ok := strings.Cut(field, "=")
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "type":
				m.Type = v
			case "source", "src":
				m.Source = v
			case "target", "dst", "destination":
				m.Target = v
			case "readonly", "ro":
				m.ReadOnly = !ok || v == "1" || strings.EqualFold(v, "true")
			}
		}
		s.Mounts = append(s.Mounts, m)
		in.sub(s.Ref, f.Ref, "volumes", i)
	}
	if f, ok := c.last("log-driver"); ok && f.Known {
		s.Logging = &Logging{Driver: f.Value, Options: map[string]string{}, Ref: f.Ref}
		in.sub(s.Ref, f.Ref, "logging", "driver")
	}
	for _, f := range c.Flags["log-opt"] {
		if !f.Known {
			continue
		}
		if s.Logging == nil {
			s.Logging = &Logging{Options: map[string]string{}, Ref: f.Ref}
		}
		k, v, _ := strings.Cut(f.Value, "=")
		s.Logging.Options[k] = v
		in.sub(s.Ref, f.Ref, "logging", "options", k)
	}
	str := func(flag string, into *string, path ...any) {
		if f, ok := c.last(flag); ok && f.Known {
			*into = f.Value
			in.sub(s.Ref, f.Ref, path...)
		}
	}
	str("hostname", &s.Hostname, "hostname")
	str("user", &s.User, "user")
	str("stop-grace-period", &s.StopGracePeriod, "stop_grace_period")
	if d, err := time.ParseDuration(s.StopGracePeriod); err == nil {
		s.StopGracePeriod = goDuration(d)
	}
	s.ReadOnly = c.boolFlag("read-only")
	list := func(flag string, into *[]string, key string) {
		for i, f := range c.Flags[flag] {
			if f.Known {
				*into = append(*into, f.Value)
				in.sub(s.Ref, f.Ref, key, i)
			}
		}
	}
	list("dns", &s.DNS, "dns")
	list("dns-search", &s.DNSSearch, "dns_search")
	list("host", &s.ExtraHosts, "extra_hosts")
	list("cap-add", &s.CapAdd, "cap_add")
	list("cap-drop", &s.CapDrop, "cap_drop")
	for _, f := range c.Flags["sysctl"] {
		if f.Known {
			k, v, _ := strings.Cut(f.Value, "=")
			s.Sysctls[k] = v
			in.sub(s.Ref, f.Ref, "sysctls", k)
		}
	}
}

// inspectSettings is the part of a `docker service inspect` spec that
// inventorySettings reads.
type inspectSettings struct {
	Labels       map[string]string `json:"Labels"`
	TaskTemplate struct {
		ContainerSpec struct {
			Labels          map[string]string `json:"Labels"`
			Hostname        string            `json:"Hostname"`
			User            string            `json:"User"`
			ReadOnly        bool              `json:"ReadOnly"`
			Hosts           []string          `json:"Hosts"`
			StopGracePeriod *int64            `json:"StopGracePeriod"`
			CapabilityAdd   []string          `json:"CapabilityAdd"`
			CapabilityDrop  []string          `json:"CapabilityDrop"`
			Sysctls         map[string]string `json:"Sysctls"`
			DNSConfig       *struct {
				Nameservers []string `json:"Nameservers"`
				Search      []string `json:"Search"`
			} `json:"DNSConfig"`
			Healthcheck *struct {
				Test          []string `json:"Test"`
				Interval      int64    `json:"Interval"`
				Timeout       int64    `json:"Timeout"`
				StartPeriod   int64    `json:"StartPeriod"`
				StartInterval int64    `json:"StartInterval"`
				Retries       int      `json:"Retries"`
			} `json:"Healthcheck"`
			Mounts []struct {
				Type     string `json:"Type"`
				Source   string `json:"Source"`
				Target   string `json:"Target"`
				ReadOnly bool   `json:"ReadOnly"`
			} `json:"Mounts"`
			Configs []inspectFileRef `json:"Configs"`
			Secrets []inspectFileRef `json:"Secrets"`
		} `json:"ContainerSpec"`
		Resources *struct {
			Limits       *inspectResources `json:"Limits"`
			Reservations *inspectResources `json:"Reservations"`
		} `json:"Resources"`
		RestartPolicy *struct {
			Condition   string  `json:"Condition"`
			Delay       *int64  `json:"Delay"`
			MaxAttempts *uint64 `json:"MaxAttempts"`
			Window      *int64  `json:"Window"`
		} `json:"RestartPolicy"`
		Placement *struct {
			Constraints []string `json:"Constraints"`
			Preferences []struct {
				Spread *struct {
					SpreadDescriptor string `json:"SpreadDescriptor"`
				} `json:"Spread"`
			} `json:"Preferences"`
			MaxReplicas uint64 `json:"MaxReplicas"`
		} `json:"Placement"`
		LogDriver *struct {
			Name    string            `json:"Name"`
			Options map[string]string `json:"Options"`
		} `json:"LogDriver"`
	} `json:"TaskTemplate"`
	UpdateConfig   *inspectUpdateConfig `json:"UpdateConfig"`
	RollbackConfig *inspectUpdateConfig `json:"RollbackConfig"`
}

type inspectFileRef struct {
	File *struct {
		Name string `json:"Name"`
		UID  string `json:"UID"`
		GID  string `json:"GID"`
		Mode uint32 `json:"Mode"`
	} `json:"File"`
	ConfigName string `json:"ConfigName"`
	SecretName string `json:"SecretName"`
}

type inspectResources struct {
	NanoCPUs         int64 `json:"NanoCPUs"`
	MemoryBytes      int64 `json:"MemoryBytes"`
	Pids             int64 `json:"Pids"`
	GenericResources []struct {
		DiscreteResourceSpec *struct {
			Kind  string `json:"Kind"`
			Value int64  `json:"Value"`
		} `json:"DiscreteResourceSpec"`
	} `json:"GenericResources"`
}

type inspectUpdateConfig struct {
	Parallelism     uint64  `json:"Parallelism"`
	Delay           int64   `json:"Delay"`
	FailureAction   string  `json:"FailureAction"`
	Monitor         int64   `json:"Monitor"`
	MaxFailureRatio float64 `json:"MaxFailureRatio"`
	Order           string  `json:"Order"`
}

// inventorySettings fills a --cluster service's settings from its spec;
// refs are paths into the inspect JSON (i is the service's index).
func inventorySettings(src string, i int, is inspectSettings, s *Service) {
	at := func(p ...any) Ref { return Ref{Src: src, Path: append([]any{i, "Spec"}, p...)} }
	d := &s.Deploy
	for k, v := range is.Labels {
		d.Labels[k] = v
		d.LabelRefs[k] = at("Labels", k)
	}
	cs := is.TaskTemplate.ContainerSpec
	for k, v := range cs.Labels {
		s.Labels[k] = v
		s.LabelRefs[k] = at("TaskTemplate", "ContainerSpec", "Labels", k)
	}
	if p := is.TaskTemplate.Placement; p != nil {
		d.Placement.Ref = at("TaskTemplate", "Placement")
		for j, c := range p.Constraints {
			d.Placement.Constraints = append(d.Placement.Constraints, parseConstraint(c, at("TaskTemplate", "Placement", "Constraints", j)))
		}
		for j, pr := range p.Preferences {
			if pr.Spread != nil {
				d.Placement.Preferences = append(d.Placement.Preferences, PlacementPreference{Spread: pr.Spread.SpreadDescriptor, Ref: at("TaskTemplate", "Placement", "Preferences", j)})
			}
		}
		s.MaxReplicasPerNode = int(p.MaxReplicas)
	}
	if r := is.TaskTemplate.Resources; r != nil {
		d.Resources.Ref = at("TaskTemplate", "Resources")
		res := func(x *inspectResources, spec *ResourceSpec, side string) {
			if x == nil {
				return
			}
			spec.Set, spec.Ref = true, at("TaskTemplate", "Resources", side)
			spec.CPUs = float64(x.NanoCPUs) / 1e9
			spec.MemoryBytes, spec.Pids = x.MemoryBytes, x.Pids
			for j, g := range x.GenericResources {
				if g.DiscreteResourceSpec != nil {
					spec.GenericResources = append(spec.GenericResources, GenericResource{Kind: g.DiscreteResourceSpec.Kind,
						Value: g.DiscreteResourceSpec.Value, Ref: at("TaskTemplate", "Resources", side, "GenericResources", j)})
				}
			}
		}
		res(r.Limits, &d.Resources.Limits, "Limits")
		res(r.Reservations, &d.Resources.Reservations, "Reservations")
	}
	if rp := is.TaskTemplate.RestartPolicy; rp != nil {
		p := &d.RestartPolicy
		p.Set, p.Ref = true, at("TaskTemplate", "RestartPolicy")
		if rp.Condition != "" {
			p.Condition = rp.Condition
		}
		if rp.Delay != nil {
			p.Delay = goDuration(time.Duration(*rp.Delay))
		}
		if rp.MaxAttempts != nil {
			p.MaxAttempts = int(*rp.MaxAttempts)
		}
		if rp.Window != nil {
			p.Window = goDuration(time.Duration(*rp.Window))
		}
	}
	update := func(u *inspectUpdateConfig, uc *UpdateConfig, key string) {
		if u == nil {
			return
		}
		uc.Set, uc.Ref = true, at(key)
		uc.Parallelism, uc.Delay = int(u.Parallelism), goDuration(time.Duration(u.Delay))
		if u.Monitor != 0 {
			uc.Monitor = goDuration(time.Duration(u.Monitor))
		}
		if u.FailureAction != "" {
			uc.FailureAction = u.FailureAction
		}
		if u.Order != "" {
			uc.Order = u.Order
		}
		uc.MaxFailureRatio = u.MaxFailureRatio
	}
	update(is.UpdateConfig, &d.UpdateConfig, "UpdateConfig")
	update(is.RollbackConfig, &d.RollbackConfig, "RollbackConfig")
	if is.UpdateConfig != nil {
		s.UpdateParallelism, s.UpdateOrder = d.UpdateConfig.Parallelism, d.UpdateConfig.Order
	}
	if hc := cs.Healthcheck; hc != nil {
		h := &Healthcheck{Test: append([]string{}, hc.Test...), Retries: hc.Retries, Ref: at("TaskTemplate", "ContainerSpec", "Healthcheck")}
		h.Disable = len(hc.Test) > 0 && hc.Test[0] == "NONE"
		for _, x := range []struct {
			ns   int64
			into *string
		}{{hc.Interval, &h.Interval}, {hc.Timeout, &h.Timeout}, {hc.StartPeriod, &h.StartPeriod}, {hc.StartInterval, &h.StartInterval}} {
			if x.ns != 0 {
				*x.into = goDuration(time.Duration(x.ns))
			}
		}
		s.Healthcheck = h
	}
	fileRefs := func(xs []inspectFileRef, key string, secret bool) []FileReference {
		out := []FileReference{}
		for j, x := range xs {
			fr := FileReference{Source: x.ConfigName, Mode: 0o444, Ref: at("TaskTemplate", "ContainerSpec", key, j)}
			if secret {
				fr.Source = x.SecretName
			}
			if x.File != nil {
				fr.Target, fr.UID, fr.GID, fr.Mode = x.File.Name, x.File.UID, x.File.GID, int(x.File.Mode)
			}
			out = append(out, fr)
		}
		return out
	}
	s.Configs = fileRefs(cs.Configs, "Configs", false)
	s.Secrets = fileRefs(cs.Secrets, "Secrets", true)
	for j, m := range cs.Mounts {
		s.Mounts = append(s.Mounts, Mount{Type: m.Type, Source: m.Source, Target: m.Target, ReadOnly: m.ReadOnly, Ref: at("TaskTemplate", "ContainerSpec", "Mounts", j)})
	}
	if l := is.TaskTemplate.LogDriver; l != nil {
		s.Logging = &Logging{Driver: l.Name, Options: map[string]string{}, Ref: at("TaskTemplate", "LogDriver")}
		for k, v := range l.Options {
			s.Logging.Options[k] = v
		}
	}
	s.Hostname, s.User, s.ReadOnly = cs.Hostname, cs.User, cs.ReadOnly
	if cs.StopGracePeriod != nil {
		s.StopGracePeriod = goDuration(time.Duration(*cs.StopGracePeriod))
	}
	if dc := cs.DNSConfig; dc != nil {
		s.DNS = append(s.DNS, dc.Nameservers...)
		s.DNSSearch = append(s.DNSSearch, dc.Search...)
	}
	// The API keeps extra hosts as "IP host" lines (/etc/hosts order).
	for _, h := range cs.Hosts {
		if f := strings.Fields(h); len(f) >= 2 {
			for _, name := range f[1:] {
				s.ExtraHosts = append(s.ExtraHosts, name+":"+f[0])
			}
		}
	}
	s.CapAdd = append(s.CapAdd, cs.CapabilityAdd...)
	s.CapDrop = append(s.CapDrop, cs.CapabilityDrop...)
	for k, v := range cs.Sysctls {
		s.Sysctls[k] = v
	}
}
