; Languages inside a Dockerfile (grammar: tree-sitter-containerfile), for Neovim and
; Helix: `#set! injection.language` names the language of each `@injection.content`.

; Shell form of RUN, CMD, ENTRYPOINT and HEALTHCHECK CMD. Each command is its own shell
; document: no injection.combined, which would run one RUN's last word into the next.
; A command that is only a heredoc marker (`RUN <<EOF`) is left out: its body is below.
((shell_command) @injection.content
  (#not-match? @injection.content "^[<][<]-?[\"']?[A-Za-z_][A-Za-z0-9_]*[\"']?[ \t]*$")
  (#set! injection.language "bash"))

; RUN heredoc bodies (the content, without the closing delimiter line) are shell too.
((run_instruction
  (heredoc_block
    (heredoc_content) @injection.content))
  (#set! injection.language "bash"))

; Exec form and SHELL: a JSON array of strings.
((json_string_array) @injection.content
  (#set! injection.language "json"))

; COPY/ADD heredocs written to a file: the language of the destination's extension.
((copy_instruction
  (path) @_dest
  .
  (heredoc_block
    (heredoc_content) @injection.content))
  (#match? @_dest "[.][jJ][sS][oO][nN]$")
  (#set! injection.language "json"))

((copy_instruction
  (path) @_dest
  .
  (heredoc_block
    (heredoc_content) @injection.content))
  (#match? @_dest "[.][yY][aA]?[mM][lL]$")
  (#set! injection.language "yaml"))

((copy_instruction
  (path) @_dest
  .
  (heredoc_block
    (heredoc_content) @injection.content))
  (#match? @_dest "[.][sS][hH]$")
  (#set! injection.language "bash"))

; TODO/FIXME/NOTE in comments.
((comment) @injection.content
  (#set! injection.language "comment"))
