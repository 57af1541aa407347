package script

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// render prints a command compactly: kind, ^global flags, flags
// (!unknown, name=value, <unresolved>), "|" positionals, then markers.
func render(c Command) string {
	var b strings.Builder
	b.WriteString(c.Kind)
	for _, f := range c.Global {
		b.WriteString(" ^" + renderFlag(f))
	}
	for _, f := range c.Flags {
		b.WriteString(" " + renderFlag(f))
	}
	if pos := c.Positionals(); len(pos) > 0 {
		b.WriteString(" |")
		for _, w := range pos {
			b.WriteString(" " + renderWord(w))
		}
	}
	if c.Func != "" {
		b.WriteString(" [func " + c.Func + "]")
	}
	if c.Dynamic {
		b.WriteString(" [dynamic]")
	}
	return b.String()
}

func renderFlag(f Flag) string {
	s := f.Name
	if f.Unknown {
		s = "!" + s
	}
	if f.HasValue {
		s += "=" + renderWord(f.Value)
	}
	return s
}

func renderWord(w Word) string {
	if !w.Known {
		return "<" + w.Text + ">"
	}
	if w.Text == "" || strings.ContainsAny(w.Text, " \t\n") {
		return strconv.Quote(w.Text)
	}
	return w.Text
}

func renderAll(cmds []Command) string {
	var lines []string
	for _, c := range cmds {
		lines = append(lines, render(c))
	}
	return strings.Join(lines, "\n")
}

type scriptTest struct {
	name string
	src  string
	want []string // rendered commands
}

