; Syntax highlighting of a Dockerfile (grammar: tree-sitter-containerfile), with the
; standard capture names of nvim-treesitter, which Helix shares or falls back from.
; Patterns do not overlap on the same node except parent and child, so the result does
; not depend on the editor's precedence rule (Neovim: last pattern wins; Helix: first).
; Shell (RUN, CMD, ENTRYPOINT, HEALTHCHECK) and exec-form JSON come from injections.scm.

; Instruction keywords, including the CMD of HEALTHCHECK and the AS of FROM.
[
  "FROM"
  "AS"
  "RUN"
  "CMD"
  "LABEL"
  "EXPOSE"
  "ENV"
  "ADD"
  "COPY"
  "ENTRYPOINT"
  "VOLUME"
  "USER"
  "WORKDIR"
  "ARG"
  "ONBUILD"
  "STOPSIGNAL"
  "HEALTHCHECK"
  "SHELL"
  "MAINTAINER"
  "CROSS_BUILD"
] @keyword

; HEALTHCHECK NONE
"NONE" @constant.builtin

; Comments; parser directives (`# syntax=`, `# escape=`, `# check=`) stand apart.
((comment) @comment @spell
  (#not-match? @comment "^#[ \t]*([sS][yY][nN][tT][aA][xX]|[eE][sS][cC][aA][pP][eE]|[cC][hH][eE][cC][kK])[ \t]*[=]"))

((comment) @keyword.directive
  (#match? @keyword.directive "^#[ \t]*([sS][yY][nN][tT][aA][xX]|[eE][sS][cC][aA][pP][eE]|[cC][hH][eE][cC][kK])[ \t]*[=]"))

; FROM [--platform=…] name[:tag][@digest] [AS stage]
(image_name) @type

(image_tag) @constant

(image_digest) @constant

(image_tag
  ":" @punctuation.delimiter)

(image_digest
  "@" @punctuation.delimiter)

(image_alias) @label

; Flags: --from=…, --chown=…, --mount=type=cache,target=…; and `--` ending them. The
; grammar keeps a flag's name and value as hidden tokens: the whole flag is a parameter.
(param) @variable.parameter

(mount_param) @variable.parameter

(param
  "=" @operator)

(mount_param
  "=" @operator)

(mount_param
  "," @punctuation.delimiter)

(mount_param_param) @property

(end_of_options) @punctuation.delimiter

; ARG NAME=default, ENV NAME=value, LABEL key=value
(arg_pair
  name: _ @variable)

(env_pair
  name: _ @variable)

(label_pair
  key: (unquoted_string) @property)

(arg_pair
  "=" @operator)

(env_pair
  "=" @operator)

(label_pair
  "=" @operator)

(arg_pair
  default: (unquoted_string) @string)

(env_pair
  value: (unquoted_string) @string)

(label_pair
  value: (unquoted_string) @string)

; USER name[:group]
(user_instruction
  user: _ @string.special)

(user_instruction
  group: _ @string.special)

(user_instruction
  ":" @punctuation.delimiter)

; Strings and escapes
[
  (double_quoted_string)
  (single_quoted_string)
  (json_string)
] @string

(escape_sequence) @string.escape

; Exec form: ["executable", "arg"]
(json_string_array
  [
    "["
    "]"
  ] @punctuation.bracket)

(json_string_array
  "," @punctuation.delimiter)

; $VAR, ${VAR}, ${VAR:-default}
(expansion
  [
    "$"
    "{"
    "}"
  ] @punctuation.special)

(expansion
  (variable) @variable)

(expansion_operator) @operator

; Paths of ADD, COPY, VOLUME and WORKDIR (a heredoc's `<<EOF` stays a label).
((path) @string.special.path
  (#not-match? @string.special.path "^[<][<]"))

(expose_port) @number

; Heredocs: the markers, and the bodies of COPY and ADD (a RUN heredoc is shell).
[
  (heredoc_marker)
  (heredoc_end)
] @label

(copy_instruction
  (heredoc_block
    (heredoc_content) @string))

(add_instruction
  (heredoc_block
    (heredoc_content) @string))

(line_continuation) @punctuation.special
