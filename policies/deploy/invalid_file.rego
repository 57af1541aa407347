# METADATA
# title: File that docker stack deploy refuses to load
# description: |
#   `docker stack deploy` parses every `-c` file as YAML, merges the files,
#   interpolates variables and validates the result against the stack file
#   schema before it creates anything; any failure stops the deploy with an
#   error and nothing is created. swarmlint loads files the same way and
#   reports such a failure here, at the offending token, in plain words: a
#   YAML syntax error, an unknown key (with the closest allowed key when one
#   is close), a value of the wrong type (`"replicas" must be a number, got
#   "three"`), a file that is empty or not a mapping, files of one stack that
#   do not merge. The other files and stacks of the run are linted as usual;
#   no other rule reports on a stack that does not load, because what Docker
#   would do with it cannot be decided.
#
#   UTF-8 and UTF-16 files with a byte-order mark, CRLF line ends and YAML
#   merge keys (`<<: *anchor`, resolved by the YAML parser in every section)
#   load as they do for Docker. YAML files that are not Compose files at all
#   (no `services`, `networks`, `volumes`, `configs`, `secrets` or `version`
#   at the top, or another format such as a GitHub workflow) are skipped with
#   a line on standard error, not reported.
# related_resources:
#   - description: Docker docs, docker stack deploy
#     ref: https://docs.docker.com/reference/cli/docker/stack/deploy/
#   - description: docker/cli stack file loader (cli/compose/loader)
#     ref: https://github.com/docker/cli/tree/master/cli/compose/loader
#   - description: YAML 1.2, character encodings (byte-order marks)
#     ref: https://yaml.org/spec/1.2.2/#52-character-encodings
# custom:
#   id: SWL000
#   name: invalid-file
#   severity: error
#   remediation: >-
#     Fix the key or value the message names; `docker stack config -c FILE`
#     shows how Docker reads the file once it loads.
package swarmlint.rules.deploy.invalid_file

import data.swarmlint.lib.result

report contains finding if {
	some e in input.load_errors
	finding := result.finding(rego.metadata.chain(), e, e.message)
}