// runScriptTests parses each script and compares the rendered commands.
func runScriptTests(t *testing.T, tests []scriptTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("test.sh", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i, c := range s.Commands {
				if c.Index != i {
					t.Errorf("command %d has Index %d", i, c.Index)
				}
				got = append(got, render(c))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

var structureTests = []scriptTest{
	{"sudo", "sudo docker swarm leave --force\n", []string{"swarm leave force"}},
	{"sudo with options", "sudo -u root -E docker network rm a b\nsudo --user=root -- docker network rm c\nsudo --user root -uroot docker network rm d\n",
		[]string{"network rm | a b", "network rm | c", "network rm | d"}},
	{"sudo with environment", "sudo DOCKER_HOST=tcp://m1:2376 docker network rm a\n", []string{"network rm | a"}},
	{"prefix assignment", "DOCKER_HOST=tcp://m1:2376 docker swarm leave\n", []string{"swarm leave"}},
	{"optional wrapper in a variable",
		"[ \"$(id -u)\" = 0 ] || SUDO=sudo\n$SUDO docker swarm leave\nNONE=\n$NONE docker swarm leave\n\"$Q\" docker swarm leave\n$X network rm a\n",
		[]string{"swarm leave [dynamic]", "swarm leave"}},
	{"command builtin", "command docker network rm a\ncommand -p docker network rm b\nif command -v docker >/dev/null; then :; fi\n",
		[]string{"network rm | a", "network rm | b"}},
	{"other wrappers",
		"exec docker swarm leave\nenv -i PATH=/bin docker swarm leave\nnohup docker swarm leave\n" +
			"timeout -s KILL 30 docker swarm leave\nnice -n 5 docker swarm leave\ndoas -u root docker swarm leave\ntime docker swarm leave\n",
		[]string{"swarm leave", "swarm leave", "swarm leave", "swarm leave", "swarm leave", "swarm leave", "swarm leave"}},
	{"docker by path", "/usr/bin/docker network rm a\n", []string{"network rm | a"}},
	{"env options end at the command", "env -u X A=1 docker network rm -S x\nenv -S 'docker swarm leave'\n",
		[]string{"network rm !S | x"}},
	{"and-or chains",
		"docker swarm leave -f || true && docker swarm init && docker network create -d overlay --attachable net\n",
		[]string{"swarm leave force", "swarm init", "network create driver=overlay attachable | net"}},
	{"functions",
		"setup() {\n  docker swarm init\n}\nfunction teardown {\n  docker swarm leave\n  inner() { docker network rm x; }\n}\nsetup\n",
		[]string{"swarm init [func setup]", "swarm leave [func teardown]", "network rm | x [func inner]"}},
	{"compound commands",
		"if docker swarm init; then\n  docker network rm a\nelif true; then docker network rm b\nelse docker network rm c; fi\n" +
			"while ! docker network rm d; do sleep 1; done\nuntil docker network rm e; do :; done\n" +
			"for i in 1 2; do docker network rm f; done\ncase $x in a) docker network rm g;; esac\n{ docker network rm h; }\n",
		[]string{"swarm init", "network rm | a", "network rm | b", "network rm | c", "network rm | d",
			"network rm | e", "network rm | f", "network rm | g", "network rm | h"}},
	{"subshells pipelines substitutions",
		"(docker network rm a)\ndocker network rm b | tee log\ndocker network rm c &\n" +
			"ID=$(docker network create -d overlay d)\necho \"`docker network rm e`\"\n! docker network rm f\n",
		[]string{"network rm | a", "network rm | b", "network rm | c", "network create driver=overlay | d",
			"network rm | e", "network rm | f"}},
	{"global flags",
		"docker -H tcp://m1:2376 --tlsverify -l=debug network rm a\ndocker -c prod stack deploy -c app.yml app\n" +
			"docker --context=prod -D swarm leave\ndocker --frob network rm a\n",
		[]string{"network rm ^host=tcp://m1:2376 ^tlsverify ^log-level=debug | a",
			"stack deploy ^context=prod compose-file=app.yml | app", "swarm leave ^context=prod ^debug",
			"network rm ^!frob | a"}},
	{"aliases", "docker network remove a\ndocker service remove s\ndocker stack up -c x.yml st\n",
		[]string{"network rm | a", "service rm | s", "stack deploy compose-file=x.yml | st"}},
	{"stack persistent flag", "docker stack --orchestrator swarm deploy -c a.yml s\n",
		[]string{"stack deploy orchestrator=swarm compose-file=a.yml | s"}},
	{"not collected",
		"docker ps\ndocker swarm join-token worker\ndocker network ls\necho docker swarm init\ndocker\ndocker network\n" +
			"$DOCKER swarm init\ndocker-compose up\ndocker network inspect ingress\nsudo -v\n" +
			"cat <<EOF\ndocker swarm init\nEOF\n# docker swarm init\n",
		nil},
	{"comments", "docker swarm init # --force-new-cluster\n", []string{"swarm init"}},
	{"empty", "", nil},
}

func TestStructure(t *testing.T) { runScriptTests(t, structureTests) }

var flagTests = []scriptTest{
	{"network create every flag",
		"docker network create -d overlay -o encrypted=true --opt=com.docker.network.driver.mtu=1400 --label a=b " +
			"--internal --attachable --ipv6 --ipv4=false --scope swarm --ipam-driver default --ipam-opt x=y " +
			"--subnet 10.1.0.0/24 --ip-range 10.1.0.0/25 --gateway 10.1.0.1 --aux-address host1=10.1.0.5 " +
			"--config-from base --config-only --ingress net\n",
		[]string{"network create driver=overlay opt=encrypted=true opt=com.docker.network.driver.mtu=1400 label=a=b " +
			"internal attachable ipv6 ipv4=false scope=swarm ipam-driver=default ipam-opt=x=y subnet=10.1.0.0/24 " +
			"ip-range=10.1.0.0/25 gateway=10.1.0.1 aux-address=host1=10.1.0.5 config-from=base config-only ingress | net"}},
	{"short value forms", "docker network create -doverlay a\ndocker network create -d=overlay b\ndocker network create -oencrypted c\n",
		[]string{"network create driver=overlay | a", "network create driver=overlay | b", "network create opt=encrypted | c"}},
	{"flags after positional", "docker network create net --driver overlay --attachable\n",
		[]string{"network create driver=overlay attachable | net"}},
	{"swarm init every flag",
		"docker swarm init --listen-addr 0.0.0.0:2377 --advertise-addr eth0 --data-path-addr 10.0.0.1 --data-path-port 7789 " +
			"--availability drain --autolock --force-new-cluster --cert-expiry 24h --external-ca protocol=cfssl,url=https://ca " +
			"--task-history-limit 3 --dispatcher-heartbeat 5s --max-snapshots 1 --snapshot-interval 100 " +
			"--default-addr-pool 10.20.0.0/16 --default-addr-pool=10.30.0.0/16 --default-addr-pool-mask-length 26\n",
		[]string{"swarm init listen-addr=0.0.0.0:2377 advertise-addr=eth0 data-path-addr=10.0.0.1 data-path-port=7789 " +
			"availability=drain autolock force-new-cluster cert-expiry=24h external-ca=protocol=cfssl,url=https://ca " +
			"task-history-limit=3 dispatcher-heartbeat=5s max-snapshots=1 snapshot-interval=100 " +
			"default-addr-pool=10.20.0.0/16 default-addr-pool=10.30.0.0/16 default-addr-pool-mask-length=26"}},
	{"swarm init mask without pool", "docker swarm init --default-addr-pool-mask-length 30\n",
		[]string{"swarm init default-addr-pool-mask-length=30"}},
	{"swarm join", "docker swarm join --token SWMTKN-1-x --advertise-addr 10.0.0.2 --listen-addr 0.0.0.0 " +
		"--data-path-addr eth1 --availability active 10.0.0.1:2377\n",
		[]string{"swarm join token=SWMTKN-1-x advertise-addr=10.0.0.2 listen-addr=0.0.0.0 data-path-addr=eth1 availability=active | 10.0.0.1:2377"}},
	{"init-only flags on join and update",
		"docker swarm join --data-path-port 4790 --token T 10.0.0.1:2377\n" +
			"docker swarm join --default-addr-pool 10.0.0.0/8 10.0.0.1:2377\n" +
			"docker swarm join --default-addr-pool 10.0.0.1:2377\n" +
			"docker swarm update --default-addr-pool 10.0.0.0/8 --autolock=false --cert-expiry 48h\n",
		[]string{"swarm join !data-path-port=4790 token=T | 10.0.0.1:2377",
			"swarm join !default-addr-pool=10.0.0.0/8 | 10.0.0.1:2377",
			"swarm join !default-addr-pool | 10.0.0.1:2377",
			"swarm update !default-addr-pool=10.0.0.0/8 autolock=false cert-expiry=48h"}},
	{"swarm leave", "docker swarm leave -f\ndocker swarm leave --force=false\n",
		[]string{"swarm leave force", "swarm leave force=false"}},
	{"service create",
		"docker service create --name web -p 80:80 --publish published=443,target=443,mode=host --network front " +
			"--network name=back,alias=db --endpoint-mode dnsrr --mode global --replicas 3 -e A=1 -l k=v --detach -t " +
			"nginx:alpine nginx -g \"daemon off;\"\n",
		[]string{"service create name=web publish=80:80 publish=published=443,target=443,mode=host network=front " +
			"network=name=back,alias=db endpoint-mode=dnsrr mode=global replicas=3 env=A=1 label=k=v detach tty | " +
			"nginx:alpine nginx -g \"daemon off;\""}},
	{"service create stops at the image", "docker service create redis --publish 80:80\n",
		[]string{"service create | redis --publish 80:80"}},
	{"service create value may start with a dash", "docker service create --name -x img\n",
		[]string{"service create name=-x | img"}},
	{"service update",
		"docker service update --publish-add 8080:80 --publish-rm 80 --network-add front --network-rm back " +
			"--endpoint-mode vip --replicas 2 --force -d web\ndocker service update --publish 80:80 web\n",
		[]string{"service update publish-add=8080:80 publish-rm=80 network-add=front network-rm=back endpoint-mode=vip replicas=2 force detach | web",
			"service update !publish=80:80 | web"}},
	{"service rm", "docker service rm a b\n", []string{"service rm | a b"}},
	{"stack deploy",
		"docker stack deploy --compose-file docker-compose.yml -c docker-compose.prod.yml --prune --with-registry-auth " +
			"--resolve-image never mystack\ndocker stack deploy -qdc a.yml s\n",
		[]string{"stack deploy compose-file=docker-compose.yml compose-file=docker-compose.prod.yml prune with-registry-auth resolve-image=never | mystack",
			"stack deploy quiet detach compose-file=a.yml | s"}},
	{"end of flags", "docker network rm -f -- -weird --x\n", []string{"network rm force | -weird --x"}},
	{"unknown flags",
		"docker network create --frobnicate net\ndocker network create --frobnicate yes net\n" +
			"docker network create --frobnicate --driver overlay net\ndocker network create --x=1 net\n" +
			"docker network create -z net\ndocker network create -zd overlay net\n" +
			"docker network create --frob x --driver overlay net\ndocker network create --frob x -ad overlay net\n" +
			"docker network create --frob net -d overlay\ndocker network create --frob net --driver=overlay --internal\n" +
			"docker network create --frob x -- net\ndocker service create --frob x img cmd\n",
		[]string{"network create !frobnicate | net", "network create !frobnicate=yes | net",
			"network create !frobnicate driver=overlay | net", "network create !x=1 | net",
			"network create !z | net", "network create !z driver=overlay | net",
			"network create !frob=x driver=overlay | net", "network create !frob=x !a driver=overlay | net",
			"network create !frob driver=overlay | net", "network create !frob driver=overlay internal | net",
			"network create !frob=x | net", "service create !frob=x | img cmd"}},
	{"value flag at the end", "docker network create net --driver\n", []string{"network create driver | net"}},
	{"help", "docker swarm init --help\ndocker network create -h\n", []string{"swarm init help", "network create help"}},
}

func TestFlags(t *testing.T) { runScriptTests(t, flagTests) }

var variableTests = []scriptTest{
	{"double quoted", "POOL=10.20.0.0/16\ndocker swarm init --default-addr-pool \"$POOL\"\n",
		[]string{"swarm init default-addr-pool=10.20.0.0/16"}},
	{"braces and unquoted", "POOL=10.20.0.0/16\nMASK=26\ndocker swarm init --default-addr-pool ${POOL} --default-addr-pool-mask-length=$MASK\n",
		[]string{"swarm init default-addr-pool=10.20.0.0/16 default-addr-pool-mask-length=26"}},
	{"built from other variables", "BASE=10.20\nPOOL=\"${BASE}.0.0/16\"\ndocker swarm init --default-addr-pool $POOL\n",
		[]string{"swarm init default-addr-pool=10.20.0.0/16"}},
	{"same statement", "A=10.1 B=$A.0.0/16\ndocker network create --subnet \"$B\" n\n",
		[]string{"network create subnet=10.1.0.0/16 | n"}},
	{"export readonly declare",
		"export POOL=10.20.0.0/16\nreadonly NET=front\ndeclare -x DRV=overlay\n" +
			"docker network create -d $DRV --subnet $POOL $NET\n",
		[]string{"network create driver=overlay subnet=10.20.0.0/16 | front"}},
	{"partly known", "OCT=42\ndocker network create --subnet=10.$OCT.0.0/16 --gateway 10.$OCT.0.1 n\n",
		[]string{"network create subnet=10.42.0.0/16 gateway=10.42.0.1 | n"}},
	{"undefined", "docker swarm init --default-addr-pool \"$POOL\" --advertise-addr=$ADDR\n",
		[]string{"swarm init default-addr-pool=<$POOL> advertise-addr=<$ADDR> [dynamic]"}},
	{"assigned later", "docker swarm init --default-addr-pool \"$POOL\"\nPOOL=10.20.0.0/16\n",
		[]string{"swarm init default-addr-pool=<$POOL>"}},
	{"reassigned conditionally", "POOL=10.20.0.0/16\nif [ -n \"$X\" ]; then POOL=10.30.0.0/16; fi\ndocker swarm init --default-addr-pool \"$POOL\"\n",
		[]string{"swarm init default-addr-pool=<$POOL>"}},
	{"reassigned in a chain", "POOL=10.20.0.0/16\n[ -n \"$X\" ] && POOL=10.30.0.0/16\ndocker swarm init --default-addr-pool \"$POOL\"\n",
		[]string{"swarm init default-addr-pool=<$POOL>"}},
	{"conditional then plain", "if true; then POOL=x; fi\nPOOL=10.20.0.0/16\ndocker swarm init --default-addr-pool \"$POOL\"\n",
		[]string{"swarm init default-addr-pool=10.20.0.0/16"}},
	{"assigned in a function", "POOL=10.20.0.0/16\nf() { POOL=10.30.0.0/16; }\ndocker swarm init --default-addr-pool \"$POOL\"\n",
		[]string{"swarm init default-addr-pool=<$POOL>"}},
	{"command substitution", "POOL=$(cat pool.txt)\ndocker swarm init --default-addr-pool \"$POOL\" --token \"$(cat t)\"\n",
		[]string{"swarm init default-addr-pool=<$POOL> !token=<$(cat t)>"}},
	{"default expansion is not guessed", "POOL=10.20.0.0/16\ndocker swarm init --default-addr-pool \"${POOL:-10.0.0.0/8}\"\n",
		[]string{"swarm init default-addr-pool=<${POOL:-10.0.0.0/8}>"}},
	{"other modifications",
		"A=1\nread A\nB=1\nfor B in x; do :; done\nC=1\nunset C\nD=1\n: ${D:=2}\nE=1\n((E++))\nF=1\nF+=2\nG=1\nprintf -v G %s x\n" +
			"docker network create --label $A --label $B --label $C --label $D --label $E --label $F --label $G n\n",
		[]string{"network create label=<$A> label=<$B> label=<$C> label=<$D> label=<$E> label=<$F> label=<$G> | n [dynamic]"}},
	{"source hides earlier values", "POOL=10.20.0.0/16\n. ./env.sh\ndocker swarm init --default-addr-pool \"$POOL\"\n",
		[]string{"swarm init default-addr-pool=<$POOL>"}},
	{"source before the assignment", "source ./env.sh\nPOOL=10.20.0.0/16\ndocker swarm init --default-addr-pool \"$POOL\"\n",
		[]string{"swarm init default-addr-pool=10.20.0.0/16"}},
	{"eval in a function hides everything", "POOL=10.20.0.0/16\nload() { eval \"$1\"; }\ndocker swarm init --default-addr-pool \"$POOL\"\n",
		[]string{"swarm init default-addr-pool=<$POOL>"}},
	{"use in a function",
		"POOL=10.20.0.0/16\nf() { docker swarm init --default-addr-pool \"$POOL\"; }\nf\n",
		[]string{"swarm init default-addr-pool=10.20.0.0/16 [func f]"}},
	{"use in a function before the assignment",
		"f() { docker swarm init --default-addr-pool \"$POOL\"; }\nPOOL=10.20.0.0/16\nf\n",
		[]string{"swarm init default-addr-pool=<$POOL> [func f]"}},
	{"use in a function, reassigned later",
		"POOL=10.20.0.0/16\nf() { docker swarm init --default-addr-pool \"$POOL\"; }\nPOOL=10.30.0.0/16\nf\n",
		[]string{"swarm init default-addr-pool=<$POOL> [func f]"}},
	{"local variables are not resolved",
		"f() { local pool=10.20.0.0/16; docker swarm init --default-addr-pool \"$pool\"; }\n",
		[]string{"swarm init default-addr-pool=<$pool> [func f]"}},
	{"positional parameters", "docker swarm join --token \"$1\" \"$@\"\n",
		[]string{"swarm join token=<$1> | <$@> [dynamic]"}},
	{"prefix assignment does not apply to the arguments", "POOL=10.20.0.0/16 docker swarm init --default-addr-pool \"$POOL\"\n",
		[]string{"swarm init default-addr-pool=<$POOL>"}},
	{"unquoted value is split", "OPTS=\"--driver overlay  --attachable\"\nNAME=\"my net\"\ndocker network create $OPTS \"$NAME\"\n",
		[]string{"network create driver=overlay attachable | \"my net\""}},
	{"empty values", "EMPTY=\ndocker network create $EMPTY -d overlay \"$EMPTY\"\n",
		[]string{"network create driver=overlay | \"\""}},
	{"custom IFS", "IFS=,\nOPTS=a\nB=$OPTS\ndocker network rm $OPTS \"$OPTS\" \"$B\"\n",
		[]string{"network rm | <$OPTS> a a [dynamic]"}},
	{"background assignment", "POOL=a &\ndocker network rm \"$POOL\"\n",
		[]string{"network rm | <$POOL>"}},
	{"declare with attributes", "declare -i N=1+1\ndocker network rm \"$N\"\n",
		[]string{"network rm | <$N>"}},
	{"loop variable", "for n in a b; do docker network create -d overlay $n; done\n",
		[]string{"network create driver=overlay | <$n> [dynamic]"}},
	{"docker from a variable", "DOCKER=docker\n$DOCKER network rm a\n", []string{"network rm | a"}},
	{"values that grow without bound", "A=x\n" + strings.Repeat("A=$A$A\n", 60) + "docker network rm \"$A\"\n",
		[]string{"network rm | <$A>"}},
}

func TestVariables(t *testing.T) { runScriptTests(t, variableTests) }

var quotingTests = []scriptTest{
	{"single and double quotes", "docker network create --subnet '10.0.0.0/8' --gateway=\"10.0.0.1\" 'my'\"net\"\n",
		[]string{"network create subnet=10.0.0.0/8 gateway=10.0.0.1 | mynet"}},
	{"spaces in quotes", "docker service create --name web --health-cmd 'curl -f http://x || exit 1' img\n",
		[]string{"service create name=web health-cmd=\"curl -f http://x || exit 1\" | img"}},
	{"backslash escapes",
		"docker network rm a\\ b \\$HOME \"q\\\"x\" \"\\n\" 'a\\b'\n",
		[]string{`network rm | "a b" $HOME q"x \n a\b`}},
	{"quoted flag", "docker network create \"--subnet=10.0.0.0/8\" '-d' overlay n\n",
		[]string{"network create subnet=10.0.0.0/8 driver=overlay | n"}},
	{"ANSI-C quotes", "docker network rm $'plain' $'tab\\there'\n", []string{"network rm | plain <$'tab\\there'>"}},
	{"tilde", "docker stack deploy -c ~/app.yml s\n", []string{"stack deploy compose-file=<~/app.yml> | s"}},
	{"brace expansion", "docker network rm net{1,2}\n", []string{"network rm | <net{1,2}> [dynamic]"}},
	{"arithmetic", "docker service create --replicas $((2+1)) img\n", []string{"service create replicas=<$((2+1))> | img"}},
}

func TestQuoting(t *testing.T) { runScriptTests(t, quotingTests) }

func TestPositions(t *testing.T) {
	src := "POOL=10.20.0.0/16\n" +
		"sudo docker swarm init --default-addr-pool \"$POOL\" --data-path-addr=\"$ADDR\"\n" +
		"docker network rm ñet héllo e\u0301 \r\n" +
		"OPTS='-d overlay'\n" +
		"\tdocker network create $OPTS --subnet='10.1.0.0/24' n\n"
	s, err := Parse("p.sh", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Commands) != 3 {
		t.Fatalf("got:\n%s", renderAll(s.Commands))
	}
	init := s.Commands[0]
	if init.Pos != rg(2, 6, 2, 76) {
		t.Errorf("swarm init Pos = %v", init.Pos)
	}
	pool, _ := init.Flag("default-addr-pool")
	if pool.Pos != rg(2, 24, 2, 43) || pool.Value != kw("10.20.0.0/16", rg(2, 44, 2, 51)) {
		t.Errorf("pool = %+v", pool)
	}
	addr, _ := init.Flag("--data-path-addr")
	want := Flag{Name: "data-path-addr", Spelling: "--data-path-addr", HasValue: true, Pos: rg(2, 52, 2, 76),
		Value: Word{Text: "$ADDR", Known: false, Pos: rg(2, 69, 2, 76)}}
	if addr != want {
		t.Errorf("addr =\n%+v, want\n%+v", addr, want)
	}

	// Columns count code points; "e\u0301" is two of them; "\r\n" ends the line.
	rm := s.Commands[1]
	got := rm.Positionals()
	wantWords := []Word{kw("ñet", rg(3, 19, 3, 22)), kw("héllo", rg(3, 23, 3, 28)), kw("e\u0301", rg(3, 29, 3, 31))}
	if !reflect.DeepEqual(got, wantWords) {
		t.Errorf("positionals = %+v", got)
	}
	if rm.Pos != rg(3, 1, 3, 31) {
		t.Errorf("network rm Pos = %v", rm.Pos)
	}

	// Words split from one variable share its region; a quoted value's
	// region includes the quotes.
	nc := s.Commands[2]
	drv, _ := nc.Flag("driver")
	if drv.Pos != rg(5, 24, 5, 29) || drv.Value != kw("overlay", rg(5, 24, 5, 29)) {
		t.Errorf("driver = %+v", drv)
	}
	sub, _ := nc.Flag("subnet")
	if sub.Pos != rg(5, 30, 5, 52) || sub.Value != kw("10.1.0.0/24", rg(5, 39, 5, 52)) {
		t.Errorf("subnet = %+v", sub)
	}
	if nc.Pos != rg(5, 2, 5, 54) {
		t.Errorf("network create Pos = %v", nc.Pos)
	}
}

func TestRegionIsZero(t *testing.T) {
	if !(Region{}).IsZero() || rg(1, 1, 1, 1).IsZero() {
		t.Error("IsZero")
	}
}

func TestCommandAccessors(t *testing.T) {
	c, err := ParseCommandLine("x", "docker swarm init --default-addr-pool 10.1.0.0/16 --default-addr-pool 10.2.0.0/16 --autolock")
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := c.Flag("default-addr-pool"); !ok || f.Value.Text != "10.2.0.0/16" {
		t.Errorf("Flag returns the last occurrence: %+v", f)
	}
	if f, ok := c.Flag("--autolock"); !ok || f.HasValue {
		t.Errorf("Flag(--autolock) = %+v, %v", f, ok)
	}
	if _, ok := c.Flag("data-path-port"); ok {
		t.Error("data-path-port not given")
	}
	all := c.All("default-addr-pool")
	if len(all) != 2 || all[0].Value.Text != "10.1.0.0/16" || all[1].Value.Text != "10.2.0.0/16" {
		t.Errorf("All = %+v", all)
	}
	if c.All("nope") != nil || c.Positionals() != nil {
		t.Error("expected nil slices")
	}
}

func TestParseError(t *testing.T) {
	tests := []struct {
		name, file, src string
		line, col       int
		msg             string
	}{
		{"unclosed quote", "boot.sh", "docker swarm init\ndocker network create \"net\n", 2, 23, "reached EOF without closing quote `\"`"},
		{"columns in code points", "boot.sh", "echo ñ é; fi\n", 1, 11, "`fi` can only be used to end an `if`"},
		{"no file name", "", "docker network create (\n", 1, 23, "a command can only contain words and redirects; encountered `(`"},
		{"other shell dialect", "boot.sh", "docker network rm ${(j:,:)nets}\n", 1, 19, "parameter expansion flags are a zsh feature; tried parsing as bash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.file, []byte(tt.src))
			if s != nil {
				t.Error("script returned with an error")
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not a *ParseError", err, err)
			}
			want := &ParseError{File: tt.file, Line: tt.line, Col: tt.col, Msg: tt.msg}
			if *pe != *want {
				t.Errorf("got %+v, want %+v", pe, want)
			}
			prefix := tt.file + ":"
			if tt.file == "" {
				prefix = ""
			}
			if s := pe.Error(); s != prefix+strconv.Itoa(tt.line)+":"+strconv.Itoa(tt.col)+": "+tt.msg {
				t.Errorf("Error() = %q", s)
			}
		})
	}
}

func TestParseCommandLine(t *testing.T) {
	c, err := ParseCommandLine("--swarm-init", "docker swarm init --default-addr-pool 10.60.0.0/16 --default-addr-pool-mask-length 28")
	if err != nil {
		t.Fatal(err)
	}
	checkCommands(t, []Command{*c}, []wantCommand{{
		kind: KindSwarmInit,
		pos:  rg(1, 1, 1, 86),
		flags: []Flag{
			valueFlag("default-addr-pool", "--default-addr-pool", rg(1, 19, 1, 38), "10.60.0.0/16", rg(1, 39, 1, 51)),
			valueFlag("default-addr-pool-mask-length", "--default-addr-pool-mask-length", rg(1, 52, 1, 83), "28", rg(1, 84, 1, 86)),
		},
	}})

	ok := []struct{ line, want string }{
		{"swarm init --default-addr-pool=10.60.0.0/16", "swarm init default-addr-pool=10.60.0.0/16"},
		{"  sudo docker swarm join --token T m1:2377", "swarm join token=T | m1:2377"},
		{"docker swarm init \\\n  --data-path-port 7789", "swarm init data-path-port=7789"},
		{"network create -d overlay --ingress ingress2", "network create driver=overlay ingress | ingress2"},
		{"docker swarm init --default-addr-pool $POOL", "swarm init default-addr-pool=<$POOL> [dynamic]"},
		{"docker swarm init # comment", "swarm init"},
	}
	for _, tt := range ok {
		c, err := ParseCommandLine("x", tt.line)
		if err != nil {
			t.Errorf("%q: %v", tt.line, err)
			continue
		}
		if got := render(*c); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.line, got, tt.want)
		}
	}
	c, _ = ParseCommandLine("x", "swarm init --autolock")
	if c.Pos != rg(1, 1, 1, 22) {
		t.Errorf("bare command Pos = %v", c.Pos)
	}

	bad := []struct{ line, err string }{
		{"", "x:1:1: empty command line"},
		{"docker ps", "x:1:1: not a supported docker command"},
		{"echo swarm init", "x:1:1: not a supported docker command"},
		{"docker swarm init; docker swarm leave", "x:1:20: expected a single docker command"},
		{"docker swarm init 'oops", "x:1:19: reached EOF without closing quote `'`"},
		{"if true; then docker swarm init; fi", "x:1:1: expected a single docker command"},
	}
	for _, tt := range bad {
		_, err := ParseCommandLine("x", tt.line)
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), tt.err) {
			t.Errorf("%q: got %v, want prefix %q", tt.line, err, tt.err)
		}
	}
}

func TestIsShellScript(t *testing.T) {
	tests := []struct {
		name, src string
		want      bool
	}{
		{"bootstrap.sh", "", true},
		{"scripts/INIT.SH", "", true},
		{"setup.bash", "", true},
		{"setup", "#!/bin/sh\necho", true},
		{"setup", "#!/bin/bash -e\n", true},
		{"setup", "#! /usr/bin/env bash\n", true},
		{"setup", "#!/usr/bin/env -S bash -eu\n", true},
		{"setup", "#!/bin/dash\n", true},
		{"setup", "#!/usr/bin/zsh\n", true},
		{"setup", "#!/bin/ksh\r\n", true},
		{"setup", "#!/usr/bin/env python3\n", false},
		{"setup.py", "#!/usr/bin/python\n", false},
		{"setup", "echo hi\n#!/bin/sh\n", false},
		{"setup", "#!\n", false},
		{"stack.yml", "", false},
		{"Makefile", "", false},
	}
	for _, tt := range tests {
		if got := IsShellScript(tt.name, []byte(tt.src)); got != tt.want {
			t.Errorf("IsShellScript(%q, %q) = %v, want %v", tt.name, tt.src, got, tt.want)
		}
	}
}

// Windows line endings: "\r\n" ends lines and line continuations.
func TestCRLF(t *testing.T) {
	src := "docker network create \\\r\n  --sub\\\r\nnet 10.0.0.0/8 --label \"a\r\nb\" n\r\n"
	s, err := Parse("crlf.sh", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Commands) != 1 {
		t.Fatalf("got:\n%s", renderAll(s.Commands))
	}
	c := s.Commands[0]
	if got := render(c); got != "network create subnet=10.0.0.0/8 label=\"a\\nb\" | n" {
		t.Errorf("got %s", got)
	}
	sub, _ := c.Flag("subnet")
	if sub.Pos != rg(2, 3, 3, 4) || sub.Value.Pos != rg(3, 5, 3, 15) {
		t.Errorf("subnet = %+v", sub)
	}
	if c.Pos != rg(1, 1, 4, 5) {
		t.Errorf("Pos = %v", c.Pos)
	}
}

// TestStdin checks where each docker command reads its standard input:
// the script's own, a pipe (and what writes into it) or a redirection.
func TestStdin(t *testing.T) {
	src := strings.Join([]string{
		"ANSWER=y",
		"docker network rm ingress",
		"echo y | docker network rm ingress",
		`echo "$ANSWER" | docker network rm ingress`,
		"yes | sudo docker network rm ingress",
		"cat answers | docker network rm ingress",
		"docker network rm ingress < /dev/null",
		"docker network rm ingress <<< y",
		"docker network rm ingress <<END",
		"y",
		"END",
		"{ docker network rm ingress; } < answers",
		"docker network rm ingress | tee log",
		"echo y | docker network rm ingress | tee log",
		"if true; then echo y | docker network rm ingress; fi",
		"docker network rm ingress 2>/dev/null",
		`printf 'y\n' | docker network rm ingress`,
		"echo $(date) | docker network rm ingress",
		"",
	}, "\n")
	want := []string{
		"|",
		"pipe|echo y",
		"pipe|echo y",
		"pipe|yes",
		"pipe|cat answers",
		"redirect|",
		"redirect|y",
		"redirect|",
		"redirect|",
		"|",
		"pipe|echo y",
		"pipe|echo y",
		"|",
		`pipe|printf y\n`,
		"pipe|",
	}
	s, err := Parse("s.sh", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Commands) != len(want) {
		t.Fatalf("%d commands, want %d", len(s.Commands), len(want))
	}
	for i, c := range s.Commands {
		if got := c.Stdin + "|" + c.StdinSource; got != want[i] {
			t.Errorf("line %d: stdin %q, want %q", c.Pos.Line, got, want[i])
		}
	}
}

// TestNestingLimit: 20,000 nested $( … ) (34 s in the shell parser before)
// are refused at once where the nesting passes the limit; 64 levels, quotes
// and comments full of parentheses are fine.
func TestNestingLimit(t *testing.T) {
	deep := "#!/bin/sh\necho " + strings.Repeat("$(echo ", 20000) + "x" + strings.Repeat(")", 20000) + "\n"
	start := time.Now()
	_, err := Parse("deep.sh", []byte(deep))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 2 || pe.Col != 6+7*MaxNesting+1 || !strings.Contains(pe.Msg, "nested more than 64 levels") {
		t.Fatalf("%v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
	deepVar := "#!/bin/sh\necho " + strings.Repeat("${A:-", 1000) + "x" + strings.Repeat("}", 1000) + "\n"
	if _, err := Parse("v.sh", []byte(deepVar)); err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Fatalf("%v", err)
	}
	ok := "#!/bin/sh\n# (((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((\necho '((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((' \"(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((\"\necho " +
		strings.Repeat("$(echo ", MaxNesting) + "x" + strings.Repeat(")", MaxNesting) + "\n"
	if _, err := Parse("ok.sh", []byte(ok)); err != nil {
		t.Fatal(err)
	}
}
